"""Meetings and their occurrences."""

import datetime as dt

from rest_framework import serializers

from governance import services
from governance.domain import bounds
from governance.models import Meeting

from ..fields import DateTimeField
from ..scoping import VisibleContactField
from .base import VendorRecordSerializer


class MeetingSerializer(VendorRecordSerializer):
    contacts = VisibleContactField(
        many=True, required=False, help_text="Vendor contacts attending (of the same vendor)."
    )
    save_with = staticmethod(services.meeting_save)
    save_separately = ("attendees", "contacts")

    class Meta:
        model = Meeting
        fields = [
            "id",
            *services.MEETING_FIELDS,
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "starts_at": {"help_text": "The first occurrence."},
            "duration_minutes": {"help_text": "From 1 minute to 24 hours (1440)."},
            "time_zone": {
                "help_text": "IANA time zone the recurrence keeps its wall-clock time in."
            },
            "recurrence": {
                "help_text": "An RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO, or empty."
            },
            "attendees": {"help_text": "Internal attendees (user ids)."},
        }


class OccurrenceSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    original_start = serializers.DateTimeField(
        source="recurrence_id",
        help_text="The series instance it is (its RECURRENCE-ID): `starts_at` unless moved.",
    )


class OccurrenceRangeSerializer(serializers.Serializer):
    """The ``start`` / ``end`` query of ``meetings/{id}/occurrences/``: a request's window,
    not stored data, so its limits are this endpoint's own."""

    MAX_DAYS = 366

    start = DateTimeField(
        validators=[bounds.DateInRange()],
        help_text="Occurrences starting at or after this moment.",
    )
    end = DateTimeField(
        validators=[bounds.DateInRange()],
        help_text=f"...and before this one; at most {MAX_DAYS} days later.",
    )

    def validate(self, attrs):
        span = attrs["end"] - attrs["start"]
        if span <= dt.timedelta(0):
            raise serializers.ValidationError({"end": ["The end must be after the start."]})
        if span > dt.timedelta(days=self.MAX_DAYS):
            raise serializers.ValidationError(
                {"end": [f"The range may span at most {self.MAX_DAYS} days."]}
            )
        return attrs
