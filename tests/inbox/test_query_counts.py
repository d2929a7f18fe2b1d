"""The inbox page, the dashboard's "From your vendors" and the API's inbox read in the same
few queries at 10 and at 1,000 vendors, each vendor with activities of several kinds."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import ActionItem, Goal, Review, Vendor, VendorActivity
from tests.api.conftest import client_for
from tests.factories import UserFactory
from tests.inbox.conftest import signed_in
from tests.query_bounds import DASHBOARD_MAX_QUERIES

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)

# The most queries each may run (session, user, profile and savepoints included).
LIMITS = {
    "/inbox/": 10,
    "/inbox/?unread=on&kind=review_disputed": 10,
    "/": DASHBOARD_MAX_QUERIES,
    "/api/v1/inbox/": 8,
    "/api/v1/inbox/?unread=true": 8,
}


def add_vendors(owner, rep, start, stop):
    """Vendors ``start``..``stop`` of ``owner``, each with a disputed review, a goal check-in
    and an action-item update by ``rep`` (bulk inserts, as the services would leave them)."""
    vendors = Vendor.objects.bulk_create(
        Vendor(
            name=f"Inbox vendor {n:04d}",
            services=["hosting"],
            tier="medium",
            status="active",
            owner=owner,
            time_zone="UTC",
        )
        for n in range(start, stop)
    )
    reviews = Review.objects.bulk_create(
        Review(
            vendor=vendor,
            period_start=dt.date(2025, 10, 1),
            period_end=dt.date(2025, 12, 31),
            scheduled_for=dt.date(2026, 1, 15),
            status="completed",
            completed_at=NOW,
            vendor_acknowledged_at=NOW,
            vendor_acknowledged_by=rep,
            vendor_comment="We dispute the innovation score.",
            dispute_status="open",
        )
        for vendor in vendors
    )
    goals = Goal.objects.bulk_create(
        Goal(
            vendor=vendor,
            title="Faster fixes",
            metric="MTTR",
            target_value=4,
            start_date=dt.date(2026, 1, 1),
            due_date=dt.date(2026, 12, 31),
            status="on_track",
        )
        for vendor in vendors
    )
    items = ActionItem.objects.bulk_create(
        ActionItem(vendor=vendor, description="Patch", status="in_progress") for vendor in vendors
    )
    activities = []
    for vendor, review, goal, item in zip(vendors, reviews, goals, items, strict=True):
        activities += [
            VendorActivity(vendor=vendor, kind="review_disputed", actor=rep, review=review),
            VendorActivity(vendor=vendor, kind="goal_check_in", actor=rep, goal=goal),
            VendorActivity(vendor=vendor, kind="action_item_updated", actor=rep, action_item=item),
        ]
    VendorActivity.objects.bulk_create(activities)


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@time_machine.travel(NOW, tick=False)
def test_the_inbox_reads_in_the_same_queries_at_10_and_1000_vendors(
    owner, django_assert_max_num_queries
):
    rep = UserFactory(username="rep")  # who acted changes nothing in what is read
    add_vendors(owner, rep, 0, 10)
    web, api = signed_in(owner), client_for(owner)
    small = {url: queries(api if "/api/" in url else web, url) for url in LIMITS}

    add_vendors(owner, rep, 10, 1000)

    for url, limit in LIMITS.items():
        with django_assert_max_num_queries(limit):
            big = queries(api if "/api/" in url else web, url)
        assert big == small[url], url
    assert web.get("/").context["inbox_unread"] == 3000
    page = web.get("/inbox/")
    assert len(page.context["rows"]) == 25
    assert page.context["page"].paginator.count == 3000
    assert api.get("/api/v1/inbox/").json()["count"] == 3000
