"""The domain's rules at the API door: each answers 400 on its own field and stores nothing.

The serializers state none of these rules; the models do (validators, ``clean()``,
constraints reported on their field), and the services' ``full_clean`` applies them. So a rule
added to a model alone reaches the API too, as the last tests show.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from governance import services
from governance.models import (
    ActionItem,
    Contact,
    Goal,
    Incident,
    Meeting,
    Review,
    Role,
    SLATarget,
    Vendor,
)
from tests.factories import IncidentFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer", role=Role.VIEWER)


@pytest.fixture
def representative(vendor):
    user = UserFactory(username="rep")
    services.user_role_set(user, role=Role.VENDOR_REP, vendor=vendor)
    return user


def refused(response, field, message):
    """The response is a 400 whose only key is ``field``, with ``message`` among its messages."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body) == [field], body
    assert message in body[field], body


# --- rules the API alone stated, now the models' ---------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_an_incident_resolved_in_the_future_is_refused_and_nothing_changes(api, vendor):
    incident = IncidentFactory(vendor=vendor, external_id="INC-7", opened_at=NOW)
    tomorrow = "2026-05-05T12:00:00Z"

    patched = api.patch(f"/api/v1/incidents/{incident.pk}/", {"resolved_at": tomorrow})
    upserted = api.post(
        "/api/v1/incidents/",
        {
            "vendor": vendor.pk,
            "external_id": "INC-7",
            "title": "Resolved tomorrow",
            "opened_at": "2026-05-04T12:00:00Z",
            "status": "resolved",
            "resolved_at": tomorrow,
        },
        format="json",
    )
    created = api.post(
        "/api/v1/incidents/",
        {
            "vendor": vendor.pk,
            "external_id": "INC-8",
            "title": "Resolved tomorrow",
            "opened_at": "2026-05-04T12:00:00Z",
            "resolved_at": tomorrow,
        },
        format="json",
    )

    for response in (patched, upserted, created):
        refused(response, "resolved_at", "Cannot be in the future.")
    incident.refresh_from_db()
    assert (incident.resolved_at, incident.title) == (None, "Service outage")
    assert Incident.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_resolution_a_few_minutes_ahead_is_a_clock_and_is_kept(api, vendor):
    incident = IncidentFactory(vendor=vendor, opened_at=NOW - dt.timedelta(hours=1))

    response = api.patch(
        f"/api/v1/incidents/{incident.pk}/", {"resolved_at": "2026-05-04T12:04:00Z"}
    )

    assert response.status_code == 200, response.data
    assert response.json()["resolved_at"] == "2026-05-04T12:04:00Z"


def test_only_a_manager_or_an_administrator_owns_a_vendor(api, vendor, viewer):
    created = api.post("/api/v1/vendors/", {"name": "Viewer's", "owner": viewer.pk})
    handed_over = api.patch(f"/api/v1/vendors/{vendor.pk}/", {"owner": viewer.pk})

    for response in (created, handed_over):
        refused(response, "owner", "Only a manager or an administrator can own a vendor.")
    assert not Vendor.objects.filter(name="Viewer's").exists()
    vendor.refresh_from_db()
    assert vendor.owner.username == "owner"


def test_a_goal_is_owned_by_an_internal_user(api, vendor, representative):
    response = api.post(
        "/api/v1/goals/",
        {
            "vendor": vendor.pk,
            "title": "Faster fixes",
            "metric": "MTTR",
            "target_value": "4",
            "due_date": "2026-12-31",
            "owner": representative.pk,
        },
        format="json",
    )

    refused(response, "owner", "Choose an internal user as the goal's owner.")
    assert not Goal.objects.exists()


def test_a_review_is_reviewed_by_an_internal_user(api, vendor, representative):
    review = ReviewFactory(vendor=vendor)

    response = api.patch(f"/api/v1/reviews/{review.pk}/", {"reviewer": representative.pk})

    refused(response, "reviewer", "Choose an internal user as the reviewer.")
    review.refresh_from_db()
    assert review.reviewer is None


def test_meeting_attendees_are_internal_users(api, vendor, owner, representative):
    response = api.post(
        "/api/v1/meetings/",
        {
            "vendor": vendor.pk,
            "title": "Kick-off",
            "starts_at": "2026-04-01T09:00:00Z",
            "attendees": [owner.pk, representative.pk],
        },
        format="json",
    )

    refused(response, "attendees", "Only internal users can attend: rep.")
    assert not Meeting.objects.exists()


