import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from governance import selectors, services
from governance.models import Incident, RequiredClause, Vendor
from tests.factories import (
    ClauseFactory,
    GoalFactory,
    IncidentFactory,
    ReviewFactory,
    SLATargetFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def log_incident(vendor, *, opened_days_ago, resolved_after_hours=None, priority="P1"):
    opened = NOW - dt.timedelta(days=opened_days_ago)
    incident = Incident(vendor=vendor, title="x", priority=priority, opened_at=opened)
    if resolved_after_hours is not None:
        incident.resolved_at = opened + dt.timedelta(hours=resolved_after_hours)
        incident.status = Incident.Status.RESOLVED
    return services.incident_save(incident)


def annotated(vendor):
    return selectors.vendors_with_metrics(Vendor.objects.filter(pk=vendor.pk)).get()


def test_sla_compliance_counts_met_and_breached_targets_in_the_window(vendor):
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)
    log_incident(vendor, opened_days_ago=10, resolved_after_hours=2)  # met
    log_incident(vendor, opened_days_ago=20, resolved_after_hours=3)  # met
    log_incident(vendor, opened_days_ago=30, resolved_after_hours=6)  # breached
    log_incident(vendor, opened_days_ago=1)  # still open past its target: breached
    log_incident(vendor, opened_days_ago=120, resolved_after_hours=9)  # outside 90 days
    services.incident_save(  # opened an hour ago, within its target: counts neither way
        Incident(vendor=vendor, title="y", priority="P1", opened_at=NOW - dt.timedelta(hours=1))
    )
    row = annotated(vendor)
    assert (row.sla_met_90d, row.sla_breached_90d) == (2, 2)
    assert selectors.sla_compliance_percent(row) == 50.0
    by_vendor = selectors.sla_compliance(
        Vendor.objects.all(), start=NOW - dt.timedelta(days=90), end=NOW
    )
    assert by_vendor[vendor.pk] == {"met": 2, "breached": 2, "compliance": 50.0}


def test_sla_compliance_is_unknown_without_incidents(vendor):
    assert selectors.sla_compliance_percent(annotated(vendor)) is None


def test_monthly_sla_compliance_groups_by_month(vendor):
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)
    log_incident(vendor, opened_days_ago=5, resolved_after_hours=1)
    log_incident(vendor, opened_days_ago=40, resolved_after_hours=8)
    months = selectors.sla_compliance_by_month(vendor, months=3)
    assert [(m["month"].month, m["compliance"]) for m in months] == [(5, 0.0), (6, 100.0)]


def test_breach_flags_are_computed_in_the_database(vendor):
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)
    open_late = log_incident(vendor, opened_days_ago=1)
    on_time = log_incident(vendor, opened_days_ago=2, resolved_after_hours=0.25)
    flags = {
        i.pk: (i.response_breached, i.resolution_breached)
        for i in selectors.incidents_with_breach_flags(Incident.objects.all())
    }
    assert flags[open_late.pk] == (True, True)
    assert flags[on_time.pk] == (False, False)


def test_clause_coverage_counts_required_clauses_in_force(vendor):
    required = list(
        RequiredClause.objects.filter(tier=vendor.tier).values_list("clause_type", flat=True)
    )
    assert len(required) == 9  # the default set of a high-tier vendor
    ClauseFactory(vendor=vendor, clause_type=required[0], status="verified")
    ClauseFactory(vendor=vendor, clause_type=required[1], status="agreed")
    ClauseFactory(vendor=vendor, clause_type=required[2], status="negotiating")
    ClauseFactory(
        vendor=vendor, clause_type=required[3], status="verified", expires_on=dt.date(2026, 6, 1)
    )
    # A clause the tier does not require does not raise coverage.
    ClauseFactory(vendor=vendor, clause_type="soc2", status="verified")
    row = annotated(vendor)
    assert (row.clauses_covered, row.clauses_required) == (2, 9)
    assert selectors.clause_coverage_percent(row) == pytest.approx(22.2)


def test_goals_on_track_ignores_proposed_and_dropped_goals(vendor):
    for status in ["on_track", "achieved", "at_risk", "missed", "proposed", "dropped"]:
        GoalFactory(vendor=vendor, status=status)
    assert selectors.goals_on_track_percent(annotated(vendor)) == 50.0


def test_the_health_figure_weights_the_parts_that_have_data():
    assert (
        selectors.health_score({"reviews": 100, "sla": 50, "goals": None, "clauses": None}) == 75.0
    )
    assert (
        selectors.health_score({"reviews": None, "sla": None, "goals": None, "clauses": None})
        is None
    )
    assert selectors.health_score({"reviews": 100, "sla": 100, "goals": 0, "clauses": 0}) == 60.0


def test_the_scorecard_shows_the_health_figure_and_its_parts(vendor):
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)
    log_incident(vendor, opened_days_ago=3, resolved_after_hours=1)
    log_incident(vendor, opened_days_ago=4, resolved_after_hours=9)
    earlier = ReviewFactory(
        vendor=vendor,
        scheduled_for=dt.date(2026, 1, 15),
        period_start=dt.date(2025, 10, 1),
        period_end=dt.date(2025, 12, 31),
        status="completed",
        completed_at=timezone.now(),
        overall_score=Decimal("3.00"),
    )
    # Stored as completed (as ``earlier``): a review is completed by review_complete only.
    latest = services.review_save(
        ReviewFactory(
            vendor=vendor,
            scheduled_for=dt.date(2026, 4, 15),
            status="completed",
            completed_at=timezone.now(),
        ),
        scores=[
            {"criterion": "quality", "score": 5, "comment": ""},
            {"criterion": "cost", "score": 4, "comment": ""},
        ],
    )
    ReviewFactory(vendor=vendor, scheduled_for=dt.date(2026, 7, 15))
    GoalFactory(vendor=vendor, status="on_track")
    GoalFactory(vendor=vendor, status="at_risk")

    card = selectors.vendor_scorecard(vendor)

    assert card.latest_score == Decimal("4.50")
    assert card.previous_score == earlier.overall_score
    assert card.score_trend == Decimal("1.50")
    assert card.criteria == {"quality": 5, "cost": 4}
    assert [r["id"] for r in card.review_history] == [earlier.pk, latest.pk]
    assert card.parts == {"reviews": 87.5, "sla": 50.0, "goals": 50.0, "clauses": 0.0}
    assert card.health == pytest.approx(0.3 * 87.5 + 0.3 * 50 + 0.2 * 50, abs=0.1)
    assert card.sla["met"] == 1 and card.sla["breached"] == 1
    assert card.next_review_date == dt.date(2026, 7, 15)
    assert "iso27001" in card.clauses["missing"]


def test_a_vendor_list_with_metrics_runs_one_query_whatever_its_length(
    django_assert_num_queries, owner
):
    for count in (3, 30):
        for _ in range(count):
            vendor = VendorFactory(owner=owner)
            IncidentFactory(vendor=vendor, opened_at=NOW - dt.timedelta(days=1))
            GoalFactory(vendor=vendor)
            ClauseFactory(vendor=vendor)
        with django_assert_num_queries(1):
            rows = list(selectors.vendors_with_metrics(Vendor.objects.all()))
            health = [selectors.vendor_health(row) for row in rows]
            owners = [row.owner.username for row in rows]
        assert len(health) == len(owners) == Vendor.objects.count()
