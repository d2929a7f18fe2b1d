"""Recurrence presets a person understands, each the rule it says; raw RRULE stays the
advanced option, with the same checks."""

import datetime as dt

import pytest
from django.urls import reverse

from governance import selectors
from governance.models import Meeting
from tests.web.test_forms import meeting_data

pytestmark = pytest.mark.django_db


def create(client, vendor, **fields):
    return client.post(
        reverse("governance:meeting-create", args=[vendor.pk]), meeting_data(**fields)
    )


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        # Tuesday 10 March 2026 is the 2nd Tuesday of its month.
        ({"start_date": "2026-03-10", "repeat": "monthly_nth"}, "FREQ=MONTHLY;BYDAY=2TU"),
        # Friday 27 March 2026, the last Friday of March.
        ({"start_date": "2026-03-27", "repeat": "monthly_last"}, "FREQ=MONTHLY;BYDAY=-1FR"),
        # A 5th weekday is not in every month: it repeats as the last one.
        ({"start_date": "2026-03-30", "repeat": "monthly_nth"}, "FREQ=MONTHLY;BYDAY=-1MO"),
        (
            {"start_date": "2026-03-02", "repeat": "biweekly_days", "days": ["TH", "MO"]},
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
        ),
        (
            {"start_date": "2026-03-02", "repeat": "weekly_days", "days": ["MO", "WE"]},
            "FREQ=WEEKLY;BYDAY=MO,WE",
        ),
        ({"start_date": "2026-03-02", "repeat": "weekly"}, "FREQ=WEEKLY;BYDAY=MO"),
        ({"start_date": "2026-03-15", "repeat": "monthly"}, "FREQ=MONTHLY;BYMONTHDAY=15"),
        ({"repeat": "custom", "rrule": "RRULE:FREQ=MONTHLY;BYDAY=1WE"}, "FREQ=MONTHLY;BYDAY=1WE"),
    ],
)
def test_each_preset_stores_the_rule_it_names(owner_client, vendor, fields, rule):
    answer = create(owner_client, vendor, **fields)
    assert answer.status_code == 302, answer.context["form"].errors
    meeting = Meeting.objects.get()
    assert meeting.recurrence == rule
    edit = owner_client.get(reverse("governance:meeting-edit", args=[vendor.pk, meeting.pk]))
    form = edit.context["form"]
    assert form["repeat"].value() == fields["repeat"]


def test_every_second_tuesday_falls_on_the_second_tuesday_of_each_month(owner_client, vendor):
    create(owner_client, vendor, start_date="2026-03-10", repeat="monthly_nth")
    meeting = Meeting.objects.get()
    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    days = [
        o.starts_at.date()
        for o in selectors.meeting_occurrences(
            meeting, start=start, end=start + dt.timedelta(days=110)
        )
    ]
    assert days == [
        dt.date(2026, 3, 10),
        dt.date(2026, 4, 14),
        dt.date(2026, 5, 12),
        dt.date(2026, 6, 9),
    ]


def test_a_days_preset_without_days_is_a_field_error(owner_client, vendor):
    answer = create(owner_client, vendor, repeat="biweekly_days")
    assert "days" in answer.context["form"].errors
    assert not Meeting.objects.exists()


def test_an_advanced_rule_is_still_checked(owner_client, vendor):
    answer = create(owner_client, vendor, repeat="custom", rrule="FREQ=HOURLY")
    assert "rrule" in answer.context["form"].errors
    assert not Meeting.objects.exists()
