import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from governance import services
from governance.models import Goal, Incident, Review, ReviewScore, Vendor
from tests.factories import (
    ContactFactory,
    GoalFactory,
    IncidentFactory,
    MeetingFactory,
    ReviewFactory,
    SLATargetFactory,
    VendorFactory,
    scored,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC

ALL_SCORES = [
    {"criterion": "quality", "score": 4, "comment": "Stable"},
    {"criterion": "responsiveness", "score": 3, "comment": ""},
    {"criterion": "communication", "score": 5, "comment": ""},
    {"criterion": "security", "score": 4, "comment": ""},
    {"criterion": "cost", "score": 2, "comment": "Over budget"},
    {"criterion": "innovation", "score": 3, "comment": ""},
]


# --- vendors -------------------------------------------------------------------------------


def test_a_new_vendor_gets_its_tiers_review_cadence(owner):
    vendor = services.vendor_create(
        owner=owner, name="Northwind", services=["hosting"], tier="critical"
    )
    assert vendor.review_cadence == "monthly"
    explicit = services.vendor_create(
        owner=owner, name="Contoso", services=["security"], tier="critical", review_cadence="annual"
    )
    assert explicit.review_cadence == "annual"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("services", ["hosting", "hosting"]),
        ("services", ["plumbing"]),
        ("services", {"hosting": True}),
        ("name", "Fabrikam\nLtd"),
        ("contract_end", dt.date(9999, 12, 31)),
        ("renewal_notice_days", 100_000),
        ("time_zone", "Mars/Olympus"),
        ("time_zone", "+02:00"),
        ("country", "Poland"),
        ("currency", "euro"),
        ("tier", "galactic"),
    ],
)
def test_invalid_vendor_input_is_refused_with_the_field_named(owner, field, value):
    data = {"name": "Fabrikam", "services": ["hosting"], field: value}
    with pytest.raises(ValidationError) as refused:
        services.vendor_create(owner=owner, **data)
    assert field in refused.value.message_dict
    assert not Vendor.objects.filter(name="Fabrikam").exists()


def test_a_vendor_with_history_cannot_be_deleted_only_ended(vendor):
    ReviewFactory(vendor=vendor)
    with pytest.raises(ValidationError, match="set its status to ended"):
        services.vendor_delete(vendor)
    assert Vendor.objects.filter(pk=vendor.pk).exists()


def test_a_vendor_without_history_can_be_deleted(vendor):
    services.vendor_delete(vendor)
    assert not Vendor.objects.filter(pk=vendor.pk).exists()


def test_marking_a_contact_primary_unmarks_the_previous_one(vendor):
    first = ContactFactory(vendor=vendor, is_primary=True)
    second = ContactFactory(vendor=vendor)
    second.is_primary = True
    services.contact_save(second)
    first.refresh_from_db()
    assert not first.is_primary
    assert vendor.contacts.get(is_primary=True) == second


# --- goals ---------------------------------------------------------------------------------


def test_the_latest_check_in_sets_the_current_value(vendor):
    goal = GoalFactory(vendor=vendor)
    services.goal_check_in_add(goal=goal, date=dt.date(2026, 3, 1), value=Decimal("70"))
    services.goal_check_in_add(goal=goal, date=dt.date(2026, 5, 1), value=Decimal("75"))
    # Entered later but dated earlier: it does not become the current value.
    services.goal_check_in_add(goal=goal, date=dt.date(2026, 2, 1), value=Decimal("65"))
    goal.refresh_from_db()
    assert goal.current_value == Decimal("75")


def test_a_goal_without_check_ins_keeps_no_current_value(vendor):
    goal = GoalFactory(vendor=vendor)
    services.goal_refresh_current_value(goal)
    assert Goal.objects.get(pk=goal.pk).current_value is None


# --- reviews -------------------------------------------------------------------------------


