"""Lead times as people write them: in settings and in their preferences."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from governance import reminders


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (14, dt.timedelta(days=14)),
        (0, dt.timedelta(0)),
        (0.5, dt.timedelta(hours=12)),
        ("24h", dt.timedelta(hours=24)),
        (" 90m ", dt.timedelta(minutes=90)),
        ("2d", dt.timedelta(days=2)),
        ("3", dt.timedelta(days=3)),
        ("1W", dt.timedelta(weeks=1)),
        (dt.timedelta(hours=1), dt.timedelta(hours=1)),
    ],
)
def test_a_lead_time_is_days_or_a_number_with_a_unit(value, expected):
    assert reminders.parse_lead_time(value) == expected


@pytest.mark.parametrize("value", ["soon", "-1d", "1y", "", None, True, [3], -2, 1e12, "1e400d"])
def test_anything_else_is_refused_with_a_reason(value):
    with pytest.raises(ValueError):
        reminders.parse_lead_time(value)


def test_a_list_of_lead_times_is_sorted_and_deduplicated():
    assert reminders.parse_lead_times([14, "3d", 3, 0]) == (
        dt.timedelta(0),
        dt.timedelta(days=3),
        dt.timedelta(days=14),
    )
    with pytest.raises(ValueError):
        reminders.parse_lead_times("14")


def test_an_invalid_site_default_is_a_configuration_error(settings):
    settings.GOVERNANCE_REMINDER_LEAD_TIMES = {"goal_due": ["next week"]}

    with pytest.raises(ImproperlyConfigured, match="goal_due"):
        reminders.site_lead_times("goal_due")


def test_a_kind_missing_from_the_settings_keeps_its_own_defaults(settings):
    settings.GOVERNANCE_REMINDER_LEAD_TIMES = {}

    assert reminders.site_lead_times("goal_due") == (dt.timedelta(days=7),)
    assert reminders.site_lead_times("meeting") == (dt.timedelta(hours=24),)


def test_a_kind_set_to_no_lead_times_has_no_reminders(settings):
    settings.GOVERNANCE_REMINDER_LEAD_TIMES = {"goal_due": []}

    assert reminders.site_lead_times("goal_due") == ()
