"""The operator's admin: every model, with derived figures read-only and writes through services.

Lists stay fast with thousands of vendors: foreign keys are autocomplete widgets (never a
<select> of every row), related rows come with ``list_select_related`` and per-vendor figures
are the stored ones (``selectors.vendors_with_figures``, one join), so a changelist runs the
same handful of queries whatever its length.
"""

import datetime as dt
import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from governance import reminders, selectors, services
from governance.domain import access
from governance.domain.bounds import IdsChoiceField, key_in_range
from governance.models import (
    ActionItem,
    AgendaProposal,
    Contact,
    Goal,
    GoalCheckIn,
    Incident,
    Meeting,
    Reminder,
    RequiredClause,
    Review,
    ReviewScore,
    ReviewScoreCriterion,
    Role,
    SecurityClause,
    Service,
    SLATarget,
    UserProfile,
    Vendor,
    time_zone_choices,
)

EMPTY = "-"
# Inline rows stay one line high (scores, action items, check-ins); the box is resizable.
COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 60})}}


def _percent(value):
    return EMPTY if value is None else f"{value:.1f}%"


def _minutes(value):
    """30 -> "30 min", 240 -> "4 h", 2880 -> "2 d" (exact units only, else minutes)."""
    if value % (24 * 60) == 0:
        return f"{value // (24 * 60)} d"
    if value % 60 == 0:
        return f"{value // 60} h"
    return f"{value} min"


def _refusal_message(error):
    return " ".join(error.messages)


# --- who may use the admin -----------------------------------------------------------------


def _administrators_only(request):
    """The admin is for administrators (governance.domain.access): staff status alone, as a
    manager might have, is not enough."""
    return access.can_use_admin(request.user)


admin.site.has_permission = _administrators_only


class _SubmittedIdsTolerated:
    """An autocomplete widget that shows a form with an unusable id ("abc", 2**63) again.

    Django's widget looks the submitted values up as they are to show them selected, so a
    form sent back with its "Select a valid choice" error raised ValueError (SQLite:
    OverflowError) instead: a 500. Such a value is shown unselected; the form says why.
    """

    def optgroups(self, name, value, attr=None):
        try:
            return super().optgroups(name, value, attr)
        except (ValueError, TypeError, OverflowError):
            return super().optgroups(name, [], attr)


class _TolerantAutocompleteSelect(_SubmittedIdsTolerated, AutocompleteSelect):
    pass


class _TolerantAutocompleteSelectMultiple(_SubmittedIdsTolerated, AutocompleteSelectMultiple):
    pass