def test_the_overall_score_is_the_mean_of_the_criteria(vendor):
    review = services.review_save(ReviewFactory.build(vendor=vendor), scores=ALL_SCORES)
    assert review.overall_score == Decimal("3.50")
    assert Review.objects.get(pk=review.pk).overall_score == Decimal("3.50")


def test_a_review_with_no_scores_has_no_overall_score(vendor):
    review = services.review_save(ReviewFactory.build(vendor=vendor), scores=[])
    assert review.overall_score is None


def test_an_invalid_score_leaves_the_review_as_it_was(vendor):
    review = services.review_save(ReviewFactory.build(vendor=vendor), scores=ALL_SCORES[:2])
    with pytest.raises(ValidationError):
        services.review_save(review, scores=[{"criterion": "quality", "score": 9, "comment": ""}])
    assert ReviewScore.objects.filter(review=review).count() == 2
    assert Review.objects.get(pk=review.pk).overall_score == Decimal("3.50")


def test_completing_a_review_schedules_the_next_one_a_cadence_later(vendor):
    review = services.review_save(
        ReviewFactory.build(
            vendor=vendor,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 3, 31),
            scheduled_for=dt.date(2026, 4, 15),
            reviewer=vendor.owner,
        ),
        scores=ALL_SCORES,
    )
    # Held five days late: the calendar does not shift.
    with time_machine.travel(dt.datetime(2026, 4, 20, 12, tzinfo=UTC), tick=False):
        next_review = services.review_complete(review)
    review.refresh_from_db()
    assert review.status == Review.Status.COMPLETED
    assert review.completed_at == dt.datetime(2026, 4, 20, 12, tzinfo=UTC)
    assert next_review.scheduled_for == dt.date(2026, 7, 15)
    assert (next_review.period_start, next_review.period_end) == (
        dt.date(2026, 4, 1),
        dt.date(2026, 6, 30),
    )
    assert next_review.status == Review.Status.SCHEDULED
    assert next_review.reviewer == vendor.owner


def test_a_review_completed_after_its_successors_date_schedules_the_next_for_today(vendor):
    vendor.review_cadence = "monthly"
    vendor.save()
    review = ReviewFactory(
        vendor=vendor,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 1, 31),
        scheduled_for=dt.date(2026, 1, 31),
    )
    scored(review)
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=UTC), tick=False):
        next_review = services.review_complete(review)
    assert next_review.scheduled_for == dt.date(2026, 3, 10)
    assert (next_review.period_start, next_review.period_end) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
    )


def test_a_month_end_review_calendar_stays_at_month_end(vendor):
    vendor.review_cadence = "monthly"
    vendor.save()
    review = scored(
        ReviewFactory(
            vendor=vendor,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 1, 31),
            scheduled_for=dt.date(2026, 1, 31),
        )
    )
    # Each completed the day after its period ends, the earliest a review may be.
    with time_machine.travel(dt.datetime(2026, 2, 1, 9, tzinfo=UTC), tick=False):
        february = services.review_complete(review)
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=UTC), tick=False):
        march = services.review_complete(scored(february))
    assert (february.scheduled_for, march.scheduled_for) == (
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
    )


def test_a_review_with_no_scores_cannot_be_completed(vendor):
    review = ReviewFactory(vendor=vendor)
    with (
        time_machine.travel(dt.datetime(2026, 4, 15, 9, tzinfo=UTC), tick=False),
        pytest.raises(ValidationError, match="Score at least one criterion"),
    ):
        services.review_complete(review)
    review.refresh_from_db()
    assert review.status == Review.Status.SCHEDULED
    assert vendor.reviews.count() == 1


def test_a_review_is_completed_only_after_its_period_ends(vendor):
    review = scored(ReviewFactory(vendor=vendor, period_end=dt.date(2026, 3, 31)))
    with (
        time_machine.travel(dt.datetime(2026, 3, 31, 20, tzinfo=UTC), tick=False),
        pytest.raises(ValidationError, match="The period ends on 31 Mar 2026; complete"),
    ):
        services.review_complete(review)
    assert Review.objects.get(pk=review.pk).status == Review.Status.SCHEDULED
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, tzinfo=UTC), tick=False):
        services.review_complete(review)
    assert Review.objects.get(pk=review.pk).status == Review.Status.COMPLETED


