"""Small presentation helpers for the UI's templates (``{% load governance_ui %}``).

Dates, one style on every page, in emails and in messages (``governance.domain.dates``):
the day without a leading zero, the month's short name, and always the year: "3 Dec 2026"
(``{{ day|day }}``, or ``date:"j M Y"``); with a time, "3 Dec 2026, 09:30"; a period with
``period``, an en dash between: "1 Nov to 31 Dec 2026", "1 Nov 2025 to 31 Oct 2026". Only
lists of the coming days (the next meetings, the digest's week) may leave the year out, with
the weekday ("Mon 7 Dec"). Never "03 Dec" (``%d``, ``date:"d M"``).
"""

import datetime as dt

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from governance import selectors
from governance.domain import access
from governance.domain.dates import day_text, period_text
from governance.domain.notification import NotificationStatus, describe_clock
from governance.models import Service

register = template.Library()

SERVICE_LABELS = dict(Service.choices)
NO_VALUE = "\N{EN DASH}"


@register.filter
def health_tone(value):
    """A tone name for a 0-100 figure: good, fair, poor, or none when there is no data."""
    if value is None:
        return "none"
    if value >= 80:
        return "good"
    if value >= 60:
        return "fair"
    return "poor"


@register.filter
def percent(value):
    if value is None:
        return NO_VALUE
    return f"{float(value):.0f}%"


@register.filter
def score(value):
    if value is None:
        return NO_VALUE
    return f"{float(value):.2f}"


@register.filter
def minutes(value):
    """30 -> "30 min", 240 -> "4 h", 1500 -> "1 d 1 h"."""
    if value is None:
        return NO_VALUE
    days, rest = divmod(int(value), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    return " ".join(parts)


@register.filter
def services(vendor_services):
    return ", ".join(SERVICE_LABELS.get(name, name) for name in vendor_services or [])


@register.filter
def days_from_today(day):
    """Whole days from the user's today to ``day`` (negative when past)."""
    if day is None:
        return None
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return (day - timezone.localdate()).days


@register.filter
def day(value):
    """A date (or a moment, in the user's zone) as every page writes it: "3 Dec 2026".

    The style of every page (``governance.domain.dates``): the day without a leading zero,
    the month's short name and the year, always; a time after it as "3 Dec 2026, 09:30"
    (``{{ moment|day }}, {{ moment|time:"H:i" }}``); a period with ``period``.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return day_text(value)


@register.filter
def period(start, end):
    """A period of days with its years said: "1 Nov to 31 Dec 2026" within a year (an en
    dash between), "1 Nov 2025 to 31 Oct 2026" across two, never a start that seems to come
    after its end (``governance.domain.dates.period_text``)."""
    if start is None or end is None:
        return ""
    return period_text(start, end)


@register.simple_tag
def due_badge(day):
    """A badge saying how far ``day`` is: overdue, today, or in N days."""
    if day is None:
        return ""
    delta = days_from_today(day)
    if delta < 0:
        return format_html(
            '<span class="badge badge-poor">{} day{} overdue</span>',
            -delta,
            "" if delta == -1 else "s",
        )
    if delta == 0:
        return mark_safe('<span class="badge badge-fair">today</span>')
    tone = "fair" if delta <= 7 else "neutral"
    return format_html(
        '<span class="badge badge-{}">in {} day{}</span>', tone, delta, "" if delta == 1 else "s"
    )


@register.simple_tag
def field_widget(bound_field, **attrs):
    """Render a field's widget with the ARIA links to its help text and errors."""
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}_helptext")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}_errors")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if bound_field.field.required and not getattr(
        bound_field.field.widget, "allow_multiple_selected", False
    ):
        attrs.setdefault("required", True)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(bound_field):
    return bound_field.widget_type == "checkbox"


@register.filter
def is_multi_checkbox(bound_field):
    return bound_field.widget_type in ("checkboxselectmultiple", "radioselect")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def with_unit(value, unit):
    """``value`` followed by its unit: "80%" but "12 tickets"."""
    if value is None or value == "":
        return NO_VALUE
    number = f"{value:f}".rstrip("0").rstrip(".") if hasattr(value, "as_tuple") else str(value)
    if not unit:
        return number
    return f"{number}{unit}" if unit in ("%", "‰") else f"{number} {unit}"


WEEKDAY_NAMES = {
    "MO": "Mon",
    "TU": "Tue",
    "WE": "Wed",
    "TH": "Thu",
    "FR": "Fri",
    "SA": "Sat",
    "SU": "Sun",
}


@register.filter
def describe_rrule(rule):
    """A short English reading of common RRULEs ("Weekly on Mon"); the rule itself otherwise."""
    if not rule:
        return "Does not repeat"
    try:
        parts = dict(part.split("=", 1) for part in rule.removeprefix("RRULE:").split(";"))
    except ValueError:
        return rule
    freq, interval = parts.pop("FREQ", ""), int(parts.pop("INTERVAL", "1") or 1)
    days = parts.pop("BYDAY", "")
    month_day = parts.pop("BYMONTHDAY", "")
    if set(parts) - {"COUNT", "UNTIL"} or not freq:
        return rule
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}.get(freq)
    if unit is None:
        return rule
    text = f"Every {interval} {unit}s" if interval > 1 else f"{unit.capitalize()}ly"
    if unit == "day":
        text = "Daily" if interval == 1 else text
    if days:
        names = []
        for day in days.split(","):
            prefix, code = day[:-2], day[-2:]
            if code not in WEEKDAY_NAMES:
                return rule
            ordinal = {"1": "1st ", "2": "2nd ", "3": "3rd ", "4": "4th ", "-1": "last "}
            if prefix and prefix not in ordinal:
                return rule
            names.append(ordinal.get(prefix, "") + WEEKDAY_NAMES[code])
        text += " on " + ", ".join(names)
    if month_day:
        text += f" on day {month_day}"
    if "COUNT" in parts:
        text += f", {parts['COUNT']} times"
    if "UNTIL" in parts:
        text += f", until {parts['UNTIL'][:4]}-{parts['UNTIL'][4:6]}-{parts['UNTIL'][6:8]}"
    return text


