"""Forms of the web UI: validation and friendly messages; saving goes through the services."""

import datetime as dt
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models as db_models
from django.utils import timezone

from governance.domain import access, scheduling
from governance.domain.bounds import IdsChoiceField
from governance.domain.scheduling import parse_rrule
from governance.models import (
    ActionItem,
    Cadence,
    Contact,
    Goal,
    Incident,
    Meeting,
    Reminder,
    Review,
    ReviewScore,
    SecurityClause,
    Service,
    SLATarget,
    Vendor,
    time_zone_choices,
)
from governance.services import VENDOR_FIELDS

DATE_FORMAT = "%Y-%m-%d"
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATE_FORMAT)


class DateTimeLocalInput(forms.DateTimeInput):
    """``<input type=datetime-local>``: the value is in the user's time zone (see middleware)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL_FORMAT)


def _ui_formfield(model_field, **kwargs):
    if isinstance(model_field, db_models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    field = model_field.formfield(**kwargs)
    if field is None:
        return None
    if isinstance(model_field, db_models.DateTimeField):
        field.widget = DateTimeLocalInput()
    elif isinstance(model_field, db_models.DateField):
        field.widget = DateInput()
    elif isinstance(model_field, db_models.TextField) and isinstance(field.widget, forms.Textarea):
        field.widget.attrs.update(rows=3)
    return field


class UIModelForm(forms.ModelForm):
    """A ModelForm with native date pickers; never saved directly (views call services).

    Subclasses declare ``class Meta(UIModelForm.Meta)``: Django reads the field callback
    from ``Meta`` only.
    """

    class Meta:
        formfield_callback = staticmethod(_ui_formfield)


def user_choices():
    return get_user_model().objects.order_by("username")


def internal_user_choices():
    """The organisation's users (not vendor representatives): owners, reviewers, attendees."""
    return access.internal_users().order_by("username")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class UsersChoiceField(IdsChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class ContactsChoiceField(IdsChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.role})" if obj.role else obj.name


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("choices", time_zone_choices)
        kwargs.setdefault("help_text", "IANA name, e.g. Europe/Warsaw.")
        super().__init__(**kwargs)


# --- vendors -------------------------------------------------------------------------------


class VendorForm(UIModelForm):
    services = forms.MultipleChoiceField(
        choices=Service.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    owner = UserChoiceField(queryset=user_choices(), label="Relationship owner")
    managers = UsersChoiceField(
        queryset=user_choices(),
        required=False,
        label="Assigned managers",
        help_text="Managers who change this vendor's records besides its owner.",
        widget=forms.CheckboxSelectMultiple,
    )
    time_zone = TimeZoneField()

    class Meta(UIModelForm.Meta):
        model = Vendor
        fields = list(VENDOR_FIELDS)
        labels = {"renewal_notice_days": "Renewal notice (days)"}
        help_texts = {
            "country": "Two-letter code, e.g. PL.",
            "currency": "Three-letter code, e.g. EUR.",
            "review_cadence": "Leave empty to use the tier's default.",
        }

    def __init__(self, *args, may_assign=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = access.owner_candidates().order_by("username")
        self.fields["managers"].queryset = access.owner_candidates().order_by("username")
        if self.instance.pk:
            self.fields["managers"].initial = list(self.instance.managers.all())
        if not may_assign:
            # Handing a vendor over is for its owner and administrators (governance.domain.access).
            self.fields["owner"].disabled = True
            self.fields["managers"].disabled = True
        self.fields["review_cadence"].required = False
        self.fields["review_cadence"].choices = [("", "The tier's default"), *Cadence.choices]

    def clean_country(self):
        return self.cleaned_data["country"].strip().upper()

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("contract_start"), cleaned.get("contract_end")
        if start and end and end < start:
            self.add_error("contract_end", "The contract cannot end before it starts.")
        return cleaned


class VendorFilterForm(forms.Form):
    SORTS = [
        ("name", "Name"),
        ("health", "Weakest health"),
        ("tier", "Tier (critical first)"),
        ("status", "Status"),
        ("next_review", "Next review"),
        ("contract_end", "Contract end"),
        ("owner", "Owner"),
    ]
    q = forms.CharField(required=False, label="Search")
    tier = forms.ChoiceField(required=False, choices=[("", "Any tier"), *Vendor.Tier.choices])
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Vendor.Status.choices])
    service = forms.ChoiceField(required=False, choices=[("", "Any service"), *Service.choices])
    owner = forms.ChoiceField(required=False, choices=[("", "Any owner")])
    sort = forms.ChoiceField(required=False, choices=SORTS)
    per_page = forms.TypedChoiceField(
        required=False,
        label="Rows per page",
        coerce=int,
        empty_value=None,
        choices=[(10, "10"), (25, "25"), (50, "50"), (100, "100")],
        initial=25,
    )

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("per_page"):
            # Filtering without choosing a page length keeps the default shown as selected.
            self.data = self.data.copy()
            self.data["per_page"] = str(self.fields["per_page"].initial)
        self.fields["owner"].choices = [("", "Any owner")] + [
            (str(user.pk), user.get_full_name() or user.username) for user in owners
        ]


