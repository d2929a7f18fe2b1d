"""A review is completed only when it can stand: scored, its period over, and one review per
stretch of time for a vendor. Each rule is refused at two doors (the web UI and the API) with
the same message, and nothing changes; the web UI asks before completing, since it is final."""

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from governance.models import Review
from tests.api.conftest import client_for
from tests.factories import ReviewFactory, scored

pytestmark = pytest.mark.django_db

# 20 Apr 2026: the first quarter's review (1 Jan - 31 Mar) may be completed; the second's not.
NOW = dt.datetime(2026, 4, 20, 10, tzinfo=dt.UTC)
EN_DASH = "\N{EN DASH}"


@pytest.fixture
def api(owner):
    return client_for(owner)


def complete_url(review):
    return reverse("governance:review-complete", args=[review.vendor_id, review.pk])


def said(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def unchanged(review):
    """The review is as it was, and no next review was scheduled."""
    stored = Review.objects.get(pk=review.pk)
    return (
        stored.status == review.status
        and stored.completed_at is None
        and Review.objects.filter(vendor_id=review.vendor_id).count() == 1
    )


# --- completing with no scores ---------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_review_with_no_scores_is_not_completed_by_the_web_ui(owner_client, vendor):
    review = ReviewFactory(vendor=vendor)

    response = owner_client.post(complete_url(review))

    assert "Score at least one criterion before completing." in said(response)
    assert unchanged(review)


@time_machine.travel(NOW, tick=False)
def test_a_review_with_no_scores_is_not_completed_by_the_api(api, vendor):
    review = ReviewFactory(vendor=vendor)

    response = api.post(f"/api/v1/reviews/{review.pk}/complete/")

    assert response.status_code == 400
    assert response.json()["scores"] == ["Score at least one criterion before completing."]
    assert unchanged(review)


@time_machine.travel(NOW, tick=False)
def test_save_and_complete_without_scores_saves_nothing(owner_client, vendor):
    review = ReviewFactory(vendor=vendor, summary="")
    url = reverse("governance:review-edit", args=[vendor.pk, review.pk])
    data = {
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "scheduled_for": "2026-04-15",
        "status": "in_progress",
        "summary": "Quiet quarter",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "complete": "1",
    }

    response = owner_client.post(url, data)

    assert response.status_code == 200
    assert "Score at least one criterion before completing." in str(response.context["form"].errors)
    review.refresh_from_db()
    assert (review.status, review.summary) == ("scheduled", "")


# --- completing before the period ends -------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_review_whose_period_has_not_ended_is_not_completed_by_the_web_ui(owner_client, vendor):
    review = scored(
        ReviewFactory(
            vendor=vendor, period_start=dt.date(2025, 11, 1), period_end=dt.date(2026, 10, 31)
        )
    )

    response = owner_client.post(complete_url(review))

    assert "The period ends on 31 Oct 2026; complete the review after that." in said(response)
    assert unchanged(review)


@time_machine.travel(NOW, tick=False)
def test_a_review_whose_period_has_not_ended_is_not_completed_by_the_api(api, vendor):
    review = scored(
        ReviewFactory(
            vendor=vendor, period_start=dt.date(2025, 11, 1), period_end=dt.date(2026, 10, 31)
        )
    )

    response = api.post(f"/api/v1/reviews/{review.pk}/complete/")

    assert response.status_code == 400
    assert response.json()["period_end"] == [
        "The period ends on 31 Oct 2026; complete the review after that."
    ]
    assert unchanged(review)


def test_the_period_is_over_on_the_vendors_own_date(api, vendor):
    """The last day of the period is still the period: completing waits for the next day
    where the vendor is (Acme Hosting is in Europe/Warsaw, an hour or two ahead of UTC)."""
    review = scored(ReviewFactory(vendor=vendor, period_end=dt.date(2026, 3, 31)))
    url = f"/api/v1/reviews/{review.pk}/complete/"

    with time_machine.travel(dt.datetime(2026, 3, 31, 21, 59, tzinfo=dt.UTC), tick=False):
        assert api.post(url).status_code == 400  # 23:59 on 31 Mar in Warsaw
    with time_machine.travel(dt.datetime(2026, 3, 31, 22, 1, tzinfo=dt.UTC), tick=False):
        assert api.post(url).status_code == 200  # 00:01 on 1 Apr


# --- a period already reviewed ---------------------------------------------------------------


def review_form(**overrides):
    return {
        "period_start": "2026-10-01",
        "period_end": "2026-12-31",
        "scheduled_for": "2027-01-15",
        "status": "scheduled",
        "summary": "",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        **overrides,
    }


@pytest.mark.parametrize("status", ["scheduled", "in_progress", "completed"])
def test_a_review_overlapping_another_is_refused_by_the_web_ui(owner_client, vendor, status):
    ReviewFactory(
        vendor=vendor,
        period_start=dt.date(2025, 11, 1),
        period_end=dt.date(2026, 10, 31),
        status=status,
        completed_at=NOW if status == "completed" else None,
    )

    response = owner_client.post(
        reverse("governance:review-create", args=[vendor.pk]), review_form()
    )

    assert response.status_code == 200
    assert f"A review of Acme Hosting for 1 Nov 2025 {EN_DASH} 31 Oct 2026 already exists." in str(
        response.context["form"].errors
    )
    assert vendor.reviews.count() == 1


def test_a_review_overlapping_another_is_refused_by_the_api(api, vendor):
    ReviewFactory(
        vendor=vendor, period_start=dt.date(2025, 11, 1), period_end=dt.date(2026, 10, 31)
    )

    response = api.post(
        "/api/v1/reviews/",
        {
            "vendor": vendor.pk,
            "period_start": "2026-10-31",
            "period_end": "2027-01-31",
            "scheduled_for": "2027-02-15",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["period_start"] == [
        f"A review of Acme Hosting for 1 Nov 2025 {EN_DASH} 31 Oct 2026 already exists."
    ]
    assert vendor.reviews.count() == 1


def test_moving_a_review_onto_another_is_refused_but_a_cancelled_one_is_no_obstacle(api, vendor):
    ReviewFactory(vendor=vendor, status="cancelled")  # 1 Jan - 31 Mar 2026
    kept = ReviewFactory(
        vendor=vendor, period_start=dt.date(2026, 4, 1), period_end=dt.date(2026, 6, 30)
    )
    later = ReviewFactory(
        vendor=vendor, period_start=dt.date(2026, 7, 1), period_end=dt.date(2026, 9, 30)
    )

    moved = api.patch(f"/api/v1/reviews/{later.pk}/", {"period_start": "2026-06-30"}, format="json")
    added = api.post(
        "/api/v1/reviews/",
        {
            "vendor": vendor.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "scheduled_for": "2026-04-15",
        },
        format="json",
    )

    assert moved.status_code == 400
    assert "1 Apr " + EN_DASH + " 30 Jun 2026 already exists" in moved.json()["period_start"][0]
    assert Review.objects.get(pk=later.pk).period_start == dt.date(2026, 7, 1)
    assert added.status_code == 201, added.json()
    assert kept.pk != added.json()["id"]


# --- the confirmation --------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_web_ui_asks_before_completing_and_says_what_will_happen(owner_client, vendor):
    review = scored(ReviewFactory(vendor=vendor, reviewer=vendor.owner), score=4)
    detail = owner_client.get(reverse("governance:review-detail", args=[vendor.pk, review.pk]))
    assert f'href="{complete_url(review)}"' in detail.content.decode()

    page = owner_client.get(complete_url(review))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Completing cannot be undone." in html
    assert "from 1 of 6 criteria" in html
    assert 'scheduled for <strong data-testid="next-date">15 Jul 2026</strong>' in html
    assert f"1 Apr {EN_DASH} 30 Jun 2026" in html
    assert Review.objects.get(pk=review.pk).status == "scheduled"  # asking changed nothing
    assert vendor.reviews.count() == 1

    owner_client.post(complete_url(review))

    assert Review.objects.get(pk=review.pk).status == "completed"
    assert vendor.reviews.get(status="scheduled").scheduled_for == dt.date(2026, 7, 15)


@time_machine.travel(NOW, tick=False)
def test_the_confirmation_says_why_a_review_cannot_be_completed_and_offers_no_button(
    owner_client, vendor
):
    review = ReviewFactory(
        vendor=vendor, period_start=dt.date(2026, 4, 1), period_end=dt.date(2026, 6, 30)
    )

    page = owner_client.get(complete_url(review))

    html = page.content.decode()
    assert "Score at least one criterion before completing." in html
    assert "The period ends on 30 Jun 2026; complete the review after that." in html
    assert "Complete the review</button>" not in html


def test_a_completed_review_has_no_confirmation_to_show(owner_client, vendor):
    review = ReviewFactory(vendor=vendor, status="completed", completed_at=NOW)

    page = owner_client.get(complete_url(review))

    assert page.status_code == 302
    assert page.url == reverse("governance:review-detail", args=[vendor.pk, review.pk])
