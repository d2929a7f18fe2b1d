"""Stored figures: what the lists show is what the scorecard computes, after any write and as
time passes; the dashboard's next meetings are the true first occurrences."""

import datetime as dt
import io
import random

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from governance import selectors, services, tasks
from governance.models import Meeting, RequiredClause, Vendor, VendorFigures
from governance.services import figures
from governance.web.views.dashboard import MEETINGS_SHOWN
from tests.factories import (
    ClauseFactory,
    GoalFactory,
    IncidentFactory,
    MeetingFactory,
    ReviewFactory,
    SLATargetFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)


def live(vendor):
    """The health computed from scratch, as the scorecard does."""
    return selectors.vendor_scorecard(vendor).health


def stored(vendor):
    return VendorFigures.objects.get(vendor=vendor).health_score


@pytest.fixture
def no_required_clauses(db):
    """No clause set required of any tier: health comes from the records a test adds."""
    RequiredClause.objects.all().delete()


@time_machine.travel(NOW, tick=False)
def test_a_new_vendor_has_figures_with_no_data_yet(owner):
    vendor = services.vendor_create(
        owner=owner,
        name="Fresh Co",
        services=["hosting"],
        tier="low",
        status="active",
        time_zone="UTC",
        contract_end=dt.date(2026, 6, 30),
        renewal_notice_days=90,
    )
    row = VendorFigures.objects.get(vendor=vendor)
    assert row.health_score == live(vendor)
    assert row.next_review_date is None
    assert row.clauses_covered == 0
    assert row.notice_deadline == dt.date(2026, 4, 1)
    assert row.computed_at == NOW


@time_machine.travel(NOW, tick=False)
def test_every_write_that_changes_health_is_in_the_stored_figure_at_once(
    no_required_clauses, vendor, owner
):
    review = ReviewFactory(
        vendor=vendor,
        period_start=dt.date(2025, 11, 1),
        period_end=dt.date(2026, 1, 31),
        scheduled_for=dt.date(2026, 2, 1),
    )
    services.review_save(review, scores=[{"criterion": "quality", "score": 5, "comment": ""}])
    services.review_complete(review)
    assert stored(vendor) == live(vendor) == 100.0

    target = SLATargetFactory(vendor=vendor, priority="P1", resolution_minutes=60)
    incident = IncidentFactory(vendor=vendor, priority="P1", opened_at=NOW - dt.timedelta(hours=5))
    services.incident_save(incident)
    assert stored(vendor) == live(vendor) < 100.0

    services.incident_resolve(incident, at=NOW - dt.timedelta(hours=4, minutes=30))
    assert stored(vendor) == live(vendor) == 100.0

    # A stricter target re-derives the due times by a bulk UPDATE: still refreshed.
    target.response_minutes, target.resolution_minutes = 5, 10
    services.sla_target_save(target)
    assert stored(vendor) == live(vendor) < 100.0

    goal = GoalFactory(vendor=vendor, status="at_risk")
    assert stored(vendor) == live(vendor)
    ClauseFactory(vendor=vendor, clause_type="breach_notification", status="agreed")
    assert stored(vendor) == live(vendor)

    goal.delete()
    assert stored(vendor) == live(vendor)


@time_machine.travel(NOW, tick=False)
def test_the_tier_and_the_required_clause_set_decide_coverage(vendor):
    ClauseFactory(vendor=vendor, clause_type="confidentiality", status="agreed")
    before = VendorFigures.objects.get(vendor=vendor)
    RequiredClause.objects.filter(tier=vendor.tier).exclude(clause_type="confidentiality").delete()
    after = VendorFigures.objects.get(vendor=vendor)
    assert after.clauses_required < before.clauses_required
    assert after.clauses_covered == 1

    services.vendor_update(vendor, tier="low")
    row = VendorFigures.objects.get(vendor=vendor)
    assert row.clauses_required == RequiredClause.objects.filter(tier="low").count()


def test_an_incident_passing_its_target_shows_after_the_periodic_refresh(
    no_required_clauses, vendor
):
    with time_machine.travel(NOW, tick=False):
        SLATargetFactory(vendor=vendor, priority="P1", resolution_minutes=60)
        incident = IncidentFactory(vendor=vendor, priority="P1", opened_at=NOW)
        services.incident_save(incident)
        assert stored(vendor) is None  # in flight: counts neither way yet
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        assert live(vendor) == 0.0
        assert stored(vendor) is None  # the clock alone changed it: not yet stored
        tasks.refresh_figures()
        assert stored(vendor) == 0.0


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_ranks_the_weakest_first_from_a_fresh_write(
    no_required_clauses, owner, client
):
    client.force_login(owner)
    strong = VendorFactory(name="Strong", owner=owner)
    weak = VendorFactory(name="Weak", owner=owner)
    for vendor, score in ((strong, 5), (weak, 4)):
        review = ReviewFactory(
            vendor=vendor,
            period_start=dt.date(2025, 11, 1),
            period_end=dt.date(2026, 1, 31),
            scheduled_for=dt.date(2026, 2, 1),
        )
        services.review_save(review, scores=[{"criterion": "quality", "score": score}])
        services.review_complete(review)
    VendorFactory(name="No data yet", owner=owner)
    names = [v.name for v in client.get("/").context["vendors"]]
    assert names == ["Weak", "Strong", "No data yet"]

    # The strong one breaches its SLA: it is the weakest on the next page load.
    SLATargetFactory(vendor=strong, priority="P1", resolution_minutes=60)
    services.incident_save(
        IncidentFactory(vendor=strong, priority="P1", opened_at=NOW - dt.timedelta(hours=3))
    )
    names = [v.name for v in client.get("/").context["vendors"]]
    assert names == ["Strong", "Weak", "No data yet"]
    listed = client.get(reverse("governance:vendor-list") + "?sort=health")
    assert [v.name for v in listed.context["page"].object_list] == names


