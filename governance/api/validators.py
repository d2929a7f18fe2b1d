"""Input checks that need more than one field."""

import zoneinfo

from rest_framework import serializers

from governance import scheduling


def validate_meeting_recurrence(recurrence, *, starts_at, time_zone):
    """Refuse a (syntactically valid) RRULE that no meeting calendar can use.

    Meetings repeat at most daily, at the time of day of ``starts_at``, and the rule must
    produce an occurrence within ten years of the first meeting.
    """
    try:
        scheduling.check_meeting_rule(recurrence, starts_at=starts_at, time_zone=time_zone)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError) as error:
        raise serializers.ValidationError(
            {"recurrence": [f"Not a usable meeting rule: {error}."]}
        ) from error
