"""SLA targets, incidents and resolving an incident."""

from django import forms
from django.utils import timezone

from governance.models import Incident, SLATarget
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_at"].initial = _this_minute
        if not self.instance.pk:
            # A new incident is open: the rest is recorded as it goes on.
            for name in ("status", "acknowledged_at", "resolved_at", "root_cause"):
                del self.fields[name]


class ResolveForm(UIForm):
    """When and why an incident was resolved, for ``services.incident_resolve``."""

    resolved_at = forms.DateTimeField(widget=DateTimeLocalInput(), label="Resolved at")
    root_cause = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolved_at"].initial = _this_minute
        self.fields["root_cause"].initial = incident.root_cause