@time_machine.travel(NOW, tick=False)
def test_seeded_figures_match_the_scorecard_and_migrate_fills_missing_ones():
    call_command("seed_demo", vendors=6, seed=7, stdout=io.StringIO())
    for vendor in Vendor.objects.all():
        assert stored(vendor) == live(vendor), vendor.name
    assert Meeting.objects.filter(next_occurrence_at__isnull=True, recurrence__gt="").count() == 0

    VendorFigures.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert VendorFigures.objects.count() == Vendor.objects.count()
    for vendor in Vendor.objects.all():
        assert stored(vendor) == live(vendor), vendor.name


# --- next meetings ---------------------------------------------------------------------------


def expected_next(now, horizon, limit):
    """Brute force: every meeting expanded over the window, the first ``limit`` occurrences."""
    everything = []
    for meeting in Meeting.objects.all():
        for occurrence in selectors.meeting_occurrences(meeting, start=now, end=horizon):
            everything.append((occurrence.starts_at, meeting.pk))
    return sorted(everything)[:limit]


def shown_next(client):
    return [(o.starts_at, m.pk) for o, m in client.get("/").context["meetings"]]


def test_next_meetings_are_the_first_occurrences_even_before_the_refresh_moves_them_on(
    owner, client
):
    client.force_login(owner)
    rng = random.Random(5)
    with time_machine.travel(NOW, tick=False):
        vendor = VendorFactory(owner=owner)
        rules = ["FREQ=WEEKLY;BYDAY=MO", "FREQ=DAILY", "FREQ=MONTHLY;BYMONTHDAY=15", ""]
        for n in range(30):
            MeetingFactory(
                vendor=vendor,
                title=f"Meeting {n}",
                starts_at=NOW + dt.timedelta(hours=rng.randint(-900, 300)),
                recurrence=rng.choice(rules),
                time_zone=rng.choice(["Europe/Warsaw", "America/New_York", "UTC"]),
            )
        horizon = NOW + dt.timedelta(days=14)
        assert shown_next(client) == expected_next(NOW, horizon, MEETINGS_SHOWN)

    later = NOW + dt.timedelta(days=3, hours=5)
    with time_machine.travel(later, tick=False):
        # Stored next occurrences have begun since: still exact, then moved on by the refresh.
        assert Meeting.objects.filter(next_occurrence_at__lt=later).exists()
        expected = expected_next(later, later + dt.timedelta(days=14), MEETINGS_SHOWN)
        assert shown_next(client) == expected
        figures.meetings_advance()
        assert not Meeting.objects.filter(next_occurrence_at__lt=later).exists()
        assert shown_next(client) == expected


@time_machine.travel(NOW, tick=False)
def test_a_meeting_moved_later_leaves_the_next_meetings(owner, client):
    client.force_login(owner)
    meeting = MeetingFactory(
        vendor=VendorFactory(owner=owner), recurrence="", starts_at=NOW + dt.timedelta(days=1)
    )
    assert [m.pk for _, m in client.get("/").context["meetings"]] == [meeting.pk]
    meeting.starts_at = NOW + dt.timedelta(days=40)
    services.meeting_save(meeting)
    assert client.get("/").context["meetings"] == []
    meeting.refresh_from_db()
    assert meeting.next_occurrence_at == NOW + dt.timedelta(days=40)
    # The derived column is not a change anyone made: no history row of its own.
    assert meeting.history.count() == 2


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_lists_the_first_notice_deadlines_and_links_to_the_rest(owner, client):
    client.force_login(owner)
    for n in range(30):
        VendorFactory(
            owner=owner,
            name=f"Notice {n:02d}",
            contract_end=dt.date(2026, 6, 1) + dt.timedelta(days=n),
            renewal_notice_days=60,
        )
    VendorFactory(owner=owner, contract_end=dt.date(2027, 6, 1), renewal_notice_days=60)
    response = client.get("/")
    shown = response.context["notices"]
    # The first few on the dashboard, the rest on the vendor list (by contract end).
    assert [v.name for v in shown] == [f"Notice {n:02d}" for n in range(3)]
    assert shown[0].notice_deadline == dt.date(2026, 4, 2)
    panel = response.content.decode().split('id="notices-h"')[1].split("</section>")[0]
    assert "/vendors/?sort=contract_end" in panel
