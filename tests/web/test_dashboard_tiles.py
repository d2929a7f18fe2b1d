"""The dashboard's tiles open the portfolio lists and count what those lists show, for the
same person and scope; panels link to the rest; the vendor count is the vendor list's; and
the page costs the same number of queries at 2 and 30 vendors."""

import datetime as dt

import pytest
import time_machine

from governance import services
from governance.models import ActionItem, ClauseType, Vendor, VendorFigures
from governance.selectors.dashboard import weakest_vendors
from governance.web.views.dashboard import ATTENTION_GROUPS
from tests.factories import (
    ClauseFactory,
    GoalFactory,
    IncidentFactory,
    ReviewFactory,
    SLATargetFactory,
    UserFactory,
    VendorFactory,
)
from tests.query_bounds import DASHBOARD_MAX_QUERIES

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
TODAY = NOW.date()
DASHBOARD_QUERIES = DASHBOARD_MAX_QUERIES


@pytest.fixture(autouse=True)
def _frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def portfolio(owner, start, stop, *, other=None):
    """Vendors ``start``..``stop`` (every third owned by ``other``), each with something for
    every tile: an open breached incident and a fresh one, an overdue and a coming review,
    an expiring clause, a goal at risk and one due soon, an overdue action item."""
    for n in range(start, stop):
        vendor = VendorFactory(
            name=f"Tile vendor {n:03d}", owner=other if other and n % 3 else owner
        )
        SLATargetFactory(vendor=vendor, priority="P2")
        for minutes in (60 * 24, 5):
            services.incident_save(
                IncidentFactory.build(
                    vendor=vendor, priority="P2", opened_at=NOW - dt.timedelta(minutes=minutes)
                )
            )
        ReviewFactory(vendor=vendor, scheduled_for=TODAY - dt.timedelta(days=3 + n))
        ReviewFactory(vendor=vendor, scheduled_for=TODAY + dt.timedelta(days=10 + n % 30))
        ClauseFactory(
            vendor=vendor, clause_type=ClauseType.ISO27001, expires_on=TODAY + dt.timedelta(40)
        )
        GoalFactory(vendor=vendor, status="at_risk", due_date=TODAY + dt.timedelta(days=60))
        GoalFactory(vendor=vendor, status="on_track", due_date=TODAY + dt.timedelta(days=7))
        services.action_item_save(
            ActionItem(
                vendor=vendor,
                description="Send the DR test report",
                owner=owner,
                due_date=TODAY - dt.timedelta(days=2),
            )
        )


def listed(client, url):
    """How many rows the list at ``url`` says it holds (its paginator's count)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


@pytest.mark.parametrize("scope", ["all", "mine", "team"])
def test_each_tile_opens_its_list_which_shows_the_same_count(owner_client, owner, scope):
    portfolio(owner, 0, 6, other=UserFactory(username="colleague"))

    tiles = owner_client.get(f"/?scope={scope}").context["tiles"]

    assert len(tiles) == 8
    counts = {tile.name: (tile.count, listed(owner_client, tile.url)) for tile in tiles}
    assert all(shown == listed for shown, listed in counts.values()), counts
    # Something to count in each (so an always-zero tile could not pass).
    assert all(shown > 0 for shown, _ in counts.values()), counts


def test_the_tiles_follow_the_remembered_scope(owner_client, owner):
    portfolio(owner, 0, 6, other=UserFactory(username="colleague"))
    everyone = owner_client.get("/?scope=all").context["tile_of"]["breaches"].count

    owner_client.get("/incidents/?scope=mine")
    mine = owner_client.get("/").context["tile_of"]["breaches"]

    assert (everyone, mine.count) == (6, 2)
    assert "scope=mine" in mine.url


def test_panels_link_to_the_lists_that_hold_the_rest(owner_client, owner):
    portfolio(owner, 0, 5)

    response = owner_client.get("/?scope=all")
    html = response.content.decode()

    incidents = html.split('id="incidents-h"')[1].split("</section>")[0]
    assert incidents.count("<li>") == 3
    assert "See all 10" in incidents
    assert "/incidents/?status=open" in incidents.replace("&amp;", "&")


def test_the_vendor_count_is_the_vendor_lists_and_says_how_many_ended(owner_client, owner):
    for n in range(3):
        VendorFactory(name=f"Running {n}", owner=owner)
    VendorFactory(name="Former", owner=owner, status=Vendor.Status.ENDED)

    html = owner_client.get("/").content.decode()
    on_list = owner_client.get("/vendors/").context["page"].paginator.count

    count = html.split('data-testid="vendor-count"')[1].split("</p>")[0]
    assert on_list == 4
    assert "4 vendors</a> (1 ended)" in count
    assert "relationship" not in count


def test_the_dashboard_costs_the_same_at_3_and_30_vendors(
    owner_client, owner, django_assert_max_num_queries
):
    # Three at least: with fewer vendors with a health figure than the table's rows, the
    # weakest vendors take a second query for those without one.
    portfolio(owner, 0, 3)
    with django_assert_max_num_queries(DASHBOARD_QUERIES) as few:
        owner_client.get("/")
    portfolio(owner, 3, 30)
    with django_assert_max_num_queries(DASHBOARD_QUERIES) as many:
        response = owner_client.get("/")

    assert len(many.captured_queries) == len(few.captured_queries)
    assert response.context["tile_of"]["incidents"].count == 60
    assert len(response.context["attention_groups"]) == ATTENTION_GROUPS


def test_the_weakest_vendors_come_first_then_by_name_and_those_without_health_last(owner):
    names = ("Delta", "Alpha", "Charlie", "Bravo", "Echo")
    delta, alpha, charlie, bravo, echo = (VendorFactory(owner=owner, name=n) for n in names)
    VendorFigures.objects.filter(vendor__in=[delta, charlie]).update(health_score=40)
    VendorFigures.objects.filter(vendor=echo).update(health_score=90)
    VendorFigures.objects.filter(vendor=alpha).update(health_score=None)
    VendorFigures.objects.filter(vendor=bravo).delete()  # never computed

    def weakest(limit):
        return [vendor.name for vendor in weakest_vendors(Vendor.objects.all(), limit=limit)]

    assert weakest(2) == ["Charlie", "Delta"]
    assert weakest(4) == ["Charlie", "Delta", "Echo", "Alpha"]
    assert weakest(9) == ["Charlie", "Delta", "Echo", "Alpha", "Bravo"]
