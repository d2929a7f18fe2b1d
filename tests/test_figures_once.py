"""Derived figures are refreshed once per use case per vendor, inside its transaction."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from governance import services
from governance.models import VendorFigures
from governance.services import figures
from tests.factories import ClauseFactory, IncidentFactory, ReviewFactory, VendorFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
SCORES = [
    {"criterion": criterion, "score": 4, "comment": ""}
    for criterion in ("quality", "responsiveness", "communication", "security", "cost")
]


@pytest.fixture
def refreshes(monkeypatch):
    """The vendor ids of each ``figures.refresh`` call, in order."""
    calls = []
    real = figures.refresh

    def spy(vendor_ids, **kwargs):
        calls.append(sorted(vendor_ids))
        return real(vendor_ids, **kwargs)

    monkeypatch.setattr(figures, "refresh", spy)
    return calls


def scheduled_review(vendor):
    return services.review_save(
        ReviewFactory.build(
            vendor=vendor,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 3, 31),
            scheduled_for=dt.date(2026, 4, 15),
            reviewer=vendor.owner,
        ),
        scores=SCORES,
    )


def test_completing_a_review_refreshes_its_vendor_once(refreshes):
    vendor = VendorFactory()
    review = scheduled_review(vendor)
    refreshes.clear()

    # The review, its successor and the overall score are all written: one refresh.
    with time_machine.travel(dt.datetime(2026, 4, 20, 12, tzinfo=UTC), tick=False):
        services.review_complete(review)

    assert refreshes == [[vendor.pk]]
    assert VendorFigures.objects.get(vendor=vendor).next_review_date == dt.date(2026, 7, 15)


def test_saving_a_review_with_its_scores_refreshes_once_and_shows_the_score(refreshes):
    vendor = VendorFactory()
    refreshes.clear()
    with time_machine.travel(dt.datetime(2026, 4, 20, 12, tzinfo=UTC), tick=False):
        scheduled_review(vendor)
        services.review_complete(vendor.reviews.get())

    assert refreshes == [[vendor.pk], [vendor.pk]]
    assert VendorFigures.objects.get(vendor=vendor).latest_score == 4


def test_a_refused_use_case_refreshes_nothing(refreshes):
    vendor = VendorFactory()
    review = scheduled_review(vendor)
    services.review_complete(review)
    refreshes.clear()

    with pytest.raises(ValidationError):
        services.review_complete(review)  # already completed

    assert refreshes == []


def test_writes_outside_a_use_case_refresh_at_once():
    """The admin's bulk delete and cascades do not go through a use case: still fresh."""
    vendor = VendorFactory(tier="low")
    ClauseFactory(vendor=vendor, clause_type="confidentiality", status="verified")
    IncidentFactory(vendor=vendor)
    covered = VendorFigures.objects.get(vendor=vendor).clauses_covered

    vendor.clauses.all().delete()

    assert covered == 1
    assert VendorFigures.objects.get(vendor=vendor).clauses_covered == 0
