"""SLA targets and incidents."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance import selectors, services
from governance.domain.notification import NotificationStatus
from governance.models import Incident, SLATarget

from ..fields import DateTimeField
from ..scoping import VisibleMeetingField
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


class IncidentListSerializer(serializers.ListSerializer):
    """A page of incidents, their notification clocks computed for the page at once."""

    def to_representation(self, data):
        incidents = list(data.all() if hasattr(data, "all") else data)
        self.child.clocks = selectors.notification_clocks(incidents)
        return super().to_representation(incidents)


class IncidentSerializer(VendorRecordSerializer):
    response_breached = serializers.BooleanField(
        read_only=True, help_text="The response target passed without an acknowledgement."
    )
    resolution_breached = serializers.BooleanField(
        read_only=True, help_text="The resolution target passed without a resolution."
    )
    postmortem_meeting = VisibleMeetingField(
        required=False,
        allow_null=True,
        help_text="The post-incident review: a post-mortem meeting with this vendor.",
    )
    vendor_notification_due_at = serializers.SerializerMethodField(
        help_text="Detection + the window of the breach-notification clause in force at "
        "detection; null for a service incident or with no clause (status `no_clause`)."
    )
    vendor_notification_status = serializers.SerializerMethodField(
        help_text="`running`, `on_time`, `late`, `overdue` (deadline passed, no notification "
        "recorded) or `no_clause` (no breach-notification window in force at detection); "
        "null for a service incident."
    )
    vendor_notification_minutes_left = serializers.SerializerMethodField(
        help_text="Whole minutes left while the vendor's clock runs; else null."
    )
    vendor_notification_minutes_late = serializers.SerializerMethodField(
        help_text="How late the vendor notified us (`late`) or how long it is `overdue`, in "
        "whole minutes; else null."
    )
    authority_notification_due_at = serializers.SerializerMethodField(
        help_text="Awareness (the vendor's notification, or the incident's opening here if "
        "earlier) + the configured hours (AUTHORITY_NOTIFICATION_HOURS, 72 by default); only "
        "when personal data is affected, else null."
    )
    authority_notification_status = serializers.SerializerMethodField(
        help_text="`running`, `on_time`, `late` or `overdue`, against "
        "`authority_notification_due_at`; null when that clock does not run."
    )
    authority_notification_minutes_left = serializers.SerializerMethodField(
        help_text="Whole minutes left while our clock runs; else null."
    )
    authority_notification_minutes_late = serializers.SerializerMethodField(
        help_text="How late we notified the authority, or how long it is overdue, in whole "
        "minutes; else null."
    )
    save_with = staticmethod(services.incident_save)
    clocks = None

    class Meta:
        model = Incident
        list_serializer_class = IncidentListSerializer
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
            "category",
            "detected_at",
            "vendor_notified_at",
            "notified_by",
            "personal_data_affected",
            "systems_affected",
            "data_involved",
            "contained_at",
            "authority_notified_at",
            "postmortem_meeting",
            "vendor_notification_due_at",
            "vendor_notification_status",
            "vendor_notification_minutes_left",
            "vendor_notification_minutes_late",
            "authority_notification_due_at",
            "authority_notification_status",
            "authority_notification_minutes_left",
            "authority_notification_minutes_late",
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
            "resolved_at": {"help_text": "Resolution; for a security incident, its closure."},
            "category": {
                "help_text": "`service` (an SLA incident) or `security`; only a security "
                "incident records the fields below, up to `postmortem_meeting`."
            },
            "detected_at": {"help_text": "When the vendor detected it; required for security."},
            "vendor_notified_at": {"help_text": "When the vendor notified us."},
            "notified_by": {"help_text": "Who at the vendor notified us (free text)."},
            "contained_at": {"help_text": "When the incident was contained."},
            "authority_notified_at": {"help_text": "When we notified the supervisory authority."},
        }
        # vendor + external_id: a POST updates the incident that has them
        # (services.incident_upsert); a change to another's is refused by the model.
        validators = []

    def _clock(self, incident, side):
        if self.clocks is None or incident.pk not in self.clocks:
            self.clocks = selectors.notification_clocks([incident])
        return getattr(self.clocks[incident.pk], side)

    @extend_schema_field(DateTimeField(allow_null=True))
    def get_vendor_notification_due_at(self, incident):
        return _due_at(self._clock(incident, "vendor"))

    @extend_schema_field(serializers.ChoiceField(NotificationStatus.choices, allow_null=True))
    def get_vendor_notification_status(self, incident):
        return _status(self._clock(incident, "vendor"))

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_vendor_notification_minutes_left(self, incident):
        return _minutes(self._clock(incident, "vendor"), "left")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_vendor_notification_minutes_late(self, incident):
        return _minutes(self._clock(incident, "vendor"), "late_by")

    @extend_schema_field(DateTimeField(allow_null=True))
    def get_authority_notification_due_at(self, incident):
        return _due_at(self._clock(incident, "authority"))

    @extend_schema_field(serializers.ChoiceField(NotificationStatus.choices, allow_null=True))
    def get_authority_notification_status(self, incident):
        return _status(self._clock(incident, "authority"))

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_authority_notification_minutes_left(self, incident):
        return _minutes(self._clock(incident, "authority"), "left")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_authority_notification_minutes_late(self, incident):
        return _minutes(self._clock(incident, "authority"), "late_by")


def _due_at(clock):
    if clock is None or clock.due_at is None:
        return None
    return DateTimeField().to_representation(clock.due_at)


def _status(clock):
    return None if clock is None else str(clock.status)


def _minutes(clock, name):
    span = None if clock is None else getattr(clock, name)
    return None if span is None else int(span.total_seconds() // 60)
