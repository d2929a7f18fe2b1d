"""Every invariant holds at the database level: these writes bypass forms and services."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from governance.models import (
    Contact,
    Incident,
    Reminder,
    Review,
    ReviewScore,
    SecurityClause,
    SLATarget,
    Vendor,
)
from tests.factories import (
    ClauseFactory,
    ContactFactory,
    GoalFactory,
    IncidentFactory,
    ReviewFactory,
    SLATargetFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


def assert_refused(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_a_score_outside_1_to_5_is_refused(vendor):
    review = ReviewFactory(vendor=vendor)
    assert_refused(lambda: ReviewScore.objects.create(review=review, criterion="quality", score=6))
    assert_refused(lambda: ReviewScore.objects.create(review=review, criterion="quality", score=0))
    ReviewScore.objects.create(review=review, criterion="quality", score=5)


def test_a_criterion_is_scored_once_per_review(vendor):
    review = ReviewFactory(vendor=vendor)
    ReviewScore.objects.create(review=review, criterion="quality", score=3)
    assert_refused(lambda: ReviewScore.objects.create(review=review, criterion="quality", score=4))


def test_an_unknown_criterion_is_refused(vendor):
    review = ReviewFactory(vendor=vendor)
    assert_refused(lambda: ReviewScore.objects.create(review=review, criterion="vibes", score=4))


def test_a_review_period_must_end_after_it_starts(vendor):
    assert_refused(
        lambda: ReviewFactory(
            vendor=vendor, period_start=dt.date(2026, 3, 31), period_end=dt.date(2026, 1, 1)
        )
    )
    assert_refused(
        lambda: ReviewFactory(
            vendor=vendor, period_start=dt.date(2026, 3, 31), period_end=dt.date(2026, 3, 31)
        )
    )


def test_a_completed_review_records_when(vendor):
    assert_refused(lambda: ReviewFactory(vendor=vendor, status=Review.Status.COMPLETED))


def test_an_overall_score_stays_within_1_to_5(vendor):
    assert_refused(lambda: ReviewFactory(vendor=vendor, overall_score=7))


def test_an_incident_cannot_be_resolved_before_it_was_opened(vendor):
    opened = timezone.now()
    assert_refused(
        lambda: IncidentFactory(
            vendor=vendor, opened_at=opened, resolved_at=opened - dt.timedelta(minutes=1)
        )
    )
    assert_refused(
        lambda: IncidentFactory(
            vendor=vendor, opened_at=opened, acknowledged_at=opened - dt.timedelta(minutes=1)
        )
    )


def test_one_sla_target_per_vendor_and_priority(vendor):
    SLATargetFactory(vendor=vendor, priority="P1")
    assert_refused(lambda: SLATargetFactory(vendor=vendor, priority="P1"))
    SLATargetFactory(vendor=vendor, priority="P2")


def test_an_sla_target_resolves_no_sooner_than_it_responds(vendor):
    assert_refused(
        lambda: SLATarget.objects.create(
            vendor=vendor, priority="P3", response_minutes=60, resolution_minutes=30
        )
    )
    assert_refused(
        lambda: SLATarget.objects.create(
            vendor=vendor, priority="P3", response_minutes=0, resolution_minutes=30
        )
    )


def test_one_external_id_per_vendor(vendor):
    IncidentFactory(vendor=vendor, external_id="INC-1")
    assert_refused(lambda: IncidentFactory(vendor=vendor, external_id="INC-1"))
    # The same key at another vendor is another ticketing system's incident.
    IncidentFactory(vendor=VendorFactory(), external_id="INC-1")
    # Incidents logged by hand carry no external id; many may do so.
    IncidentFactory(vendor=vendor, external_id="")
    IncidentFactory(vendor=vendor, external_id="")


def test_a_reminder_is_unique_per_kind_object_occurrence_lead_time_and_recipient(vendor):
    review = ReviewFactory(vendor=vendor)
    key = {
        "kind": Reminder.Kind.REVIEW_UPCOMING,
        "content_type": ContentType.objects.get_for_model(Review),
        "object_id": review.pk,
        "occurrence": dt.datetime(2026, 4, 15, tzinfo=dt.UTC),
        "lead_time": dt.timedelta(days=3),
        "recipient": vendor.owner,
    }
    Reminder.objects.create(vendor=vendor, **key)
    assert_refused(lambda: Reminder.objects.create(vendor=vendor, **key))
    Reminder.objects.create(vendor=vendor, **{**key, "lead_time": dt.timedelta(days=14)})
    Reminder.objects.create(vendor=vendor, **{**key, "recipient": UserFactory()})


def test_a_sent_reminder_records_when():
    vendor = VendorFactory()
    assert_refused(
        lambda: Reminder.objects.create(
            kind=Reminder.Kind.GOAL_DUE,
            content_type=ContentType.objects.get_for_model(Vendor),
            object_id=vendor.pk,
            vendor=vendor,
            occurrence=timezone.now(),
            lead_time=dt.timedelta(days=7),
            recipient=vendor.owner,
            status=Reminder.Status.SENT,
        )
    )


def test_one_primary_contact_per_vendor(vendor):
    ContactFactory(vendor=vendor, is_primary=True)
    assert_refused(lambda: ContactFactory(vendor=vendor, is_primary=True))
    ContactFactory(vendor=vendor, is_primary=False)


def test_one_clause_per_vendor_and_type(vendor):
    ClauseFactory(vendor=vendor, clause_type="iso27001")
    assert_refused(lambda: ClauseFactory(vendor=vendor, clause_type="iso27001"))


def test_a_clause_cannot_expire_before_it_takes_effect(vendor):
    assert_refused(
        lambda: ClauseFactory(
            vendor=vendor, effective_date=dt.date(2026, 5, 1), expires_on=dt.date(2026, 4, 1)
        )
    )


def test_choice_values_are_enforced_by_the_database(vendor):
    assert_refused(lambda: Vendor.objects.filter(pk=vendor.pk).update(tier="galactic"))
    assert_refused(
        lambda: Incident.objects.create(
            vendor=vendor, title="x", opened_at=timezone.now(), priority="P9"
        )
    )
    assert_refused(lambda: SecurityClause.objects.create(vendor=vendor, clause_type="vibes"))


def test_a_contract_cannot_end_before_it_starts():
    assert_refused(
        lambda: VendorFactory(contract_start=dt.date(2026, 1, 1), contract_end=dt.date(2025, 1, 1))
    )


def test_a_goal_cannot_be_due_before_it_starts(vendor):
    assert_refused(
        lambda: GoalFactory(
            vendor=vendor, start_date=dt.date(2026, 6, 1), due_date=dt.date(2026, 1, 1)
        )
    )


def test_vendor_names_are_unique(vendor):
    assert_refused(lambda: VendorFactory(name=vendor.name))


@pytest.mark.parametrize(
    "make_history",
    [
        lambda v: GoalFactory(vendor=v),
        lambda v: ReviewFactory(vendor=v),
        lambda v: IncidentFactory(vendor=v),
        lambda v: ClauseFactory(vendor=v),
    ],
    ids=["goal", "review", "incident", "clause"],
)
def test_the_database_refuses_to_delete_a_vendor_with_history(vendor, make_history):
    make_history(vendor)
    with pytest.raises(ProtectedError), transaction.atomic():
        vendor.delete()
    assert Vendor.objects.filter(pk=vendor.pk).exists()


def test_a_vendor_without_history_deletes_with_its_contacts(vendor):
    ContactFactory(vendor=vendor)
    vendor.delete()
    assert not Contact.objects.exists()
