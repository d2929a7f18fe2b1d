"""SLA targets, incidents and resolving an incident."""

from django import forms
from django.utils import timezone

from governance.domain.models.incidents import SECURITY_ONLY_FIELDS
from governance.models import Incident, Meeting, SLATarget
from governance.web.forms.base import DateTimeLocalInput, UIForm, UIModelForm


def _this_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class SLATargetForm(UIModelForm):
    also_validate = ("vendor",)
    # The model reports a taken priority for the whole record; here it is the priority's.
    error_fields = {"sla_target_one_per_vendor_priority": "priority"}

    class Meta(UIModelForm.Meta):
        model = SLATarget
        fields = ["priority", "response_minutes", "resolution_minutes"]
        labels = {
            "response_minutes": "Response within (minutes)",
            "resolution_minutes": "Resolution within (minutes)",
        }


class IncidentForm(UIModelForm):
    also_validate = ("vendor",)

    class Meta(UIModelForm.Meta):
        model = Incident
        fields = [
            "title",
            "category",
            "external_id",
            "priority",
            "service",
            "opened_at",
            "status",
            "acknowledged_at",
            "resolved_at",
            "description",
            "root_cause",
            *SECURITY_ONLY_FIELDS,
        ]
        labels = {
            "external_id": "Ticket id",
            "service": "Service affected",
            "detected_at": "Detected by the vendor at",
            "vendor_notified_at": "Vendor notified us at",
            "authority_notified_at": "We notified the authority at",
            "postmortem_meeting": "Post-incident review",
        }
        help_texts = {
            "external_id": "The ticketing system's key (optional, unique per vendor).",
            "opened_at": "In your time zone.",
            "resolved_at": "For a security incident, its closure.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.initial.get("opened_at"):
            # A new incident starts now (the model's empty value would hide a field default).
            self.initial["opened_at"] = _this_minute()
        # Left out, an incident is what it was, a service incident when new.
        self.fields["category"].required = False
        if not self.instance.pk:
            # A new incident is open: the rest is recorded as it goes on.
            for name in ("status", "acknowledged_at", "resolved_at", "root_cause"):
                del self.fields[name]
        if self._category() != Incident.Category.SECURITY:
            # A service incident records none of them (the model refuses them).
            for name in SECURITY_ONLY_FIELDS:
                del self.fields[name]
        else:
            # Offered: this vendor's post-mortems (the model refuses any other).
            self.fields["postmortem_meeting"].queryset = Meeting.objects.filter(
                vendor_id=self.instance.vendor_id, kind=Meeting.Kind.POSTMORTEM
            )

    def clean_category(self):
        return self.cleaned_data.get("category") or self.instance.category

    @property
    def security_fields_shown(self):
        return "detected_at" in self.fields

    def _category(self):
        """The category the form is about: as submitted, as asked for, or as stored."""
        if self.is_bound:
            return self.data.get(self.add_prefix("category")) or self.instance.category
        return self.initial.get("category", self.instance.category)


class ResolveForm(UIForm):
    """When and why an incident was resolved, for ``services.incident_resolve``."""

    resolved_at = forms.DateTimeField(widget=DateTimeLocalInput(), label="Resolved at")
    root_cause = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolved_at"].initial = _this_minute
        self.fields["root_cause"].initial = incident.root_cause
