"""Input checks that need more than one field."""

import datetime as dt
import zoneinfo

from rest_framework import serializers

from governance import scheduling

# Finer rules would make every expansion walk millions of instants from the first meeting.
MEETING_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
TIME_OF_DAY_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
# A rule with no occurrence this soon after the first meeting is a mistake (30 February...).
HORIZON = dt.timedelta(days=10 * 366)


def _rule_parts(recurrence):
    body = recurrence.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    parts = {}
    for item in body.split(";"):
        name, _, value = item.partition("=")
        parts[name.strip().upper()] = value.strip().upper()
    return parts


def validate_meeting_recurrence(recurrence, *, starts_at, time_zone):
    """Refuse a (syntactically valid) RRULE that no meeting calendar can use.

    Meetings repeat at most daily, at the time of day of ``starts_at``, and the rule must
    produce an occurrence within ten years of the first meeting.
    """
    if not recurrence:
        return
    parts = _rule_parts(recurrence)
    if parts.get("FREQ") not in MEETING_FREQUENCIES:
        raise serializers.ValidationError(
            {"recurrence": ["Meetings repeat daily, weekly, monthly or yearly at most."]}
        )
    if any(part in parts for part in TIME_OF_DAY_PARTS):
        raise serializers.ValidationError(
            {
                "recurrence": [
                    "The time of day comes from starts_at; remove BYHOUR/BYMINUTE/BYSECOND."
                ]
            }
        )
    zone = zoneinfo.ZoneInfo(time_zone)
    first = starts_at.astimezone(zone).replace(tzinfo=None)
    # Bounded probe: COUNT and UNTIL give way to the horizon, checked separately below.
    probe = scheduling.parse_rrule(recurrence).replace(
        dtstart=first, count=None, until=first + HORIZON
    )
    occurrence = next(iter(probe), None)
    until = parts.get("UNTIL")
    never = (
        occurrence is None
        or parts.get("COUNT") == "0"
        or (until is not None and occurrence.strftime("%Y%m%d") > until[:8])
    )
    if never:
        raise serializers.ValidationError(
            {"recurrence": ["This rule never produces a meeting after starts_at."]}
        )