@register.filter
def is_vendor_rep(user):
    """True for a vendor representative (their pages are the vendor portal's)."""
    return access.is_vendor_rep(user)


@register.filter
def can_use_admin(user):
    return access.can_use_admin(user)


@register.filter
def can_manage_webhooks(user):
    return access.can_manage_webhooks(user)


@register.filter
def person(user):
    """A user as people read it: full name, else username; a dash when there is none."""
    if user is None:
        return NO_VALUE
    return user.get_full_name() or user.get_username()


@register.simple_tag(takes_context=True)
def page_of(context, record):
    """The address of ``record``'s own page (a goal, review or meeting) as seen from this one:
    in the portal on the portal's pages (``portal`` in the context), else in the internal UI."""
    kind = type(record)._meta.model_name
    if context.get("portal"):
        return reverse(f"governance:portal:{kind}-detail", args=[record.pk])
    return reverse(f"governance:{kind}-detail", args=[record.vendor_id, record.pk])


# --- security incidents' notification clocks ---------------------------------------------

CLOCK_TONES = {
    NotificationStatus.RUNNING: "neutral",
    NotificationStatus.ON_TIME: "good",
    NotificationStatus.LATE: "poor",
    NotificationStatus.OVERDUE: "poor",
    NotificationStatus.NO_CLAUSE: "fair",
}


@register.simple_tag
def attach_notification_clocks(incidents):
    """Give each incident of a table its clocks (``incident.notification``): the clocks of
    the whole table in two queries (``selectors.notification_clocks``); renders nothing."""
    incidents = list(incidents)
    clocks = selectors.notification_clocks(incidents)
    for incident in incidents:
        incident.notification = clocks[incident.pk]
    return ""


@register.inclusion_tag("governance/incidents/_clocks.html")
def notification_clocks(incident):
    """An incident's clocks as badges: the vendor's, then ours towards the authority."""
    clocks = getattr(incident, "notification", None)
    if clocks is None:  # one row on its own (an htmx swap, a detail page)
        clocks = selectors.notification_clocks([incident])[incident.pk]
    badges = []
    for who, clock in (("Vendor", clocks.vendor), ("Authority", clocks.authority)):
        if clock is not None:
            badges.append(
                {
                    "who": who,
                    "tone": CLOCK_TONES[clock.status],
                    "words": describe_clock(clock),
                    "due_at": clock.due_at,
                }
            )
    return {"badges": badges}


# --- goals: progress and trend -------------------------------------------------------------


@register.inclusion_tag("governance/goals/_progress_bar.html")
def goal_progress(goal):
    """A goal's way from baseline to target as a bar (``role=progressbar``) with its percent
    in words; a dash when nothing is measured or there is no baseline."""
    return {"goal": goal, "percent": goal.progress_percent}


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 160, 36, 3


@register.inclusion_tag("governance/goals/_trend.html")
def goal_trend(goal, check_ins):
    """A small line of ``goal``'s check-ins over time (two or more), with the target as a
    dashed line and a text alternative: "7 check-ins, 40 to 72 %, rising"."""
    points = sorted(((c.date, c.value) for c in check_ins), key=lambda point: point[0])
    if len(points) < 2:
        return {"points": None}
    values = [value for _day, value in points] + [goal.target_value]
    low, high = min(values), max(values)
    first_day, last_day = points[0][0], points[-1][0]
    days = (last_day - first_day).days or 1

    def x(day):
        return SPARK_PAD + (SPARK_WIDTH - 2 * SPARK_PAD) * (day - first_day).days / days

    def y(value):
        if high == low:
            return SPARK_HEIGHT / 2
        share = float((value - low) / (high - low))
        return SPARK_HEIGHT - SPARK_PAD - (SPARK_HEIGHT - 2 * SPARK_PAD) * share

    first, last = points[0][1], points[-1][1]
    way = "rising" if last > first else "falling" if last < first else "flat"
    better = (last > first) == (goal.direction == goal.Direction.HIGHER_IS_BETTER)
    return {
        "points": " ".join(f"{x(day):.1f},{y(value):.1f}" for day, value in points),
        "last": (f"{x(last_day):.1f}", f"{y(last):.1f}"),
        "target_y": f"{y(goal.target_value):.1f}",
        "width": SPARK_WIDTH,
        "height": SPARK_HEIGHT,
        "text": f"{len(points)} check-ins, {with_unit(first, '')} to "
        f"{with_unit(last, goal.unit)}, {way}",
        "tone": "flat" if way == "flat" else "good" if better else "poor",
    }
