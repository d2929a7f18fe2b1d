"""The scorecard's security figures: incidents in the SLA window and the share notified on time."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from governance.domain.health import HEALTH_WEIGHTS
from governance.models import ClauseType, Incident
from governance.selectors import vendor_scorecard
from tests.factories import ClauseFactory, IncidentFactory, VendorFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
SIGNED = dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
NOW = dt.datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
HOUR = dt.timedelta(hours=1)


def breach_clause(vendor, hours=24):
    with time_machine.travel(SIGNED, tick=False):
        return ClauseFactory(
            vendor=vendor, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=hours
        )


def security_incident(vendor, detected_at, notified_after=None):
    notified_at = None if notified_after is None else detected_at + notified_after
    return IncidentFactory(
        vendor=vendor,
        category=Incident.Category.SECURITY,
        opened_at=detected_at,
        detected_at=detected_at,
        vendor_notified_at=notified_at,
    )


def vendor_with_one_of_each(owner=None):
    """On time, late, overdue, running (24-hour clause), and one more vendor's without a clause."""
    vendor = VendorFactory(**({"owner": owner} if owner else {}))
    breach_clause(vendor)
    security_incident(vendor, NOW - 10 * 24 * HOUR, notified_after=2 * HOUR)
    security_incident(vendor, NOW - 9 * 24 * HOUR, notified_after=30 * HOUR)
    security_incident(vendor, NOW - 8 * 24 * HOUR)
    security_incident(vendor, NOW - 2 * HOUR)
    return vendor


def test_a_vendor_without_security_incidents_has_no_data_not_zero():
    vendor = VendorFactory()
    IncidentFactory(vendor=vendor, opened_at=NOW - 24 * HOUR)

    security = vendor_scorecard(vendor, now=NOW).security

    assert security["incidents"] == 0
    assert security["with_status"] == 0
    assert security["notified_on_time_percent"] is None


def test_on_time_late_and_overdue_count_in_the_share_a_running_clock_does_not():
    vendor = vendor_with_one_of_each()

    security = vendor_scorecard(vendor, now=NOW).security

    assert security["incidents"] == 4
    assert security["with_status"] == 4
    assert (security["on_time"], security["late"], security["overdue"]) == (1, 1, 1)
    assert security["running"] == 1
    assert security["no_clause"] == 0
    assert security["notified_on_time_percent"] == pytest.approx(33.3)


def test_one_notified_on_time_is_a_hundred_percent():
    vendor = VendorFactory()
    breach_clause(vendor)
    security_incident(vendor, NOW - 3 * 24 * HOUR, notified_after=24 * HOUR)

    security = vendor_scorecard(vendor, now=NOW).security

    assert security["on_time"] == 1
    assert security["notified_on_time_percent"] == 100.0


def test_no_clause_in_force_is_counted_apart_and_leaves_the_share_without_data():
    vendor = VendorFactory()
    security_incident(vendor, NOW - 3 * 24 * HOUR, notified_after=2 * HOUR)

    security = vendor_scorecard(vendor, now=NOW).security

    assert security["incidents"] == 1
    assert security["no_clause"] == 1
    assert security["on_time"] == security["late"] == security["overdue"] == 0
    assert security["notified_on_time_percent"] is None


def test_incidents_before_the_sla_window_are_not_counted(settings):
    vendor = VendorFactory()
    breach_clause(vendor)
    start = NOW - dt.timedelta(days=settings.GOVERNANCE_SLA_WINDOW_DAYS)
    security_incident(vendor, start - HOUR, notified_after=HOUR)
    security_incident(vendor, start + HOUR, notified_after=HOUR)

    assert vendor_scorecard(vendor, now=NOW).security["incidents"] == 1


def test_the_security_figures_do_not_feed_the_health_figure():
    vendor = vendor_with_one_of_each()

    card = vendor_scorecard(vendor, now=NOW)

    assert "security" not in HEALTH_WEIGHTS
    assert set(card.parts) == set(HEALTH_WEIGHTS)


@time_machine.travel(NOW, tick=False)
def test_the_api_scorecard_carries_the_security_figures(owner):
    vendor = vendor_with_one_of_each(owner)
    api = APIClient()
    api.force_authenticate(owner)

    card = api.get(f"/api/v1/vendors/{vendor.pk}/scorecard/").json()

    assert card["security"] == {
        "window_days": 90,
        "incidents": 4,
        "with_status": 4,
        "running": 1,
        "on_time": 1,
        "late": 1,
        "overdue": 1,
        "no_clause": 0,
        "notified_on_time_percent": pytest.approx(33.3),
    }
    assert {"health_score", "parts", "sla", "goals", "clauses"} <= set(card)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("page", ["vendor-detail", "vendor-scorecard"])
def test_the_vendor_page_and_the_printable_scorecard_show_them(client, owner, page):
    vendor = vendor_with_one_of_each(owner)
    security_incident(vendor, NOW - 5 * 24 * HOUR)
    client.force_login(owner)

    html = client.get(reverse(f"governance:{page}", args=[vendor.pk])).content.decode()

    assert "Security incidents notified on time" in html
    assert "5 security incidents" in html
    assert "1 on time · 1 late · 2 overdue · 1 running" in html
    assert "25%" in html


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("page", ["vendor-detail", "vendor-scorecard"])
def test_a_vendor_without_security_incidents_shows_no_data_and_no_clause_is_a_finding(
    client, owner, page
):
    quiet = VendorFactory(owner=owner)
    unbound = VendorFactory(owner=owner)
    security_incident(unbound, NOW - 3 * 24 * HOUR, notified_after=HOUR)
    client.force_login(owner)

    quiet_html = client.get(reverse(f"governance:{page}", args=[quiet.pk])).content.decode()
    unbound_html = client.get(reverse(f"governance:{page}", args=[unbound.pk])).content.decode()

    assert "no security incident" in quiet_html
    assert "1 with no notification clause in force" in unbound_html


@pytest.mark.parametrize("incidents", [1, 20])
def test_the_security_figures_cost_the_same_few_queries_however_many_incidents(
    incidents, django_assert_max_num_queries
):
    quiet = VendorFactory()
    vendor = VendorFactory()
    breach_clause(vendor)
    for day in range(incidents):
        security_incident(vendor, NOW - (day + 2) * 24 * HOUR, notified_after=HOUR)
    with django_assert_max_num_queries(100) as without:
        vendor_scorecard(quiet, now=NOW)

    # The incidents, then the clocks' two (time zones, clause versions); none without any.
    with django_assert_max_num_queries(len(without) + 2):
        card = vendor_scorecard(vendor, now=NOW)

    assert card.security["on_time"] == incidents


@time_machine.travel(NOW, tick=False)
def test_the_api_scorecard_costs_the_same_with_2_and_30_security_incidents(
    owner, django_assert_max_num_queries
):
    vendor = VendorFactory(owner=owner)
    breach_clause(vendor)
    api = APIClient()
    api.force_authenticate(owner)
    url = f"/api/v1/vendors/{vendor.pk}/scorecard/"
    counts = []
    for total in (2, 30):
        while Incident.objects.filter(vendor=vendor).count() < total:
            security_incident(vendor, NOW - 3 * 24 * HOUR, notified_after=HOUR)
        with django_assert_max_num_queries(30) as captured:
            assert api.get(url).json()["security"]["incidents"] == total
        counts.append(len(captured))

    assert counts[0] == counts[1]
