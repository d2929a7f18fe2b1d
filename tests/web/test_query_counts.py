"""The dashboard and every list run a fixed number of queries, however much data there is."""

import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import (
    ActionItem,
    Contact,
    Goal,
    Incident,
    Meeting,
    Reminder,
    Review,
    ReviewScore,
    SecurityClause,
    SLATarget,
    Vendor,
)
from governance.web.views.dashboard import HEALTH_TABLE_LIMIT
from tests.query_bounds import DASHBOARD_MAX_QUERIES

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
TODAY = NOW.date()


def add_vendors(owner, start, stop):
    """Vendors ``start``..``stop`` with something on every dashboard panel each."""
    vendors = Vendor.objects.bulk_create(
        Vendor(
            name=f"Scale vendor {n:04d}",
            services=["hosting"],
            tier=["critical", "high", "medium", "low"][n % 4],
            status="active",
            owner=owner,
            time_zone="Europe/Warsaw",
            contract_end=TODAY + dt.timedelta(days=100 + n % 30),
            review_cadence="quarterly",
        )
        for n in range(start, stop)
    )
    for vendor in vendors:
        add_records(vendor, owner, 1)
    return vendors


def add_records(vendor, owner, count, offset=0):
    """``count`` of every kind of record for one vendor (bulk inserts, no services)."""
    reviews = Review.objects.bulk_create(
        Review(
            vendor=vendor,
            period_start=dt.date(2020, 1, 1) + dt.timedelta(days=100 * (n + offset)),
            period_end=dt.date(2020, 3, 1) + dt.timedelta(days=100 * (n + offset)),
            scheduled_for=TODAY + dt.timedelta(days=(n + offset) % 40 - 10),
            status="completed" if n % 2 else "scheduled",
            completed_at=NOW if n % 2 else None,
            overall_score=3 if n % 2 else None,
            reviewer=owner,
        )
        for n in range(count)
    )
    ReviewScore.objects.bulk_create(
        ReviewScore(review=review, criterion="quality", score=3) for review in reviews
    )
    ActionItem.objects.bulk_create(
        ActionItem(
            vendor_id=review.vendor_id,
            source="review",
            review=review,
            description="Follow up",
            owner=owner,
        )
        for review in reviews
    )
    SLATarget.objects.get_or_create(
        vendor=vendor, priority="P1", defaults={"response_minutes": 30, "resolution_minutes": 240}
    )
    Incident.objects.bulk_create(
        Incident(
            vendor=vendor,
            external_id=f"INC-{vendor.pk}-{n + offset}",
            title="Outage",
            priority="P1",
            opened_at=NOW - dt.timedelta(hours=6 + n),
            response_due_at=NOW - dt.timedelta(hours=5, minutes=30),
            resolution_due_at=NOW - dt.timedelta(hours=2),
        )
        for n in range(count)
    )
    Goal.objects.bulk_create(
        Goal(
            vendor=vendor,
            title=f"Goal {n}",
            metric="Availability",
            target_value=99,
            owner=owner,
            start_date=dt.date(2026, 1, 1),
            due_date=TODAY + dt.timedelta(days=5),
            status="at_risk",
        )
        for n in range(count)
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(
            vendor=vendor,
            title="Weekly sync",
            starts_at=NOW - dt.timedelta(days=30),
            time_zone="Europe/Warsaw",
            recurrence="FREQ=WEEKLY;BYDAY=MO",
        )
        for n in range(count)
    )
    for meeting in meetings:
        meeting.attendees.add(owner)
    contacts = Contact.objects.bulk_create(
        Contact(vendor=vendor, name=f"Contact {n + offset}") for n in range(count)
    )
    SecurityClause.objects.get_or_create(
        vendor=vendor,
        clause_type="confidentiality",
        defaults={"status": "agreed", "expires_on": TODAY + dt.timedelta(days=20)},
    )
    review_type = ContentType.objects.get_for_model(Review)
    Reminder.objects.bulk_create(
        Reminder(
            kind="review_upcoming",
            content_type=review_type,
            object_id=reviews[n].pk,
            vendor=vendor,
            occurrence=NOW,
            lead_time=dt.timedelta(days=3),
            recipient=owner,
            status="sent",
            sent_at=NOW,
        )
        for n in range(count)
    )
    return contacts


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


# The most queries any of these pages may run (session, user, profile, savepoints included).
PORTFOLIO_PAGES = {
    # Two more since issue 14: the security incidents missing a notification (plus their
    # clocks' two queries when there are any; these records have none) and the year's credits.
    # Issue 15: one more, the latest unread of the inbox ("From your vendors"; its count
    # only when the panel is full). Issue 17: "Needs attention" reads each kind's most urgent
    # in a query of its own (13), the tiles count their lists (8), the ended vendors (1).
    "/": DASHBOARD_MAX_QUERIES,
    "/?export=csv": 6,
    "/vendors/": 8,
    "/vendors/?sort=health&tier=critical": 8,
    "/vendors/?export=csv": 7,
}


@time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False)
def test_the_dashboard_and_vendor_list_cost_the_same_at_5_and_200_vendors(
    owner_client, owner, django_assert_max_num_queries
):
    add_vendors(owner, 0, 5)
    small = {url: queries(owner_client, url) for url in PORTFOLIO_PAGES}
    add_vendors(owner, 5, 200)
    for url, limit in PORTFOLIO_PAGES.items():
        with django_assert_max_num_queries(limit):
            big = queries(owner_client, url)
        assert big == small[url], url
    dashboard = owner_client.get("/")
    assert dashboard.context["tile_of"]["incidents"].count == 200
    # Every vendor is counted; the health table shows the weakest few (the list has the rest).
    assert dashboard.context["vendor_count"] == 200
    assert len(dashboard.context["vendors"]) == HEALTH_TABLE_LIMIT


VENDOR_PAGES = {
    # Both one more than before issue 14: the scorecard's security incidents (plus their
    # clocks' two queries when there are any; these records have none). Then the workspace
    # four more: the security incidents missing a notification (the clocks card), the credit
    # policy, the last statements and the year's credit totals; the scorecard two: the
    # statements of its window's months and their totals. Issue 15: the workspace, the
    # scorecard and the meeting list one more: the meetings' exceptions (one prefetch). The
    # workspace two more: its open action items and its escalation matrix.
    "vendor-detail": 40,
    "vendor-scorecard": 27,
    "goal-list": 8,
    "review-list": 9,
    "meeting-list": 10,
    "incident-list": 9,
    "clause-list": 8,
    "contact-list": 8,
    "reminder-list": 8,
}


@time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False)
def test_a_vendors_workspace_and_section_lists_cost_the_same_with_5_and_200_records(
    owner_client, owner, django_assert_max_num_queries
):
    vendor = add_vendors(owner, 0, 1)[0]
    add_records(vendor, owner, 4, offset=1)
    urls = {name: reverse(f"governance:{name}", args=[vendor.pk]) for name in VENDOR_PAGES}
    small = {name: queries(owner_client, url) for name, url in urls.items()}
    small_csv = {name: queries(owner_client, url + "?export=csv") for name, url in urls.items()}
    add_records(vendor, owner, 195, offset=5)
    for name, url in urls.items():
        with django_assert_max_num_queries(VENDOR_PAGES[name]):
            assert queries(owner_client, url) == small[name], name
        if name.endswith("-list"):
            assert queries(owner_client, url + "?export=csv") == small_csv[name], name