def test_a_review_cannot_overlap_another_of_its_vendor(vendor):
    ReviewFactory(
        vendor=vendor, period_start=dt.date(2025, 11, 1), period_end=dt.date(2026, 10, 31)
    )
    overlapping = ReviewFactory.build(
        vendor=vendor, period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 12, 31)
    )
    with pytest.raises(ValidationError) as refusal:
        services.review_save(overlapping)
    assert refusal.value.message_dict == {
        "period_start": [
            f"A review of {vendor.name} for 1 Nov 2025 \N{EN DASH} 31 Oct 2026 already exists."
        ]
    }
    # The period that follows is free.
    services.review_save(
        ReviewFactory.build(
            vendor=vendor, period_start=dt.date(2026, 11, 1), period_end=dt.date(2027, 1, 31)
        )
    )
    assert vendor.reviews.count() == 2


def test_a_review_cannot_be_completed_twice(vendor):
    review = scored(ReviewFactory(vendor=vendor))
    with time_machine.travel(dt.datetime(2026, 4, 15, 9, tzinfo=UTC), tick=False):
        services.review_complete(review)
        with pytest.raises(ValidationError):
            services.review_complete(review)
    assert vendor.reviews.count() == 2


def test_completing_does_not_duplicate_an_already_scheduled_next_review(vendor):
    review = scored(ReviewFactory(vendor=vendor, scheduled_for=dt.date(2026, 4, 15)))
    planned = ReviewFactory(
        vendor=vendor,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 6, 30),
        scheduled_for=dt.date(2026, 7, 10),
    )
    with time_machine.travel(dt.datetime(2026, 4, 15, 9, tzinfo=UTC), tick=False):
        assert services.review_complete(review) == planned
    assert vendor.reviews.count() == 2


def test_the_vendors_tier_cadence_applies_when_it_has_none(owner):
    vendor = VendorFactory(owner=owner, tier="low", review_cadence="")
    review = ReviewFactory(
        vendor=vendor,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        scheduled_for=dt.date(2026, 1, 15),
    )
    scored(review)
    with time_machine.travel(dt.datetime(2026, 1, 15, 9, tzinfo=UTC), tick=False):
        next_review = services.review_complete(review)
    assert next_review.scheduled_for == dt.date(2027, 1, 15)


# --- incidents and SLA ---------------------------------------------------------------------

OPENED = dt.datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def test_an_incidents_due_times_derive_from_its_sla_target(vendor):
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)
    incident = services.incident_save(
        Incident(vendor=vendor, title="VPN down", priority="P1", opened_at=OPENED)
    )
    assert incident.response_due_at == OPENED + dt.timedelta(minutes=30)
    assert incident.resolution_due_at == OPENED + dt.timedelta(hours=4)


def test_an_incident_without_a_target_has_no_due_times(vendor):
    incident = services.incident_save(
        Incident(vendor=vendor, title="Slow portal", priority="P4", opened_at=OPENED)
    )
    assert incident.response_due_at is None
    assert not incident.resolution_breached_at(OPENED + dt.timedelta(days=30))


def test_an_incident_still_open_past_its_target_is_breached(vendor):
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)
    incident = services.incident_save(
        Incident(vendor=vendor, title="VPN down", priority="P1", opened_at=OPENED)
    )
    assert not incident.response_breached_at(OPENED + dt.timedelta(minutes=29))
    assert incident.response_breached_at(OPENED + dt.timedelta(minutes=31))
    assert not incident.resolution_breached_at(OPENED + dt.timedelta(hours=3))
    assert incident.resolution_breached_at(OPENED + dt.timedelta(hours=5))


