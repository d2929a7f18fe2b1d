"""Every page writes a day one way: "3 Dec 2026", never "03 Dec" (the style of
``governance.domain.dates``, used by the templates' ``day`` and ``period`` filters)."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from governance import services
from governance.services import figures
from tests.factories import ReviewFactory, scored

pytestmark = pytest.mark.django_db

MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# A day with a leading zero before a month's name ("03 Dec"), not a time ("09:00 Dec").
LEADING_ZERO = re.compile(rf"(?<![\d:.\-/])0\d (?:{MONTHS})\b")


def pages(workspace):
    vendor = workspace["vendor"]
    v = vendor.pk
    return [
        reverse("governance:vendor-list"),
        reverse("governance:vendor-detail", args=[v]),
        reverse("governance:vendor-scorecard", args=[v]),
        reverse("governance:goal-list", args=[v]),
        reverse("governance:goal-detail", args=[v, workspace["goal"].pk]),
        reverse("governance:review-list", args=[v]),
        reverse("governance:review-detail", args=[v, workspace["review"].pk]),
        reverse("governance:review-detail", args=[v, workspace["next_review"].pk]),
        reverse("governance:review-complete", args=[v, workspace["next_review"].pk]),
        reverse("governance:meeting-list", args=[v]),
        reverse("governance:meeting-detail", args=[v, workspace["meeting"].pk]),
        reverse("governance:incident-list", args=[v]),
        reverse("governance:clause-list", args=[v]),
        reverse("governance:reminder-list", args=[v]),
        reverse("governance:action-item-list"),
        reverse("governance:preferences"),
        reverse("governance:dashboard"),
    ]


@time_machine.travel(dt.datetime(2026, 4, 5, 9, tzinfo=dt.UTC), tick=False)
def test_no_page_writes_a_day_with_a_leading_zero(owner_client, workspace, owner):
    vendor = workspace["vendor"]
    # Days below ten everywhere a page shows one.
    services.goal_check_in_add(goal=workspace["goal"], date=dt.date(2026, 4, 3), value=72)
    scored(
        ReviewFactory(
            vendor=vendor,
            period_start=dt.date(2025, 7, 1),
            period_end=dt.date(2025, 9, 30),
            scheduled_for=dt.date(2025, 10, 6),
        )
    )

    # A notice deadline three days ahead: the dashboard says "Contract ends 7 Jun 2026".
    vendor.contract_end = dt.date(2026, 6, 7)
    vendor.renewal_notice_days = 60
    vendor.save(update_fields=["contract_end", "renewal_notice_days"])
    figures.refresh([vendor.pk])

    found = {}
    for url in pages(workspace):
        response = owner_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        if hits := LEADING_ZERO.findall(html):
            found[url] = hits

    # The message after verifying a clause names its next verification date.
    verified = owner_client.post(
        reverse("governance:clause-verify", args=[vendor.pk, workspace["clause"].pk]),
        follow=True,
    )
    if hits := LEADING_ZERO.findall(verified.content.decode()):
        found["clause verified"] = hits

    assert found == {}
    assert "next verification due" in verified.content.decode()
    goal_page = owner_client.get(pages(workspace)[4]).content.decode()
    assert "3 Apr 2026" in goal_page  # the check-in, as every page writes a day
    dashboard = owner_client.get(reverse("governance:dashboard")).content.decode()
    assert "Contract ends 7 Jun 2026" in dashboard


def test_the_day_filter_and_period_filter_say_the_year_and_drop_the_leading_zero():
    from governance.web.templatetags.governance_ui import day, period

    assert day(dt.date(2026, 12, 3)) == "3 Dec 2026"
    assert period(dt.date(2026, 11, 1), dt.date(2026, 12, 31)) == "1 Nov \N{EN DASH} 31 Dec 2026"
    assert (
        period(dt.date(2025, 11, 1), dt.date(2026, 10, 31)) == "1 Nov 2025 \N{EN DASH} 31 Oct 2026"
    )


# A day written with its weekday ("Mon 7 Dec") and no year after it.
WEEKDAY_WITHOUT_YEAR = re.compile(
    rf"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{{1,2}} (?:{MONTHS})\b(?! \d{{4}})"
)


@time_machine.travel(dt.datetime(2025, 12, 29, 9, tzinfo=dt.UTC), tick=False)
def test_a_day_written_with_its_weekday_says_its_year_too(owner_client, workspace):
    # The weekly meeting's next occurrences fall in the next year: "Mon 5 Jan 2026".
    meeting = workspace["meeting"]
    meeting.starts_at = dt.datetime(2025, 12, 1, 8, tzinfo=dt.UTC)
    services.meeting_save(meeting)
    vendor = workspace["vendor"]
    urls = [
        reverse("governance:dashboard"),
        reverse("governance:vendor-scorecard", args=[vendor.pk]),
        reverse("governance:meeting-list", args=[vendor.pk]),
    ]
    found = {}
    for url in urls:
        response = owner_client.get(url)
        assert response.status_code == 200, url
        if hits := WEEKDAY_WITHOUT_YEAR.findall(response.content.decode()):
            found[url] = hits

    assert found == {}
    assert "Mon 5 Jan 2026" in owner_client.get(urls[0]).content.decode()
