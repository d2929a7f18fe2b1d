import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from governance.models import Reminder, Review, SecurityClause
from tests.factories import ClauseFactory, ReviewFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


# --- clauses -------------------------------------------------------------------------------


def clause_payload(vendor, **overrides):
    return {
        "vendor": vendor.pk,
        "clause_type": "breach_notification",
        "requirement": "Notify us of any personal data breach.",
        "parameters": {"notification_hours": 24},
        "status": "agreed",
        "evidence_url": "https://contracts.example.com/msa.pdf",
        "effective_date": "2026-01-01",
        "expires_on": "2028-12-31",
        **overrides,
    }


def test_a_clause_is_created_updated_and_deleted(api, vendor):
    created = api.post("/api/v1/clauses/", clause_payload(vendor), format="json")

    assert created.status_code == 201, created.data
    body = created.json()
    assert body["parameters"] == {"notification_hours": 24}
    assert body["evidence_file"] is None
    url = f"/api/v1/clauses/{body['id']}/"
    verified = api.patch(url, {"status": "verified", "last_verified_on": "2026-02-01"})
    assert verified.status_code == 200
    assert SecurityClause.objects.get().status == "verified"
    assert api.delete(url).status_code == 204


def test_a_vendor_has_one_clause_of_each_type(api, vendor):
    ClauseFactory(vendor=vendor, clause_type="breach_notification")

    response = api.post("/api/v1/clauses/", clause_payload(vendor), format="json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["This vendor already has a clause of this type."]
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("clause_type", "pinky_promise", "not a valid choice"),
        ("status", "signed", "not a valid choice"),
        ("parameters", [24], "Enter a JSON object"),
        ("parameters", "24h", "Enter a JSON object"),
        ("parameters", {"note": "nul\x00"}, "may not contain control characters"),
        ("evidence_url", "contracts/msa.pdf", "valid URL"),
        ("expires_on", "2025-12-31", "cannot expire before it takes effect"),
        ("effective_date", "2026-1-1x", "wrong format"),
    ],
)
def test_invalid_clauses_get_per_field_messages(api, vendor, field, value, message):
    response = api.post("/api/v1/clauses/", clause_payload(vendor, **{field: value}), format="json")

    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert not SecurityClause.objects.exists()


def test_clauses_filter_by_type_status_and_expiry(api, vendor):
    ClauseFactory(vendor=vendor, clause_type="iso27001", expires_on=dt.date(2026, 6, 30))
    ClauseFactory(vendor=vendor, clause_type="soc2", status="negotiating")
    ClauseFactory(vendor=VendorFactory(), clause_type="encryption", expires_on=dt.date(2027, 1, 1))

    def types(query):
        response = api.get("/api/v1/clauses/" + query)
        assert response.status_code == 200, response.data
        return [row["clause_type"] for row in response.json()["results"]]

    assert types("?expires_on__lte=2026-12-31") == ["iso27001"]
    assert types("?expires_on__gte=2026-12-31") == ["encryption"]
    assert types("?status=negotiating") == ["soc2"]
    assert types(f"?vendor={vendor.pk}&clause_type=soc2") == ["soc2"]
    assert types("?ordering=expires_on&expires_on__gte=2000-01-01") == ["iso27001", "encryption"]


# --- reminders -----------------------------------------------------------------------------


def reminder(subject, recipient, **fields):
    return Reminder.objects.create(
        kind=fields.pop("kind", Reminder.Kind.REVIEW_UPCOMING),
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        vendor=fields.pop("vendor", getattr(subject, "vendor", None)),
        occurrence=fields.pop("occurrence", dt.datetime(2026, 4, 15, tzinfo=dt.UTC)),
        lead_time=fields.pop("lead_time", dt.timedelta(days=3)),
        recipient=recipient,
        **fields,
    )


def test_reminders_are_listed_read_only_with_what_they_are_about(api, vendor, owner):
    review = ReviewFactory(vendor=vendor)
    sent = reminder(review, owner, status="sent", sent_at=dt.datetime(2026, 4, 12, tzinfo=dt.UTC))
    reminder(review, owner, kind="review_overdue", status="failed", last_error="SMTP 451")

    listed = api.get("/api/v1/reminders/?status=sent")
    detail = api.get(f"/api/v1/reminders/{sent.pk}/")

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [sent.pk]
    assert detail.json()["subject_type"] == "review"
    assert detail.json()["subject_id"] == review.pk
    assert detail.json()["lead_time"] == "3 00:00:00"
    assert api.get("/api/v1/reminders/?kind=review_overdue").json()["results"][0]["last_error"]
    assert api.post("/api/v1/reminders/", {}).status_code == 405
    assert api.delete(f"/api/v1/reminders/{sent.pk}/").status_code == 405
    assert Reminder.objects.count() == 2


def test_a_users_own_digest_is_listed_but_not_another_users(api, owner, member):
    mine = reminder(owner, owner, kind="digest", vendor=None)
    reminder(member, member, kind="digest", vendor=None)

    listed = api.get("/api/v1/reminders/").json()

    assert [row["id"] for row in listed["results"]] == [mine.pk]


def test_reminders_filter_by_vendor_and_occurrence(api, vendor, owner):
    other = VendorFactory()
    early = reminder(ReviewFactory(vendor=vendor), owner)
    reminder(
        ReviewFactory(vendor=other),
        owner,
        occurrence=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
    )

    by_vendor = api.get(f"/api/v1/reminders/?vendor={vendor.pk}").json()
    by_time = api.get("/api/v1/reminders/?occurrence__lte=2026-05-01T00:00:00Z").json()

    assert [row["id"] for row in by_vendor["results"]] == [early.pk]
    assert [row["id"] for row in by_time["results"]] == [early.pk]
    assert Review.objects.count() == 2


# --- users ---------------------------------------------------------------------------------


def test_active_users_are_listed_for_their_ids(api, owner, member):
    UserFactory(username="left", is_active=False)

    listed = api.get("/api/v1/users/?ordering=username").json()
    searched = api.get("/api/v1/users/?search=memb").json()

    assert [row["username"] for row in listed["results"]] == ["member", "owner"]
    assert searched["results"] == [
        {
            "id": member.pk,
            "username": "member",
            "first_name": "",
            "last_name": "",
            "email": "member@example.com",
        }
    ]
    assert api.get(f"/api/v1/users/{owner.pk}/").json()["username"] == "owner"
