"""A meeting's occurrences as records (cancelled, moved, held) and the decisions taken."""

from rest_framework import serializers

from governance import services
from governance.models import Decision, MeetingOccurrence

from ..fields import DateTimeField
from ..scoping import VisibleContactField, VisibleMeetingField, scoped_to, visible_vendors
from .base import ModelSerializer


class MeetingOccurrenceSerializer(ModelSerializer):
    meeting = VisibleMeetingField(help_text="The meeting (series) this is an instance of.")
    status = serializers.ChoiceField(
        choices=[
            (MeetingOccurrence.Status.SCHEDULED, MeetingOccurrence.Status.SCHEDULED.label),
            (MeetingOccurrence.Status.HELD, MeetingOccurrence.Status.HELD.label),
        ],
        required=False,
        help_text="`scheduled` or `held` (once begun); cancelled through `cancel/`. "
        "Reads `cancelled` too.",
    )
    contacts = VisibleContactField(
        many=True, required=False, help_text="Vendor contacts who attended (of its vendor)."
    )
    scheduled_start = DateTimeField(
        source="effective_start",
        read_only=True,
        help_text="When it takes place: `starts_at` if moved, else `original_start`.",
    )
    vendor = serializers.IntegerField(source="meeting.vendor_id", read_only=True)
    create_only_fields = ("meeting", "original_start")
    save_with = staticmethod(services.occurrence_save)
    save_separately = ("attendees", "contacts")

    class Meta:
        model = MeetingOccurrence
        fields = [
            "id",
            "meeting",
            "vendor",
            "original_start",
            "status",
            "starts_at",
            "scheduled_start",
            "attendees",
            "contacts",
            "minutes",
            "minutes_status",
            "minutes_comment",
            "signed_off_by",
            "signed_off_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "starts_at",
            "minutes_status",
            "minutes_comment",
            "signed_off_by",
            "signed_off_at",
        ]
        extra_kwargs = {
            "original_start": {
                "help_text": "The instance's start as the series gives it (its RECURRENCE-ID)."
            },
            "starts_at": {"help_text": "The new start when moved (through `move/`), else null."},
            "attendees": {"help_text": "Internal users who attended (user ids)."},
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["status"] = instance.status  # `cancelled` too, which is not written here
        return data


class OccurrenceMoveSerializer(serializers.Serializer):
    starts_at = DateTimeField(help_text="The new start (UTC or with an offset).")


class DecisionSerializer(ModelSerializer):
    occurrence = serializers.PrimaryKeyRelatedField(
        queryset=MeetingOccurrence.objects.none(), help_text="The held occurrence (record id)."
    )

    class Meta:
        model = Decision
        fields = ["id", "occurrence", "text", "recorded_by", "created_at"]
        read_only_fields = ["recorded_by"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["occurrence"].queryset = scoped_to(
                MeetingOccurrence.objects.all(), "meeting__vendor", visible_vendors(request)
            )
        return fields

    def create(self, validated_data):
        return services.decision_add(
            validated_data["occurrence"],
            text=validated_data.get("text", ""),
            by=self.context["request"].user,
        )