# --- contacts ------------------------------------------------------------------------------


class ContactForm(UIModelForm):
    class Meta(UIModelForm.Meta):
        model = Contact
        fields = ["name", "role", "email", "phone", "is_primary"]
        labels = {"is_primary": "Primary contact"}


# --- goals ---------------------------------------------------------------------------------


class GoalForm(UIModelForm):
    owner = UserChoiceField(queryset=user_choices(), required=False, label="Internal owner")

    class Meta(UIModelForm.Meta):
        model = Goal
        fields = [
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
        labels = {"target_value": "Target", "vendor_owner": "Vendor-side owner"}

    def __init__(self, *args, vendor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = internal_user_choices()
        self.fields["vendor_owner"].queryset = vendor.contacts.all()

    def clean(self):
        cleaned = super().clean()
        start, due = cleaned.get("start_date"), cleaned.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", "The due date cannot be before the start date.")
        return cleaned


class CheckInForm(forms.Form):
    date = forms.DateField(widget=DateInput())
    value = forms.DecimalField(max_digits=14, decimal_places=4)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate


# --- reviews -------------------------------------------------------------------------------

SCORE_CHOICES = [("", "Not scored")] + [(str(n), str(n)) for n in range(1, 6)]


class ReviewForm(UIModelForm):
    """A review with one score (1-5, optional) and comment per criterion."""

    reviewer = UserChoiceField(queryset=user_choices(), required=False)

    class Meta(UIModelForm.Meta):
        model = Review
        fields = ["period_start", "period_end", "scheduled_for", "status", "reviewer", "summary"]
        labels = {"scheduled_for": "Scheduled for"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = internal_user_choices()
        # Completing is its own action (it schedules the next review).
        self.fields["status"].choices = [
            choice for choice in Review.Status.choices if choice[0] != Review.Status.COMPLETED
        ]
        existing = {}
        if self.instance.pk:
            existing = {score.criterion: score for score in self.instance.scores.all()}
        for criterion, label in ReviewScore.Criterion.choices:
            current = existing.get(criterion)
            self.fields[f"score_{criterion}"] = forms.TypedChoiceField(
                label=f"{label} score",
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(current.score) if current else "",
            )
            self.fields[f"comment_{criterion}"] = forms.CharField(
                label=f"{label} comment",
                required=False,
                initial=current.comment if current else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @property
    def criteria_rows(self):
        return [
            (label, self[f"score_{criterion}"], self[f"comment_{criterion}"])
            for criterion, label in ReviewScore.Criterion.choices
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", "The period must end after it starts.")
        for criterion, _label in ReviewScore.Criterion.choices:
            if cleaned.get(f"comment_{criterion}") and cleaned.get(f"score_{criterion}") is None:
                self.add_error(f"score_{criterion}", "Give a score for this comment.")
        return cleaned

    def scores(self):
        """The criterion scores for ``services.review_save``."""
        return [
            {
                "criterion": criterion,
                "score": self.cleaned_data[f"score_{criterion}"],
                "comment": self.cleaned_data.get(f"comment_{criterion}", ""),
            }
            for criterion, _label in ReviewScore.Criterion.choices
            if self.cleaned_data.get(f"score_{criterion}") is not None
        ]


class ActionItemForm(forms.Form):
    description = forms.CharField(required=False, widget=forms.TextInput())
    owner = UserChoiceField(queryset=user_choices(), required=False)
    due_date = forms.DateField(required=False, widget=DateInput())
    status = forms.ChoiceField(choices=ActionItem.Status.choices, initial=ActionItem.Status.OPEN)

    def __init__(self, *args, vendor=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Internal users, or the review's vendor's representatives (they see it in the portal).
        owners = (
            access.action_item_owner_candidates(vendor.pk)
            if vendor is not None
            else access.internal_users()
        )
        self.fields["owner"].queryset = owners.order_by("username")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("description") and (cleaned.get("owner") or cleaned.get("due_date")):
            self.add_error("description", "Describe the action or clear its owner and date.")
        return cleaned


ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=2, can_delete=True)


def action_items_initial(review):
    if not review.pk:
        return []
    return [
        {
            "description": item.description,
            "owner": item.owner_id,
            "due_date": item.due_date,
            "status": item.status,
        }
        for item in review.action_items.all()
    ]


def action_items_from(formset):
    """The filled-in, not deleted rows of ``formset`` for ``services.review_save``."""
    items = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data.get("description") or data.get("DELETE"):
            continue
        items.append(
            {
                "description": data["description"],
                "owner": data.get("owner"),
                "due_date": data.get("due_date"),
                "status": data.get("status") or ActionItem.Status.OPEN,
            }
        )
    return items


# --- meetings ------------------------------------------------------------------------------

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class MeetingForm(UIModelForm):
    """A meeting whose start is typed as a wall-clock time in the meeting's own time zone."""

    REPEAT_CHOICES = [
        ("", "Does not repeat"),
        ("weekdays", "Every weekday (Mon-Fri)"),
        ("weekly", "Weekly on the same day"),
        ("biweekly", "Every two weeks on the same day"),
        ("monthly", "Monthly on the same date"),
        ("custom", "Custom rule (RRULE)"),
    ]
    start_date = forms.DateField(widget=DateInput(), label="Date")
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Time")
    time_zone = TimeZoneField(help_text="The meeting's own time zone; the time above is in it.")
    repeat = forms.ChoiceField(choices=REPEAT_CHOICES, required=False)
    rrule = forms.CharField(
        required=False,
        label="Custom rule",
        help_text="RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=1TU. Used with “Custom rule”.",
    )
    attendees = UsersChoiceField(
        queryset=user_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Internal attendees",
    )
    contacts = ContactsChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Vendor contacts",
    )

    class Meta(UIModelForm.Meta):
        model = Meeting
        fields = [
            "title",
            "kind",
            "duration_minutes",
            "time_zone",
            "channel",
            "location",
            "agenda",
            "minutes",
        ]
        labels = {"duration_minutes": "Duration (minutes)", "location": "Link or place"}

    field_order = [
        "title",
        "kind",
        "start_date",
        "start_time",
        "time_zone",
        "duration_minutes",
        "repeat",
        "rrule",
        "channel",
        "location",
        "attendees",
        "contacts",
        "agenda",
        "minutes",
    ]

    def __init__(self, *args, vendor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = internal_user_choices()
        self.fields["contacts"].queryset = vendor.contacts.all()
        meeting = self.instance
        if meeting.pk:
            local = meeting.starts_at.astimezone(zoneinfo.ZoneInfo(meeting.time_zone))
            self.initial.update(
                start_date=local.date(),
                start_time=local.time().replace(second=0, microsecond=0),
                attendees=list(meeting.attendees.all()),
                contacts=list(meeting.contacts.all()),
                **self._repeat_initial(meeting.recurrence, local),
            )
        else:
            # A new meeting is in the vendor's time zone unless the manager picks another.
            self.initial["time_zone"] = vendor.time_zone

    def add_error(self, field, error):
        # The model reports an unusable rule on "recurrence"; this form edits the rule as
        # "repeat" (a preset) or "rrule" (custom), so the message goes there, once.
        error_dict = getattr(error, "error_dict", None)
        if field is None and error_dict and "recurrence" in error_dict:
            target = "rrule" if self.cleaned_data.get("repeat") == "custom" else "repeat"
            messages = error_dict.pop("recurrence")
            if target not in self.errors:
                super().add_error(target, messages)
            if not error_dict:
                return
        super().add_error(field, error)

    def clean_duration_minutes(self):
        minutes = self.cleaned_data["duration_minutes"]
        if not 0 < minutes <= 24 * 60:
            raise ValidationError("A meeting lasts between 1 minute and 24 hours.")
        return minutes

    def _repeat_initial(self, recurrence, local):
        if not recurrence:
            return {"repeat": ""}
        for value, _label in self.REPEAT_CHOICES[1:-1]:
            if _rule_for(value, local.date()) == recurrence:
                return {"repeat": value}
        return {"repeat": "custom", "rrule": recurrence}

    def clean(self):
        cleaned = super().clean()
        day, time, zone_name = (
            cleaned.get("start_date"),
            cleaned.get("start_time"),
            cleaned.get("time_zone"),
        )
        if day and time and zone_name:
            naive = dt.datetime.combine(day, time)
            self.instance.starts_at = naive.replace(tzinfo=zoneinfo.ZoneInfo(zone_name))
        repeat = cleaned.get("repeat")
        if repeat == "custom":
            text = (cleaned.get("rrule") or "").strip()
            if not text:
                self.add_error("rrule", "Enter the rule, or choose another repeat option.")
            else:
                try:
                    parse_rrule(text)
                except ValueError as error:
                    self.add_error("rrule", f"Not a valid RRULE: {error}")
                self.instance.recurrence = text.removeprefix("RRULE:").removeprefix("rrule:")
        elif repeat and day:
            self.instance.recurrence = _rule_for(repeat, day)
        else:
            self.instance.recurrence = ""
        return cleaned


def _rule_for(repeat, day):
    weekday = WEEKDAYS[day.weekday()]
    return {
        "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "weekly": f"FREQ=WEEKLY;BYDAY={weekday}",
        "biweekly": f"FREQ=WEEKLY;INTERVAL=2;BYDAY={weekday}",
        "monthly": f"FREQ=MONTHLY;BYMONTHDAY={day.day}",
    }[repeat]


# --- SLA -----------------------------------------------------------------------------------


class SLATargetForm(UIModelForm):
    class Meta(UIModelForm.Meta):
        model = SLATarget
        fields = ["priority", "response_minutes", "resolution_minutes"]
        labels = {
            "response_minutes": "Response within (minutes)",
            "resolution_minutes": "Resolution within (minutes)",
        }

    def __init__(self, *args, vendor, **kwargs):
        super().__init__(*args, **kwargs)
        self.vendor = vendor

    def clean(self):
        cleaned = super().clean()
        response, resolution = cleaned.get("response_minutes"), cleaned.get("resolution_minutes")
        for name in ("response_minutes", "resolution_minutes"):
            if cleaned.get(name) == 0:
                self.add_error(name, "Must be at least one minute.")
        if response and resolution and resolution < response:
            self.add_error("resolution_minutes", "Resolution cannot be due before the response.")
        priority = cleaned.get("priority")
        taken = self.vendor.sla_targets.filter(priority=priority).exclude(pk=self.instance.pk)
        if priority and taken.exists():
            self.add_error("priority", f"{priority} already has a target; edit that one.")
        return cleaned


class IncidentForm(UIModelForm):
    class Meta(UIModelForm.Meta):
        model = Incident
        fields = [
            "title",
            "external_id",
            "priority",
            "service",
            "opened_at",
            "status",
            "acknowledged_at",
            "resolved_at",
            "description",
            "root_cause",
        ]
        labels = {"external_id": "Ticket id", "service": "Service affected"}
        help_texts = {
            "external_id": "The ticketing system's key (optional, unique per vendor).",
            "opened_at": "In your time zone.",
        }

    def __init__(self, *args, vendor, **kwargs):
        super().__init__(*args, **kwargs)
        self.vendor = vendor
        self.fields["opened_at"].initial = lambda: timezone.localtime().replace(
            second=0, microsecond=0
        )
        if not self.instance.pk:
            for name in ("status", "acknowledged_at", "resolved_at", "root_cause"):
                del self.fields[name]

    def clean_external_id(self):
        external_id = self.cleaned_data["external_id"].strip()
        clash = self.vendor.incidents.filter(external_id=external_id).exclude(pk=self.instance.pk)
        if external_id and clash.exists():
            raise ValidationError("This vendor already has an incident with this ticket id.")
        return external_id

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get("opened_at")
        if opened and opened > timezone.now() + dt.timedelta(minutes=5):
            self.add_error("opened_at", "An incident cannot open in the future.")
        for name in ("acknowledged_at", "resolved_at"):
            if opened and cleaned.get(name) and cleaned[name] < opened:
                self.add_error(name, "Cannot be before the incident opened.")
        return cleaned


class ResolveForm(forms.Form):
    resolved_at = forms.DateTimeField(widget=DateTimeLocalInput(), label="Resolved at")
    root_cause = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.fields["resolved_at"].initial = lambda: timezone.localtime().replace(
            second=0, microsecond=0
        )
        self.fields["root_cause"].initial = incident.root_cause

    def clean_resolved_at(self):
        resolved = self.cleaned_data["resolved_at"]
        if resolved < self.incident.opened_at:
            raise ValidationError("Cannot be before the incident opened.")
        if resolved > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError("Cannot be in the future.")
        return resolved


# --- clauses -------------------------------------------------------------------------------


class ClauseForm(UIModelForm):
    class Meta(UIModelForm.Meta):
        model = SecurityClause
        fields = [
            "clause_type",
            "status",
            "requirement",
            "parameters",
            "evidence_url",
            "evidence_file",
            "effective_date",
            "expires_on",
            "last_verified_on",
            "next_verification_due",
        ]
        labels = {"evidence_url": "Evidence link", "evidence_file": "Evidence document"}
        help_texts = {"parameters": 'JSON object, e.g. {"notification_hours": 24}.'}

    def __init__(self, *args, vendor, **kwargs):
        super().__init__(*args, **kwargs)
        self.vendor = vendor
        self.fields["parameters"].required = False
        self.fields["parameters"].widget.attrs.update(rows=2)

    def clean_parameters(self):
        value = self.cleaned_data.get("parameters")
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            raise ValidationError('Enter a JSON object such as {"notification_hours": 24}.')
        return value

    def clean(self):
        cleaned = super().clean()
        clause_type = cleaned.get("clause_type")
        taken = self.vendor.clauses.filter(clause_type=clause_type).exclude(pk=self.instance.pk)
        if clause_type and taken.exists():
            self.add_error("clause_type", "This vendor already has this clause; edit that one.")
        effective, expires = cleaned.get("effective_date"), cleaned.get("expires_on")
        if effective and expires and expires < effective:
            self.add_error("expires_on", "Cannot expire before it takes effect.")
        return cleaned


# --- preferences ---------------------------------------------------------------------------


class PreferencesForm(forms.Form):
    time_zone = TimeZoneField(help_text="Every date and time is shown in this time zone.")
    digest_enabled = forms.BooleanField(required=False, label="Send me the weekly digest")
    muted_kinds = forms.MultipleChoiceField(
        choices=[c for c in Reminder.Kind.choices if c[0] != Reminder.Kind.DIGEST],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Reminders I do not want",
    )

    def __init__(self, *args, profile, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile
        self.initial.update(
            time_zone=profile.time_zone,
            digest_enabled=profile.digest_enabled,
            muted_kinds=list(profile.muted_kinds or []),
        )
        for kind in Reminder.LEAD_TIME_KINDS:
            current = (profile.lead_times or {}).get(kind)
            default = settings.GOVERNANCE_REMINDER_LEAD_TIMES.get(kind, [])
            self.fields[f"lead_{kind}"] = forms.CharField(
                required=False,
                label=f"{Reminder.Kind(kind).label}: before",
                help_text="Site default: "
                + (", ".join(_lead_text(value) for value in default) or "none")
                + ". Days (14), or 90m, 24h, 2d, 1w; comma-separated.",
                initial=", ".join(_lead_text(value) for value in current) if current else "",
                widget=forms.TextInput(
                    attrs={"placeholder": ", ".join(_lead_text(v) for v in default)}
                ),
            )

    @property
    def lead_time_fields(self):
        return [self[f"lead_{kind}"] for kind in Reminder.LEAD_TIME_KINDS]

    def clean(self):
        cleaned = super().clean()
        lead_times = {}
        for kind in Reminder.LEAD_TIME_KINDS:
            text = (cleaned.get(f"lead_{kind}") or "").strip()
            if not text:
                continue
            values = [_lead_value(part) for part in text.replace(";", ",").split(",")]
            values = [value for value in values if value != ""]
            try:
                scheduling.personal_lead_times(values)
            except ValueError as error:
                self.add_error(f"lead_{kind}", f"Not usable lead times: {error}.")
                continue
            # Stored as typed (days as numbers), longest first, without duplicates.
            unique = {scheduling.parse_lead_time(value): value for value in values}
            lead_times[str(kind)] = [unique[lead] for lead in sorted(unique, reverse=True)]
        cleaned["lead_times"] = lead_times
        return cleaned


def _lead_value(text):
    """A typed lead time: a whole number of days as an int, anything else as stripped text."""
    text = text.strip()
    return int(text) if text.isdigit() else text


def _lead_text(value):
    return str(value)