class TolerantAutocomplete:
    """Every autocomplete field of a model admin or inline with ``_SubmittedIdsTolerated``,
    and every many-to-many field an ``IdsChoiceField``."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = _TolerantAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", IdsChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = _TolerantAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class SelectedIdsChecked:
    """Actions run on the selected rows whose ids are ids of the model.

    Django filters the changelist by the selected ids as posted: an id that is no number
    ("abc", "1.5") or past what a key holds was a 500 instead of "no items selected".
    """

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        usable = [value for value in selected if _is_id(self.model, value)]
        if usable != selected:
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, usable)
        return super().response_action(request, queryset)


def _is_id(model, value):
    try:
        return key_in_range(model, int(value))
    except ValueError:
        return False


class AdministratorsOnly(SelectedIdsChecked, TolerantAutocomplete):
    """Model admins follow the roles: an administrator may do what the admin offers.

    Django's per-model permissions are not used: roles are the one source of what a user
    may do (governance.domain.access), and only administrators get this far.
    """

    def has_module_permission(self, request):
        return access.can_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def has_add_permission(self, request, *args):
        return access.can_use_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form checked the fields; the services may still refuse the write (a rule
        # across records, a concurrent change). Django's transaction has rolled it back by
        # the time the error arrives here: say why on the same page instead of a 500.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            if request.method != "POST":
                raise
            self.message_user(request, _refusal_message(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


# --- users ---------------------------------------------------------------------------------


class UserProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="UTC")

    class Meta:
        model = UserProfile
        fields = ["role", "vendor", "time_zone", "digest_enabled", "muted_kinds", "lead_times"]
        help_texts = {
            "role": "Administrators manage everything and use this admin (with staff status); "
            "managers edit the vendors they own or are assigned to and read the rest; viewers "
            "read; auditors read, with the change history; vendor representatives use only "
            "the vendor portal of their vendor.",
            "vendor": "For a vendor representative only: the vendor they represent.",
        }

    def clean(self):
        cleaned = super().clean()
        role, vendor = cleaned.get("role"), cleaned.get("vendor")
        if role == Role.VENDOR_REP and vendor is None:
            self.add_error("vendor", "Choose the vendor this representative belongs to.")
        elif role and role != Role.VENDOR_REP and vendor is not None:
            self.add_error("vendor", "Only a vendor representative belongs to a vendor.")
        user = self.instance.user if self.instance.user_id else None
        if user is not None and role and role not in access.WRITER_ROLES:
            owned = Vendor.objects.filter(owner=user).count()
            if owned and not user.is_superuser:
                self.add_error(
                    "role",
                    f"This user owns {owned} vendor(s): hand them over before giving this role.",
                )
        return cleaned


class UserProfileInline(AdministratorsOnly, admin.StackedInline):
    model = UserProfile
    form = UserProfileForm
    autocomplete_fields = ["vendor"]
    can_delete = False
    max_num = 1
    verbose_name_plural = "profile"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(AdministratorsOnly, DjangoUserAdmin):
    inlines = [UserProfileInline]
    list_display = [*DjangoUserAdmin.list_display, "role"]
    list_select_related = ["profile"]
    list_filter = [*DjangoUserAdmin.list_filter, "profile__role"]

    @admin.display(description="Role", ordering="profile__role")
    def role(self, user):
        if user.is_superuser:
            return Role.ADMINISTRATOR.label
        profile = getattr(user, "profile", None)
        return profile.get_role_display() if profile else Role.NONE.label

    def get_inlines(self, request, obj):
        # A new account gets its profile when it is created (services.profile_create); the
        # role is changed on the next page, as Django's two-step user form has it.
        return self.inlines if obj is not None else []

    def save_formset(self, request, form, formset, change):
        if formset.model is not UserProfile:
            return super().save_formset(request, form, formset, change)
        # The role through its service: a role that cannot manage vendors ends the user's
        # assignments to vendors; the other preferences are plain fields.
        for profile in formset.save(commit=False):
            services.profile_role_set(profile, role=profile.role, vendor=profile.vendor)
        formset.save_m2m()
        return None


# --- vendors -------------------------------------------------------------------------------


class ServiceFilter(admin.SimpleListFilter):
    title = "service"
    parameter_name = "service"

    def lookups(self, request, model_admin):
        return Service.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value not in Service.values:
            return queryset
        # JSON text match: works on PostgreSQL and SQLite alike (no JSON containment there).
        return queryset.filter(services__icontains=f'"{value}"')


class ContractEndFilter(admin.SimpleListFilter):
    title = "contract end"
    parameter_name = "contract_end_in"

    def lookups(self, request, model_admin):
        return [("ended", "Already ended"), ("180", "Within 180 days"), ("later", "Later")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        soon = today + dt.timedelta(days=180)
        if self.value() == "ended":
            return queryset.filter(contract_end__lt=today)
        if self.value() == "180":
            return queryset.filter(contract_end__gte=today, contract_end__lte=soon)
        if self.value() == "later":
            return queryset.filter(contract_end__gt=soon)
        return queryset


class VendorForm(forms.ModelForm):
    services = forms.TypedMultipleChoiceField(
        choices=Service.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="UTC")

    class Meta:
        model = Vendor
        fields = list(services.VENDOR_FIELDS)
        help_texts = {"review_cadence": "Leave empty for the default of the vendor's tier."}


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["vendor", "name", "email", "role", "phone", "is_primary"]

    def validate_constraints(self):
        # Marking a contact primary unmarks the vendor's previous primary one
        # (services.contact_save), so "one primary per vendor" is not the form's to refuse.
        try:
            self.instance.validate_constraints(
                exclude=self._get_validation_exclusions() | {"is_primary"}
            )
        except ValidationError as error:
            self._update_errors(error)


class ContactInline(AdministratorsOnly, admin.TabularInline):
    model = Contact
    form = ContactForm
    extra = 0
    fields = ["name", "email", "role", "phone", "is_primary"]


class SLATargetInline(AdministratorsOnly, admin.TabularInline):
    model = SLATarget
    extra = 0
    max_num = 4
    fields = ["priority", "response_minutes", "resolution_minutes"]


@admin.register(Vendor)
class VendorAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = VendorForm
    list_display = [
        "name",
        "tier",
        "status",
        "owner",
        "country",
        "contract_end",
        "next_review",
        "health",
        "sla_compliance",
        "clause_coverage",
    ]
    list_filter = [
        "tier",
        "status",
        ServiceFilter,
        "review_cadence",
        ContractEndFilter,
        ("owner", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "country", "owner__username", "owner__last_name"]
    autocomplete_fields = ["owner", "managers"]
    list_select_related = ["owner"]
    inlines = [ContactInline, SLATargetInline]
    actions = ["end_vendors"]
    readonly_fields = [
        "next_review",
        "health",
        "health_breakdown",
        "latest_review_score",
        "sla_compliance",
        "clause_coverage",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "services", "tier", "status", "owner", "managers", "notes"]}),
        (
            "Contract",
            {
                "fields": [
                    ("contract_start", "contract_end", "renewal_notice_days"),
                    ("annual_value", "currency"),
                    ("country", "time_zone"),
                    "review_cadence",
                ]
            },
        ),
        (
            "Scorecard (derived)",
            {
                "fields": [
                    ("health", "health_breakdown"),
                    ("latest_review_score", "next_review"),
                    ("sla_compliance", "clause_coverage"),
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return selectors.vendors_with_figures(super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = access.owner_candidates()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "managers":
            # Only roles that may change a vendor can be assigned to one.
            kwargs["queryset"] = access.owner_candidates()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        # A vendor's owner defaults to the user who creates it, as in the API.
        return {"owner": request.user.pk, **super().get_changeform_initial_data(request)}

    def get_actions(self, request):
        # Deleting in bulk would only bounce off the history rule; ending is the way out.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # Derived figures: present on annotated vendors (lists, change page), absent on "add".

    @admin.display(description="Next review", ordering="next_review_date")
    def next_review(self, vendor):
        return getattr(vendor, "next_review_date", None) or EMPTY

    @admin.display(description="Health", ordering="health_score")
    def health(self, vendor):
        if not hasattr(vendor, "latest_score"):
            return EMPTY
        score = selectors.health_score(selectors.health_parts(vendor))
        return EMPTY if score is None else f"{score:.1f}"

    @admin.display(description="Made of")
    def health_breakdown(self, vendor):
        if not hasattr(vendor, "latest_score"):
            return EMPTY
        parts = selectors.health_parts(vendor)
        return format_html_join(
            ", ",
            "{} {} (weight {})",
            (
                (name, _percent(value), f"{selectors.HEALTH_WEIGHTS[name]:.0%}")
                for name, value in parts.items()
            ),
        )

    @admin.display(description="Latest review score", ordering="latest_score")
    def latest_review_score(self, vendor):
        return getattr(vendor, "latest_score", None) or EMPTY

    @admin.display(description="SLA 90 d")
    def sla_compliance(self, vendor):
        if not hasattr(vendor, "sla_met_90d"):
            return EMPTY
        return _percent(selectors.sla_compliance_percent(vendor))

    @admin.display(description="Clause coverage")
    def clause_coverage(self, vendor):
        if not hasattr(vendor, "clauses_covered"):
            return EMPTY
        return _percent(selectors.clause_coverage_percent(vendor))

    # Writes go through the services.

    def save_model(self, request, obj, form, change):
        if change:
            services.vendor_update(obj)
            return
        fields = {name: getattr(obj, name) for name in services.VENDOR_FIELDS if name != "owner"}
        created = services.vendor_create(owner=obj.owner, **fields)
        # The admin goes on with its own instance (inlines, log entry, redirect).
        for field in Vendor._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        if formset.model is SLATarget:
            for target in formset.deleted_objects:
                services.sla_target_delete(target)
            for target in instances:
                services.sla_target_save(target)
        elif formset.model is Contact:
            for contact in formset.deleted_objects:
                contact.delete()
            for contact in instances:
                services.contact_save(contact)
        formset.save_m2m()

    def delete_model(self, request, obj):
        services.vendor_delete(obj)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if request.method == "POST":
            # On confirmation the service decides, and says why it refuses.
            protected = []
        return deleted, model_count, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        vendor = self.get_object(request, unquote(object_id))
        if (
            vendor is not None
            and request.method != "POST"
            and self.has_delete_permission(request, vendor)
        ):
            history = services.vendor_history_counts(vendor)
            if history:
                listed = ", ".join(f"{count} {name}" for name, count in history.items())
                return self._refuse_deletion(
                    request,
                    vendor,
                    f"{vendor.name} cannot be deleted: it has history ({listed}). "
                    "Set its status to ended instead.",
                )
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            return self._refuse_deletion(request, vendor, _refusal_message(error))

    def _refuse_deletion(self, request, vendor, message):
        self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(reverse("admin:governance_vendor_change", args=[vendor.pk]))

    @admin.action(description="End selected vendors (keep their history)", permissions=["change"])
    def end_vendors(self, request, queryset):
        ended = 0
        for vendor in queryset.exclude(status=Vendor.Status.ENDED):
            services.vendor_update(vendor, status=Vendor.Status.ENDED)
            ended += 1
        self.message_user(request, f"Ended {ended} vendor(s).", messages.SUCCESS)


@admin.register(Contact)
class ContactAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = ContactForm
    list_display = ["name", "vendor", "role", "email", "phone", "is_primary"]
    list_filter = ["is_primary", "vendor__tier"]
    search_fields = ["name", "email", "vendor__name"]
    autocomplete_fields = ["vendor"]
    list_select_related = ["vendor"]

    def save_model(self, request, obj, form, change):
        services.contact_save(obj)


# --- goals ---------------------------------------------------------------------------------


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = [
            "vendor",
            "title",
            "description",
            "metric",
            "unit",
            "baseline",
            "target_value",
            "direction",
            "owner",
            "vendor_owner",
            "start_date",
            "due_date",
            "status",
        ]

    def clean(self):
        cleaned = super().clean()
        vendor, vendor_owner = cleaned.get("vendor"), cleaned.get("vendor_owner")
        if vendor and vendor_owner and vendor_owner.vendor_id != vendor.pk:
            self.add_error("vendor_owner", "Choose a contact of this goal's vendor.")
        return cleaned


class GoalCheckInInline(AdministratorsOnly, admin.TabularInline):
    model = GoalCheckIn
    formfield_overrides = COMPACT_TEXT
    extra = 1
    fields = ["date", "value", "note", "author"]
    autocomplete_fields = ["author"]


@admin.register(Goal)
class GoalAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = GoalForm
    list_display = [
        "title",
        "vendor",
        "metric",
        "baseline",
        "target_value",
        "current_value",
        "direction",
        "status",
        "due_date",
    ]
    list_filter = ["status", "direction", "vendor__tier"]
    search_fields = ["title", "metric", "vendor__name"]
    date_hierarchy = "due_date"
    autocomplete_fields = ["vendor", "owner", "vendor_owner"]
    list_select_related = ["vendor"]
    readonly_fields = ["current_value"]
    inlines = [GoalCheckInInline]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        services.goal_save(obj)

    def save_formset(self, request, form, formset, change):
        for check_in in formset.save(commit=False):
            if check_in.author_id is None and check_in.pk is None:
                check_in.author = request.user
            check_in.save()
        for check_in in formset.deleted_objects:
            check_in.delete()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.goal_refresh_current_value(form.instance)


# --- reviews -------------------------------------------------------------------------------


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = [
            "vendor",
            "period_start",
            "period_end",
            "scheduled_for",
            "status",
            "reviewer",
            "summary",
        ]

    def clean(self):
        cleaned = super().clean()
        completing = cleaned.get("status") == Review.Status.COMPLETED
        if completing and self.instance.status != Review.Status.COMPLETED:
            self.add_error(
                "status",
                "Complete a review with the “Complete selected reviews” action: it also "
                "schedules the next one.",
            )
        return cleaned


class ReviewScoreInline(AdministratorsOnly, admin.TabularInline):
    model = ReviewScore
    formfield_overrides = COMPACT_TEXT
    fields = ["criterion", "score", "comment"]
    max_num = len(ReviewScoreCriterion.values)

    def get_extra(self, request, obj=None, **kwargs):
        return len(_missing_criteria(obj))


def _missing_criteria(review):
    """The criteria ``review`` has no score for yet, in display order."""
    present = set(review.scores.values_list("criterion", flat=True)) if review and review.pk else ()
    return [criterion for criterion in ReviewScoreCriterion.values if criterion not in present]


class ActionItemInline(AdministratorsOnly, admin.TabularInline):
    model = ActionItem
    formfield_overrides = COMPACT_TEXT
    extra = 0
    fields = ["description", "owner", "due_date", "status"]
    autocomplete_fields = ["owner"]


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        overdue = Q(status__in=Review.OPEN_STATUSES, scheduled_for__lt=timezone.localdate())
        if self.value() == "yes":
            return queryset.filter(overdue)
        if self.value() == "no":
            return queryset.exclude(overdue)
        return queryset


@admin.register(Review)
class ReviewAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = ReviewForm
    list_display = [
        "__str__",
        "vendor",
        "scheduled_for",
        "status",
        "reviewer",
        "overall_score",
        "completed_at",
    ]
    list_filter = ["status", OverdueFilter, "vendor__tier"]
    search_fields = ["vendor__name", "summary"]
    date_hierarchy = "scheduled_for"
    autocomplete_fields = ["vendor", "reviewer"]
    list_select_related = ["vendor", "reviewer"]
    readonly_fields = [
        "overall_score",
        "completed_at",
        "vendor_acknowledged_at",
        "vendor_acknowledged_by",
        "vendor_comment",
    ]
    fields = [
        "vendor",
        ("period_start", "period_end"),
        "scheduled_for",
        "status",
        "reviewer",
        "summary",
        ("overall_score", "completed_at"),
        ("vendor_acknowledged_at", "vendor_acknowledged_by"),
        "vendor_comment",
    ]
    inlines = [ReviewScoreInline, ActionItemInline]
    actions = ["complete_reviews"]
    show_full_result_count = False

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ReviewScoreInline):
            # One blank row per missing criterion; given on POST too, so untouched rows
            # compare equal to their initial data and are skipped rather than "required".
            kwargs["initial"] = [{"criterion": c} for c in _missing_criteria(obj)]
        return kwargs

    def save_model(self, request, obj, form, change):
        services.review_save(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.review_refresh_overall_score(form.instance)

    @admin.action(description="Complete selected reviews", permissions=["change"])
    def complete_reviews(self, request, queryset):
        completed, refused = 0, []
        for review in queryset.select_related("vendor").order_by("scheduled_for"):
            try:
                services.review_complete(review)
                completed += 1
            except ValidationError as error:
                refused.append(f"{review}: {_refusal_message(error)}")
        if completed:
            self.message_user(
                request,
                f"Completed {completed} review(s) and scheduled the next one(s).",
                messages.SUCCESS,
            )
        for message in refused:
            self.message_user(request, message, messages.WARNING)


@admin.register(ActionItem)
class ActionItemAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["__str__", "vendor", "owner", "due_date", "status"]
    list_filter = ["status", "review__vendor__tier"]
    search_fields = ["description", "review__vendor__name"]
    date_hierarchy = "due_date"
    autocomplete_fields = ["review", "owner"]
    list_select_related = ["review__vendor", "owner"]
    show_full_result_count = False

    @admin.display(description="Vendor", ordering="review__vendor__name")
    def vendor(self, item):
        return item.review.vendor


# --- meetings ------------------------------------------------------------------------------


class MeetingForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="UTC")

    class Meta:
        model = Meeting
        fields = list(services.MEETING_FIELDS)
        help_texts = {
            "recurrence": "An RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO; empty for a one-off.",
            "starts_at": "The first occurrence.",
        }

    def clean_duration_minutes(self):
        # Refused here, not only by the model's constraint: a value the form lets through
        # reaches the instance, whose upcoming occurrences the page shows again (a duration
        # of 10**14 minutes overflowed them).
        minutes = self.cleaned_data["duration_minutes"]
        if not 0 < minutes <= 24 * 60:
            raise ValidationError("A meeting lasts between 1 minute and 24 hours.")
        return minutes

    def clean(self):
        cleaned = super().clean()
        vendor, contacts = cleaned.get("vendor"), cleaned.get("contacts")
        if vendor and contacts and any(c.vendor_id != vendor.pk for c in contacts):
            self.add_error("contacts", "Contacts must belong to the meeting's vendor.")
        return cleaned


@admin.register(Meeting)
class MeetingAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = MeetingForm
    list_display = [
        "title",
        "vendor",
        "kind",
        "starts_at",
        "time_zone",
        "recurrence",
        "channel",
    ]
    list_filter = ["kind", "channel", "vendor__tier"]
    search_fields = ["title", "vendor__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["vendor", "attendees", "contacts"]
    list_select_related = ["vendor"]
    readonly_fields = ["upcoming_occurrences"]
    show_full_result_count = False

    @admin.display(description="Next occurrences (meeting's time zone)")
    def upcoming_occurrences(self, meeting):
        if meeting.pk is None:
            return EMPTY
        now = timezone.now()
        occurrences = services.meeting_occurrences(
            meeting, start=now, end=now + dt.timedelta(days=120)
        )[:5]
        if not occurrences:
            return "None in the next 120 days."
        zone = zoneinfo.ZoneInfo(meeting.time_zone)
        return format_html_join(
            ", ",
            "{}",
            ((o.starts_at.astimezone(zone).strftime("%a %Y-%m-%d %H:%M"),) for o in occurrences),
        )

    def save_model(self, request, obj, form, change):
        services.meeting_save(
            obj,
            attendees=form.cleaned_data["attendees"],
            contacts=form.cleaned_data["contacts"],
        )

    def save_related(self, request, form, formsets, change):
        # The many-to-many fields were set by services.meeting_save in save_model.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(AgendaProposal)
class AgendaProposalAdmin(AdministratorsOnly, admin.ModelAdmin):
    """Agenda items proposed for meetings (vendor representatives propose them in the portal)."""

    list_display = ["__str__", "meeting", "vendor", "author", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["text", "meeting__title", "meeting__vendor__name"]
    autocomplete_fields = ["meeting", "author"]
    list_select_related = ["meeting__vendor", "author"]
    actions = ["accept_proposals", "decline_proposals"]
    show_full_result_count = False

    @admin.display(description="Vendor", ordering="meeting__vendor__name")
    def vendor(self, proposal):
        return proposal.meeting.vendor

    def _decide(self, request, queryset, *, accept):
        decided, refused = 0, []
        for proposal in queryset:
            try:
                services.agenda_proposal_decide(proposal, accept=accept)
                decided += 1
            except ValidationError as error:
                refused.append(f"{proposal}: {_refusal_message(error)}")
        self.message_user(request, f"Decided {decided} proposal(s).", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description="Accept (add to the meeting's agenda)", permissions=["change"])
    def accept_proposals(self, request, queryset):
        self._decide(request, queryset, accept=True)

    @admin.action(description="Decline", permissions=["change"])
    def decline_proposals(self, request, queryset):
        self._decide(request, queryset, accept=False)


# --- SLA -----------------------------------------------------------------------------------


@admin.register(SLATarget)
class SLATargetAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["vendor", "priority", "response", "resolution"]
    list_filter = ["priority", "vendor__tier"]
    search_fields = ["vendor__name"]
    autocomplete_fields = ["vendor"]
    list_select_related = ["vendor"]
    show_full_result_count = False

    @admin.display(description="Response", ordering="response_minutes")
    def response(self, target):
        return _minutes(target.response_minutes)

    @admin.display(description="Resolution", ordering="resolution_minutes")
    def resolution(self, target):
        return _minutes(target.resolution_minutes)

    def save_model(self, request, obj, form, change):
        services.sla_target_save(obj)

    def delete_model(self, request, obj):
        services.sla_target_delete(obj)

    def delete_queryset(self, request, queryset):
        for target in queryset:
            services.sla_target_delete(target)


class BreachFilter(admin.SimpleListFilter):
    title = "SLA"
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [
            ("response_breached", "Response breached"),
            ("resolution_breached", "Resolution breached"),
            ("met", "No breach"),
        ]

    def queryset(self, request, queryset):
        # The flags are annotated by selectors.incidents_with_breach_flags (get_queryset).
        if self.value() == "response_breached":
            return queryset.filter(response_breached=True)
        if self.value() == "resolution_breached":
            return queryset.filter(resolution_breached=True)
        if self.value() == "met":
            return queryset.filter(response_breached=False, resolution_breached=False)
        return queryset


@admin.register(Incident)
class IncidentAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = [
        "__str__",
        "vendor",
        "priority",
        "status",
        "opened_at",
        "response_due_at",
        "response_sla_breached",
        "resolution_due_at",
        "resolution_sla_breached",
    ]
    list_filter = ["status", "priority", BreachFilter, "service", "vendor__tier"]
    search_fields = ["external_id", "title", "vendor__name"]
    date_hierarchy = "opened_at"
    autocomplete_fields = ["vendor"]
    list_select_related = ["vendor"]
    readonly_fields = [
        "response_due_at",
        "resolution_due_at",
        "response_sla_breached",
        "resolution_sla_breached",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "vendor",
                    "external_id",
                    "title",
                    "description",
                    ("priority", "service"),
                    "status",
                ]
            },
        ),
        ("Times", {"fields": ["opened_at", "acknowledged_at", "resolved_at"]}),
        (
            "SLA (derived from the vendor's target)",
            {
                "fields": [
                    ("response_due_at", "response_sla_breached"),
                    ("resolution_due_at", "resolution_sla_breached"),
                ]
            },
        ),
        (None, {"fields": ["root_cause"]}),
    ]
    show_full_result_count = False

    def get_queryset(self, request):
        return selectors.incidents_with_breach_flags(super().get_queryset(request))

    @admin.display(description="Response breached", boolean=True, ordering="response_breached")
    def response_sla_breached(self, incident):
        if hasattr(incident, "response_breached"):
            return incident.response_breached
        return incident.response_breached_at(timezone.now())

    @admin.display(description="Resolution breached", boolean=True, ordering="resolution_breached")
    def resolution_sla_breached(self, incident):
        if hasattr(incident, "resolution_breached"):
            return incident.resolution_breached
        return incident.resolution_breached_at(timezone.now())

    def save_model(self, request, obj, form, change):
        services.incident_save(obj)


# --- security clauses ----------------------------------------------------------------------


class ExpiryFilter(admin.SimpleListFilter):
    title = "expiry"
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [("expired", "Expired"), ("60", "Expires within 60 days"), ("none", "No expiry")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "expired":
            return queryset.filter(expires_on__lt=today)
        if self.value() == "60":
            return queryset.filter(
                expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=60)
            )
        if self.value() == "none":
            return queryset.filter(expires_on__isnull=True)
        return queryset


@admin.register(SecurityClause)
class SecurityClauseAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = [
        "vendor",
        "clause_type",
        "status",
        "effective_date",
        "expires_on",
        "last_verified_on",
        "next_verification_due",
    ]
    list_filter = ["status", "clause_type", ExpiryFilter, "vendor__tier"]
    search_fields = ["vendor__name", "requirement"]
    date_hierarchy = "expires_on"
    autocomplete_fields = ["vendor"]
    list_select_related = ["vendor"]
    actions = ["verify_clauses"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        services.clause_save(obj)

    def delete_model(self, request, obj):
        services.clause_delete(obj)

    def delete_queryset(self, request, queryset):
        for clause in queryset:
            services.clause_delete(clause)

    @admin.action(description="Mark selected clauses verified today", permissions=["change"])
    def verify_clauses(self, request, queryset):
        count = 0
        for clause in queryset:
            services.clause_verify(clause)
            count += 1
        self.message_user(request, f"Verified {count} clause(s).", messages.SUCCESS)


@admin.register(RequiredClause)
class RequiredClauseAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["tier", "clause_type"]
    list_filter = ["tier", "clause_type"]


# --- reminders -----------------------------------------------------------------------------


@admin.register(Reminder)
class ReminderAdmin(AdministratorsOnly, admin.ModelAdmin):
    """The reminder outbox, read-only: rows are written by the reminder engine alone."""

    list_display = [
        "kind",
        "status",
        "recipient",
        "vendor",
        "about",
        "occurrence",
        "lead_time",
        "attempts",
        "sent_at",
        "error",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["recipient__username", "recipient__email", "vendor__name", "last_error"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient", "vendor", "content_type"]
    readonly_fields = ["subject_link"]
    actions = ["retry_failed"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A deleted row would look unsent to the sweep, which would send it again.
        return False

    def has_retry_permission(self, request):
        return access.can_use_admin(request.user)

    @admin.display(description="About")
    def about(self, reminder):
        return f"{reminder.content_type.name} #{reminder.object_id}"

    @admin.display(description="Last error")
    def error(self, reminder):
        return reminder.last_error[:80] or EMPTY

    @admin.display(description="About")
    def subject_link(self, reminder):
        subject = reminder.subject
        if subject is None:
            return f"{reminder.content_type.name} #{reminder.object_id} (deleted)"
        url = getattr(subject, "get_absolute_url", None)
        return format_html('<a href="{}">{}</a>', url(), subject) if url else str(subject)

    @admin.action(description="Retry failed reminders", permissions=["retry"])
    def retry_failed(self, request, queryset):
        # Conditional on "failed": a row the engine is sending or has sent is left alone.
        count = queryset.filter(status=Reminder.Status.FAILED).update(
            status=Reminder.Status.PENDING, attempts=0, claimed_at=None
        )
        if count:
            # Unclaimed pending rows are what a sweep queues again; ask for one now.
            reminders.sweep_soon()
        self.message_user(
            request, f"{count} failed reminder(s) will be sent again.", messages.SUCCESS
        )