def test_an_action_item_owner_is_refused_beside_its_row(api, vendor, viewer):
    deactivated = UserFactory(username="gone")
    deactivated.is_active = False
    deactivated.save()

    response = api.post(
        "/api/v1/reviews/",
        {
            "vendor": vendor.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "scheduled_for": "2026-04-15",
            "action_items": [
                {"description": "Share the DR report", "owner": viewer.pk},
                {"description": "Renew the certificate", "owner": deactivated.pk},
            ],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "action_items": [
            {},
            {"owner": ["Choose an internal user or a representative of this item's vendor."]},
        ]
    }
    assert not Review.objects.exists()
    assert not ActionItem.objects.exists()


def test_a_criterion_scored_twice_is_refused_under_scores(api, vendor):
    review = ReviewFactory(vendor=vendor)

    response = api.patch(
        f"/api/v1/reviews/{review.pk}/",
        {"scores": [{"criterion": "cost", "score": 4}, {"criterion": "cost", "score": 2}]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "scores": [{}, {"criterion": ["Each criterion is scored once per review."]}]
    }
    assert not review.scores.exists()


# --- constraints, reported on the field they are about ----------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"priority": "P1", "response_minutes": 0, "resolution_minutes": 60},
            "response_minutes",
            "Response and resolution take at least one minute.",
        ),
        (
            {"priority": "P1", "response_minutes": 90, "resolution_minutes": 60},
            "resolution_minutes",
            "Resolution cannot be due before the response.",
        ),
    ],
)
def test_an_sla_target_constraint_is_a_field_error(api, vendor, body, field, message):
    response = api.post("/api/v1/sla-targets/", {"vendor": vendor.pk, **body}, format="json")

    assert response.status_code == 400
    assert message in response.json()[field]
    assert "non_field_errors" not in response.json()
    assert not SLATarget.objects.exists()


def test_a_vendor_with_a_negative_annual_value_is_refused_on_that_field(api):
    response = api.post("/api/v1/vendors/", {"name": "Cheap", "annual_value": "-1.00"})

    refused(response, "annual_value", "The annual value cannot be negative.")
    assert not Vendor.objects.exists()


def test_a_meeting_longer_than_a_day_is_refused_on_its_duration(api, vendor):
    response = api.post(
        "/api/v1/meetings/",
        {
            "vendor": vendor.pk,
            "title": "Offsite",
            "starts_at": "2026-04-01T09:00:00Z",
            "duration_minutes": 24 * 60 + 1,
        },
        format="json",
    )

    refused(response, "duration_minutes", "A meeting lasts between 1 minute and 24 hours.")
    assert not Meeting.objects.exists()


# --- a rule the domain alone states reaches the API -------------------------------------------

NEW_RULE = "Representatives of this vendor are called by their full name."


def _short_names_refused(contact):
    if len(contact.name) < 3:
        raise ValidationError({"name": NEW_RULE})


def test_a_rule_added_to_a_model_alone_answers_400_on_its_field(api, vendor, monkeypatch):
    monkeypatch.setattr(Contact, "clean", _short_names_refused)
    kept = Contact.objects.create(vendor=vendor, name="Jan Kowalski")

    created = api.post("/api/v1/contacts/", {"vendor": vendor.pk, "name": "JK"})
    patched = api.patch(f"/api/v1/contacts/{kept.pk}/", {"name": "JK"})
    replaced = api.put(f"/api/v1/contacts/{kept.pk}/", {"vendor": vendor.pk, "name": "JK"})

    for response in (created, patched, replaced):
        assert response.status_code == 400
        assert response.json() == {"name": [NEW_RULE]}
    assert list(Contact.objects.values_list("name", flat=True)) == ["Jan Kowalski"]


def test_a_rule_added_to_a_nested_rows_model_answers_beside_the_row(api, vendor, monkeypatch):
    def no_friday_deadlines(item):
        if item.due_date is not None and item.due_date.weekday() == 4:
            raise ValidationError({"due_date": "No deadlines on a Friday."})

    monkeypatch.setattr(ActionItem, "clean", no_friday_deadlines)
    review = ReviewFactory(vendor=vendor, summary="Before")

    response = api.patch(
        f"/api/v1/reviews/{review.pk}/",
        {
            "summary": "After",
            "action_items": [
                {"description": "Monday", "due_date": "2026-05-04"},
                {"description": "Friday", "due_date": "2026-05-08"},
            ],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"action_items": [{}, {"due_date": ["No deadlines on a Friday."]}]}
    review.refresh_from_db()
    assert review.summary == "Before"
    assert not review.action_items.exists()