def test_an_incident_resolved_in_time_is_never_breached(vendor):
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)
    incident = services.incident_save(
        Incident(vendor=vendor, title="VPN down", priority="P1", opened_at=OPENED)
    )
    services.incident_acknowledge(incident, at=OPENED + dt.timedelta(minutes=10))
    services.incident_resolve(incident, at=OPENED + dt.timedelta(hours=2), root_cause="Cert")
    later = OPENED + dt.timedelta(days=10)
    assert not incident.response_breached_at(later)
    assert not incident.resolution_breached_at(later)
    assert incident.status == Incident.Status.RESOLVED


def test_resolving_without_acknowledging_stamps_both_times(vendor):
    incident = services.incident_save(
        Incident(vendor=vendor, title="Disk full", priority="P2", opened_at=OPENED)
    )
    with time_machine.travel(OPENED + dt.timedelta(hours=1), tick=False):
        incident.status = Incident.Status.RESOLVED
        services.incident_save(incident)
    assert incident.resolved_at == OPENED + dt.timedelta(hours=1)
    assert incident.acknowledged_at == incident.resolved_at


def test_changing_an_sla_target_rederives_the_due_times(vendor):
    target = SLATargetFactory(
        vendor=vendor, priority="P2", response_minutes=60, resolution_minutes=480
    )
    incident = services.incident_save(
        Incident(vendor=vendor, title="Mail delays", priority="P2", opened_at=OPENED)
    )
    target.resolution_minutes = 120
    services.sla_target_save(target)
    incident.refresh_from_db()
    assert incident.resolution_due_at == OPENED + dt.timedelta(hours=2)
    services.sla_target_delete(target)
    incident.refresh_from_db()
    assert incident.resolution_due_at is None


def test_an_incident_upsert_updates_the_existing_external_id(vendor):
    incident, created = services.incident_upsert(
        vendor=vendor, external_id="JIRA-7", title="Outage", priority="P1", opened_at=OPENED
    )
    assert created
    again, created = services.incident_upsert(
        vendor=vendor,
        external_id="JIRA-7",
        title="Outage (root cause known)",
        priority="P1",
        opened_at=OPENED,
        status="resolved",
    )
    assert not created
    assert again.pk == incident.pk
    assert Incident.objects.get().title == "Outage (root cause known)"
    assert Incident.objects.get().resolved_at is not None


def test_an_invalid_upsert_changes_nothing(vendor):
    IncidentFactory(vendor=vendor, external_id="JIRA-8", opened_at=OPENED, title="Original")
    with pytest.raises(ValidationError):
        services.incident_upsert(
            vendor=vendor,
            external_id="JIRA-8",
            title="Changed",
            opened_at=OPENED,
            resolved_at=OPENED - dt.timedelta(hours=1),
        )
    assert Incident.objects.get().title == "Original"


# --- meetings ------------------------------------------------------------------------------


def test_meeting_contacts_must_belong_to_the_meetings_vendor(vendor):
    meeting = MeetingFactory(vendor=vendor)
    stranger = ContactFactory()
    with pytest.raises(ValidationError):
        services.meeting_save(meeting, contacts=[stranger])
    assert meeting.contacts.count() == 0


def test_an_invalid_rrule_is_refused(vendor):
    meeting = MeetingFactory.build(vendor=vendor, recurrence="FREQ=FORTNIGHTLY")
    with pytest.raises(ValidationError) as refused:
        services.meeting_save(meeting)
    assert "recurrence" in refused.value.message_dict


def test_a_meeting_rule_that_never_matches_is_refused(vendor):
    meeting = MeetingFactory.build(vendor=vendor, recurrence="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31")
    with pytest.raises(ValidationError) as refused:
        services.meeting_save(meeting)
    assert "recurrence" in refused.value.message_dict


def test_a_meeting_in_an_unknown_zone_is_refused_on_the_zone_alone(vendor):
    meeting = MeetingFactory.build(vendor=vendor, time_zone="Mars/Olympus")
    with pytest.raises(ValidationError) as refused:
        services.meeting_save(meeting)
    assert set(refused.value.message_dict) == {"time_zone"}
