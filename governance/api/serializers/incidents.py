"""SLA targets and incidents."""

from rest_framework import serializers

from governance import services
from governance.models import Incident, SLATarget

from .base import VendorRecordSerializer


class SLATargetSerializer(VendorRecordSerializer):
    create_only_fields = ("vendor", "priority")
    save_with = staticmethod(services.sla_target_save)

    class Meta:
        model = SLATarget
        fields = ["id", "vendor", "priority", "response_minutes", "resolution_minutes"]
        extra_kwargs = {
            "response_minutes": {"help_text": "At least one minute."},
            "resolution_minutes": {"help_text": "At least the response time."},
        }


class IncidentSerializer(VendorRecordSerializer):
    response_breached = serializers.BooleanField(
        read_only=True, help_text="The response target passed without an acknowledgement."
    )
    resolution_breached = serializers.BooleanField(
        read_only=True, help_text="The resolution target passed without a resolution."
    )
    save_with = staticmethod(services.incident_save)

    class Meta:
        model = Incident
        fields = [
            "id",
            "vendor",
            "external_id",
            "title",
            "description",
            "priority",
            "service",
            "opened_at",
            "acknowledged_at",
            "resolved_at",
            "status",
            "root_cause",
            "response_due_at",
            "resolution_due_at",
            "response_breached",
            "resolution_breached",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["response_due_at", "resolution_due_at"]
        extra_kwargs = {
            "external_id": {
                "help_text": "The ticketing system's key, unique per vendor. A POST with an "
                "existing vendor + external_id updates that incident."
            },
            "response_due_at": {"help_text": "Derived from the vendor's SLA target."},
            "resolution_due_at": {"help_text": "Derived from the vendor's SLA target."},
        }
        # vendor + external_id: a POST updates the incident that has them
        # (services.incident_upsert); a change to another's is refused by the model.
        validators = []
