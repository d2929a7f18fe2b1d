import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from governance import services
from governance.models import ActionItem, Review, ReviewScore
from governance.services.reviews import COMPLETE_SEPARATELY
from tests.factories import ReviewFactory, VendorFactory, scored

pytestmark = pytest.mark.django_db

URL = "/api/v1/reviews/"


def review_payload(vendor, **overrides):
    return {
        "vendor": vendor.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "scheduled_for": "2026-04-15",
        "summary": "Solid quarter.",
        "scores": [
            {"criterion": "quality", "score": 4, "comment": "Few defects"},
            {"criterion": "responsiveness", "score": 3},
        ],
        "action_items": [
            {"description": "Share the DR test report", "due_date": "2026-05-01"},
        ],
        **overrides,
    }


def test_a_review_is_created_with_its_scores_and_action_items(api, vendor, owner):
    response = api.post(URL, review_payload(vendor, reviewer=owner.pk), format="json")

    assert response.status_code == 201, response.data
    body = response.json()
    assert body["overall_score"] == "3.50"
    assert body["status"] == "scheduled"
    assert body["reviewer"] == owner.pk
    assert [(s["criterion"], s["score"]) for s in body["scores"]] == [
        ("quality", 4),
        ("responsiveness", 3),
    ]
    assert body["action_items"][0]["description"] == "Share the DR test report"
    assert body["action_items"][0]["status"] == "open"
    assert body["completed_at"] is None


def test_updating_scores_replaces_them_and_omitting_them_keeps_them(api, vendor):
    review_id = api.post(URL, review_payload(vendor), format="json").json()["id"]
    detail = f"{URL}{review_id}/"

    replaced = api.patch(detail, {"scores": [{"criterion": "cost", "score": 5}]}, format="json")
    kept = api.patch(detail, {"summary": "Revised."}, format="json")

    assert replaced.status_code == 200, replaced.data
    assert [s["criterion"] for s in replaced.json()["scores"]] == ["cost"]
    assert replaced.json()["overall_score"] == "5.00"
    assert [s["criterion"] for s in kept.json()["scores"]] == ["cost"]
    assert len(kept.json()["action_items"]) == 1
    assert ReviewScore.objects.count() == 1


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ([{"criterion": "quality", "score": 6}], "less than or equal to 5"),
        ([{"criterion": "quality", "score": 0}], "greater than or equal to 1"),
        ([{"criterion": "quality", "score": "great"}], "valid integer"),
        ([{"criterion": "vibes", "score": 3}], "not a valid choice"),
        (
            [{"criterion": "quality", "score": 3}, {"criterion": "quality", "score": 4}],
            "scored once per review",
        ),
        ({"criterion": "quality", "score": 3}, "Expected a list"),
    ],
)
def test_an_invalid_score_rejects_the_whole_update(api, vendor, scores, message):
    review = ReviewFactory(vendor=vendor, summary="Before")
    services.review_save(review, scores=[{"criterion": "quality", "score": 2, "comment": ""}])

    response = api.patch(
        f"{URL}{review.pk}/", {"summary": "After", "scores": scores}, format="json"
    )

    assert response.status_code == 400
    assert message in str(response.json()["scores"])
    review.refresh_from_db()
    assert review.summary == "Before"
    assert review.overall_score == Decimal("2.00")
    assert list(review.scores.values_list("score", flat=True)) == [2]


def test_an_invalid_action_item_rejects_the_whole_create(api, vendor):
    payload = review_payload(
        vendor, action_items=[{"description": "Do it", "status": "someday", "owner": 424242}]
    )

    response = api.post(URL, payload, format="json")

    assert response.status_code == 400
    assert set(response.json()["action_items"]["0"]) == {"status", "owner"}
    assert not Review.objects.exists()
    assert not ActionItem.objects.exists()


def test_a_period_must_end_after_it_starts(api, vendor):
    payload = review_payload(vendor, period_end="2026-01-01")

    response = api.post(URL, payload, format="json")

    assert response.status_code == 400
    assert response.json() == {"period_end": ["The review period must end after it starts."]}


def test_a_review_is_not_completed_by_editing_its_status(api, vendor):
    review = ReviewFactory(vendor=vendor)

    response = api.patch(f"{URL}{review.pk}/", {"status": "completed"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"status": [COMPLETE_SEPARATELY]}
    review.refresh_from_db()
    assert review.status == "scheduled"


@time_machine.travel(dt.datetime(2026, 4, 20, 10, 0, tzinfo=dt.UTC), tick=False)
def test_completing_a_review_schedules_the_next_one(api, vendor, owner):
    review = ReviewFactory(
        vendor=vendor,
        reviewer=owner,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        scheduled_for=dt.date(2026, 4, 15),
    )
    services.review_save(review, scores=[{"criterion": "quality", "score": 4, "comment": ""}])

    response = api.post(f"{URL}{review.pk}/complete/")

    assert response.status_code == 200, response.data
    body = response.json()
    assert body["review"]["status"] == "completed"
    assert body["review"]["completed_at"] == "2026-04-20T10:00:00Z"
    assert body["review"]["overall_score"] == "4.00"
    # Quarterly vendor: one cadence after the scheduled date, covering the next quarter.
    assert body["next_review"]["scheduled_for"] == "2026-07-15"
    assert body["next_review"]["period_start"] == "2026-04-01"
    assert body["next_review"]["period_end"] == "2026-06-30"
    assert body["next_review"]["reviewer"] == owner.pk
    assert Review.objects.filter(vendor=vendor).count() == 2


def test_a_completed_review_cannot_be_completed_again(api, vendor):
    review = scored(ReviewFactory(vendor=vendor))
    assert api.post(f"{URL}{review.pk}/complete/").status_code == 200

    again = api.post(f"{URL}{review.pk}/complete/")

    assert again.status_code == 400
    assert "already completed" in again.json()["status"][0]
    assert Review.objects.count() == 2


def test_reviews_filter_by_status_vendor_and_scheduled_date(api, vendor):
    other = VendorFactory(name="Zeta Support")
    ReviewFactory(vendor=vendor, scheduled_for=dt.date(2026, 1, 15))
    ReviewFactory(vendor=vendor, scheduled_for=dt.date(2026, 4, 15), status="in_progress")
    ReviewFactory(vendor=other, scheduled_for=dt.date(2026, 7, 15), status="cancelled")

    def dates(query):
        response = api.get(URL + query)
        assert response.status_code == 200, response.data
        return [row["scheduled_for"] for row in response.json()["results"]]

    assert dates("") == ["2026-07-15", "2026-04-15", "2026-01-15"]
    assert dates(f"?vendor={vendor.pk}") == ["2026-04-15", "2026-01-15"]
    assert dates("?status__in=scheduled,in_progress") == ["2026-04-15", "2026-01-15"]
    assert dates("?scheduled_for__gte=2026-02-01&scheduled_for__lte=2026-06-30") == ["2026-04-15"]
    assert dates("?search=zeta") == ["2026-07-15"]
    assert dates("?ordering=scheduled_for") == ["2026-01-15", "2026-04-15", "2026-07-15"]
    assert api.get(URL + "?scheduled_for__gte=2026-13-01").status_code == 400


def test_a_review_is_deleted_with_its_scores(api, vendor):
    review_id = api.post(URL, review_payload(vendor), format="json").json()["id"]

    assert api.delete(f"{URL}{review_id}/").status_code == 204
    assert not ReviewScore.objects.exists()
    assert not ActionItem.objects.exists()
