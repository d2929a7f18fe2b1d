"""A review's dispute is answered by the vendor's managers (upheld or revised, saying why), at
the review page and through the API; refused unless open and with an answer."""

import pytest

from governance.models import Review
from tests.api.conftest import client_for
from tests.inbox.conftest import signed_in

pytestmark = pytest.mark.django_db


def answer_url(review):
    return f"/vendors/{review.vendor_id}/reviews/{review.pk}/answer-dispute/"


def review_url(review):
    return f"/vendors/{review.vendor_id}/reviews/{review.pk}/"


def test_the_review_page_shows_the_open_dispute_and_the_form_to_answer(world, web):
    disputed = world.own.disputed

    body = web.get(review_url(disputed)).content.decode()

    assert 'data-testid="open-dispute"' in body
    assert "We dispute the innovation score." in body
    assert answer_url(disputed) in body
    lists = web.get(f"/vendors/{disputed.vendor_id}/reviews/").content.decode()
    assert 'data-testid="disputed-badge"' in lists
    assert (
        'data-testid="disputed-badge"'
        in web.get(f"/vendors/{disputed.vendor_id}/").content.decode()
    )


def test_a_read_only_user_sees_the_dispute_without_the_form(world):
    disputed = world.own.disputed
    body = signed_in(world.people["viewer"]).get(review_url(disputed)).content.decode()

    assert "We dispute the innovation score." in body
    assert answer_url(disputed) not in body


def test_the_manager_answers_the_dispute_at_the_review_page(world, web, portal):
    disputed = world.own.disputed

    response = web.post(
        answer_url(disputed), {"outcome": "upheld", "dispute_answer": "The score stands: no pilot."}
    )

    assert response.status_code == 302
    disputed.refresh_from_db()
    assert disputed.dispute_status == Review.DisputeStatus.UPHELD
    assert disputed.dispute_answer == "The score stands: no pilot."
    assert disputed.dispute_answered_by == world.people["owner"]
    assert disputed.dispute_answered_at is not None
    latest = disputed.history.latest()
    assert (latest.dispute_status, latest.history_user) == ("upheld", world.people["owner"])
    page = web.get(review_url(disputed)).content.decode()
    assert 'data-testid="dispute-answer"' in page
    assert 'data-testid="open-dispute"' not in page
    seen = portal.get(f"/portal/reviews/{disputed.pk}/").content.decode()
    assert "The score stands: no pilot." in seen
    assert "Answered: the outcome stands" in seen


def test_an_empty_answer_is_refused_on_the_form(world, web):
    disputed = world.own.disputed

    response = web.post(answer_url(disputed), {"outcome": "revised", "dispute_answer": "   "})

    assert response.status_code == 200
    assert response.context["dispute_form"].errors["dispute_answer"]
    disputed.refresh_from_db()
    assert disputed.dispute_status == Review.DisputeStatus.OPEN


def test_a_dispute_already_answered_is_not_answered_again(world, web):
    disputed = world.own.disputed
    web.post(answer_url(disputed), {"outcome": "upheld", "dispute_answer": "Stands."})

    response = web.post(
        answer_url(disputed), {"outcome": "revised", "dispute_answer": "Oops."}, follow=True
    )

    assert response.status_code == 200
    assert "Only an open dispute can be answered." in response.content.decode()
    disputed.refresh_from_db()
    assert (disputed.dispute_status, disputed.dispute_answer) == ("upheld", "Stands.")


def test_a_review_never_disputed_cannot_be_answered(world, web):
    response = web.post(
        answer_url(world.own.review),
        {"outcome": "upheld", "dispute_answer": "Stands."},
        follow=True,
    )

    assert response.status_code == 200
    assert "Only an open dispute can be answered." in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("viewer", 403), ("rep", 403)])
def test_only_the_vendors_managers_answer(world, role, status):
    response = signed_in(world.people[role]).post(
        answer_url(world.own.disputed), {"outcome": "upheld", "dispute_answer": "Mine."}
    )

    assert response.status_code == status
    assert Review.objects.get(pk=world.own.disputed.pk).dispute_status == "open"


def test_the_api_answers_a_dispute_and_shows_it(world, api):
    disputed = world.own.disputed
    assert api.get(f"/api/v1/reviews/{disputed.pk}/").json()["dispute_status"] == "open"

    response = api.post(
        f"/api/v1/reviews/{disputed.pk}/answer-dispute/",
        {"outcome": "revised", "answer": "Innovation is now 4."},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dispute_status"] == "revised"
    assert body["dispute_answer"] == "Innovation is now 4."
    assert body["dispute_answered_by"] == world.people["owner"].pk
    assert body["dispute_answered_at"]
    assert body["vendor_comment"] == "We dispute the innovation score."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"outcome": "revised", "answer": ""}, "answer"),
        ({"outcome": "revised", "answer": "  "}, "answer"),
        ({"outcome": "open", "answer": "x"}, "outcome"),
        ({"outcome": ["upheld"], "answer": "x"}, "outcome"),
        ({"outcome": "upheld"}, "answer"),
        ({"outcome": "upheld", "answer": "x" * 4001}, "answer"),
    ],
)
def test_the_api_refuses_a_bad_answer_per_field(world, api, body, field):
    response = api.post(
        f"/api/v1/reviews/{world.own.disputed.pk}/answer-dispute/", body, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert Review.objects.get(pk=world.own.disputed.pk).dispute_status == "open"


def test_the_api_refuses_a_dispute_not_open(world, api):
    response = api.post(
        f"/api/v1/reviews/{world.own.review.pk}/answer-dispute/",
        {"outcome": "upheld", "answer": "Stands."},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["dispute_status"] == ["Only an open dispute can be answered."]


def test_the_api_refuses_managers_of_other_vendors(world):
    response = client_for(world.people["member"]).post(
        f"/api/v1/reviews/{world.own.disputed.pk}/answer-dispute/",
        {"outcome": "upheld", "answer": "Mine."},
        format="json",
    )

    assert response.status_code == 403
