"""Vendors, with their contacts and SLA targets inline and their derived figures read-only."""

import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.html import format_html_join

from governance import selectors, services
from governance.admin.base import EMPTY, AdministratorsOnly, Writes
from governance.admin.filters import ConditionFilter, DateWindowFilter
from governance.domain import access
from governance.models import Contact, Service, SLATarget, Vendor, time_zone_choices


def _percent(value):
    return EMPTY if value is None else f"{value:.1f}%"


class ServiceFilter(ConditionFilter):
    title = "service"
    parameter_name = "service"

    def conditions(self):
        # JSON text match: works on PostgreSQL and SQLite alike (no JSON containment there).
        return {
            value: (label, Q(services__icontains=f'"{value}"')) for value, label in Service.choices
        }


class ContractEndFilter(DateWindowFilter):
    title = "contract end"
    parameter_name = "contract_end_in"
    field, days = "contract_end", 180
    labels = {"past": "Already ended", "soon": "Within 180 days", "later": "Later"}


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
    writes = Writes(services.contact_save, services.record_delete)


class SLATargetInline(AdministratorsOnly, admin.TabularInline):
    model = SLATarget
    extra = 0
    max_num = 4
    fields = ["priority", "response_minutes", "resolution_minutes"]
    writes = Writes(services.sla_target_save, services.sla_target_delete)


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
        ("Escalation", {"fields": ["email_vendor_contacts"]}),
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
    writes = Writes(delete=services.vendor_delete)

    def get_queryset(self, request):
        return selectors.vendors_with_figures(super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = access.owner_candidates()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "managers":
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

    # Writes.

    def save_model(self, request, obj, form, change):
        if change:
            services.vendor_update(obj)
        else:
            fields = {name: getattr(obj, name) for name in services.VENDOR_FIELDS}
            created = services.vendor_create(**fields)
            # The admin goes on with its own instance (inlines, log entry, redirect).
            for field in Vendor._meta.concrete_fields:
                setattr(obj, field.attname, getattr(created, field.attname))
            obj._state.adding = False
        services.vendor_managers_set(obj, managers=form.cleaned_data["managers"])

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if request.method == "POST":
            # On confirmation the service decides, and says why it refuses.
            protected = []
        return deleted, model_count, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        # The confirmation page of a vendor the service would not delete says why instead.
        vendor = self.get_object(request, unquote(object_id))
        if (
            vendor is not None
            and request.method != "POST"
            and self.has_delete_permission(request, vendor)
        ):
            try:
                services.vendor_check_deletable(vendor)
            except ValidationError as error:
                return self.refuse(request, error, self.change_url(vendor.pk))
        return super().delete_view(request, object_id, extra_context)

    @admin.action(description="End selected vendors (keep their history)", permissions=["change"])
    def end_vendors(self, request, queryset):
        end = functools.partial(services.vendor_update, status=Vendor.Status.ENDED)
        ended = self.write_each(request, queryset.exclude(status=Vendor.Status.ENDED), end)
        self.message_user(request, f"Ended {ended} vendor(s).", messages.SUCCESS)


@admin.register(Contact)
class ContactAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = ContactForm
    list_display = ["name", "vendor", "role", "email", "phone", "is_primary"]
    list_filter = ["is_primary", "vendor__tier"]
    search_fields = ["name", "email", "vendor__name"]
    autocomplete_fields = ["vendor"]
    list_select_related = ["vendor"]
    writes = Writes(services.contact_save, services.record_delete)
