"""Reviews in the admin: scores set the overall score; completing is the action's to do."""

import datetime as dt
from decimal import Decimal

import pytest

from governance import services
from governance.models import Review
from tests.admin.helpers import admin_url, messages_of
from tests.factories import ReviewFactory, VendorFactory, scored

pytestmark = pytest.mark.django_db


def _review_form(vendor, scores, **overrides):
    data = {
        "vendor": vendor.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "scheduled_for": "2026-04-15",
        "status": "scheduled",
        "reviewer": "",
        "summary": "Solid quarter.",
        "scores-TOTAL_FORMS": "6",
        "scores-INITIAL_FORMS": "0",
        "action_items-TOTAL_FORMS": "1",
        "action_items-INITIAL_FORMS": "0",
        "action_items-0-description": "Publish the patch calendar",
        "action_items-0-due_date": "2026-05-15",
        "action_items-0-status": "open",
    }
    criteria = ["quality", "responsiveness", "communication", "security", "cost", "innovation"]
    for index, criterion in enumerate(criteria):
        data[f"scores-{index}-criterion"] = criterion
        data[f"scores-{index}-score"] = str(scores.get(criterion, ""))
    data.update(overrides)
    return data


def _saved_score_form(vendor, review, score, **overrides):
    """The change form of ``review`` with its one saved score in row 0 (rows 1-5 blank)."""
    return _review_form(
        vendor,
        {},
        **{
            "scores-TOTAL_FORMS": "6",
            "scores-INITIAL_FORMS": "1",
            "scores-0-id": str(score.pk),
            "scores-0-review": str(review.pk),
            "scores-0-criterion": score.criterion,
            "scores-0-score": str(score.score),
            "action_items-TOTAL_FORMS": "0",
            **overrides,
        },
    )


def test_saving_a_review_with_scores_sets_its_overall_score(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    # Two criteria left blank: those rows are skipped, not "required".
    scores = {"quality": 4, "responsiveness": 5, "communication": 3, "security": 3}

    response = admin_client.post(admin_url(Review, "add"), _review_form(vendor, scores))

    assert response.status_code == 302
    review = Review.objects.get(vendor=vendor)
    assert review.scores.count() == 4
    assert review.overall_score == Decimal("3.75")
    assert review.action_items.get().description == "Publish the patch calendar"


def test_changing_a_score_in_the_admin_updates_the_overall_score(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    review = ReviewFactory(vendor=vendor)
    services.review_save(review, scores=[{"criterion": "quality", "score": 2}])
    data = _saved_score_form(vendor, review, review.scores.get(), **{"scores-0-score": "5"})

    response = admin_client.post(admin_url(Review, "change", review.pk), data)

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.overall_score == Decimal("5.00")


def test_deleting_the_last_score_in_the_admin_clears_the_overall_score(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    review = ReviewFactory(vendor=vendor)
    services.review_save(review, scores=[{"criterion": "quality", "score": 2}])
    data = _saved_score_form(vendor, review, review.scores.get(), **{"scores-0-DELETE": "on"})

    response = admin_client.post(admin_url(Review, "change", review.pk), data)

    assert response.status_code == 302
    review.refresh_from_db()
    assert not review.scores.exists()
    assert review.overall_score is None


def test_the_review_form_leaves_completing_to_the_action(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)

    page = admin_client.get(admin_url(Review, "add"))
    response = admin_client.post(
        admin_url(Review, "add"), _review_form(vendor, {"quality": 4}, status="completed")
    )

    status = page.context["adminform"].form.fields["status"]
    assert Review.Status.COMPLETED not in dict(status.choices)
    assert "Complete selected reviews" in status.help_text
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Review.objects.exists()


def test_the_complete_action_completes_and_schedules_the_next_review(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user, review_cadence="quarterly")
    review = ReviewFactory(vendor=vendor, scheduled_for=dt.date(2026, 4, 15))
    services.review_save(review, scores=[{"criterion": "quality", "score": 4}])

    response = admin_client.post(
        admin_url(Review, "changelist"),
        {"action": "complete_reviews", "_selected_action": [review.pk]},
        follow=True,
    )

    review.refresh_from_db()
    assert review.status == Review.Status.COMPLETED
    assert review.completed_at is not None
    following = vendor.reviews.get(status=Review.Status.SCHEDULED)
    assert following.period_start == dt.date(2026, 4, 1)
    assert "Completed 1 review(s)" in messages_of(response)[0]


def test_completing_an_already_completed_review_warns_instead_of_failing(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    review = scored(ReviewFactory(vendor=vendor))
    services.review_complete(review)

    response = admin_client.post(
        admin_url(Review, "changelist"),
        {"action": "complete_reviews", "_selected_action": [review.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "already completed" in messages_of(response)[0]
