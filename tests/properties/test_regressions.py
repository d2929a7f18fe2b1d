"""The defects the hostile-value runs found, one readable example each (no hypothesis)."""

import datetime as dt
import json

import pytest
from django.test import Client

from governance import reminders
from governance.models import Incident, Meeting, UserProfile
from tests.api.conftest import token_for
from tests.properties.doors import MEETING_DATA, VENDOR_DATA, form_data, page_forms

pytestmark = pytest.mark.django_db

TOO_BIG_FOR_ANY_KEY = str(2**63)


def signed_in(user, zone="UTC"):
    UserProfile.objects.filter(user=user).update(time_zone=zone)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def api_for(user):
    return Client(
        raise_request_exception=False, headers={"Authorization": f"Token {token_for(user)}"}
    )


@pytest.fixture
def owner_client(world):
    return signed_in(world.people["owner"])


@pytest.fixture
def admin_client(world):
    return signed_in(world.people["admin"])


# --- acknowledging an incident with a ``next`` address ----------------------------------------


@pytest.mark.parametrize(
    "next_address",
    [
        "1900-01-01",
        "incidents",
        "/vendors/\r\nLocation: https://evil.example/",
        "https://evil.example/",
    ],
)
def test_a_next_address_that_is_no_path_of_the_site_returns_to_the_incidents(
    world, owner_client, next_address
):
    vendor, incident = world.own.vendor, world.own.incident
    url = f"/vendors/{vendor.pk}/incidents/{incident.pk}/acknowledge/"

    response = owner_client.post(url, {"next": next_address})

    assert response.status_code == 302
    assert response["Location"] == f"/vendors/{vendor.pk}/#incidents"


def test_a_next_path_of_the_site_is_followed(world, owner_client):
    vendor, incident = world.own.vendor, world.own.incident
    url = f"/vendors/{vendor.pk}/incidents/{incident.pk}/acknowledge/"

    response = owner_client.post(url, {"next": f"/vendors/{vendor.pk}/incidents/?status=open"})

    assert response["Location"] == f"/vendors/{vendor.pk}/incidents/?status=open"


# --- ids that are no ids ---------------------------------------------------------------------


def test_the_admin_answers_an_owner_id_that_is_no_number_with_a_form_error(world, admin_client):
    data = {
        "name": "Admin Networks",
        "owner": "abc",
        "tier": "low",
        "status": "active",
        "time_zone": "UTC",
        "currency": "EUR",
        "renewal_notice_days": "90",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "sla_targets-TOTAL_FORMS": "0",
        "sla_targets-INITIAL_FORMS": "0",
    }

    response = admin_client.post("/admin/governance/vendor/add/", data)

    assert response.status_code == 200
    assert "owner" in response.context["adminform"].form.errors


def test_an_assigned_manager_id_past_64_bits_is_a_form_error(world, owner_client):
    data = {**VENDOR_DATA, "owner": world.people["owner"].pk, "managers": [TOO_BIG_FOR_ANY_KEY]}

    response = owner_client.post("/vendors/new/", data)

    assert response.status_code == 200
    assert "managers" in response.context["form"].errors


@pytest.mark.parametrize("field", ["attendees", "contacts"])
def test_a_meeting_attendee_id_past_64_bits_is_a_form_error(world, owner_client, field):
    vendor, meeting = world.own.vendor, world.own.meeting
    url = f"/vendors/{vendor.pk}/meetings/{meeting.pk}/edit/"

    response = owner_client.post(url, {**MEETING_DATA, field: [TOO_BIG_FOR_ANY_KEY]})

    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_the_admin_answers_an_attendee_id_past_64_bits_with_a_form_error(world, admin_client):
    meeting = world.own.meeting
    data = {
        "vendor": meeting.vendor_id,
        "title": "Sync",
        "kind": "operational",
        "starts_at_0": "2026-03-16",
        "starts_at_1": "09:00:00",
        "time_zone": "UTC",
        "duration_minutes": "30",
        "channel": "video",
        "attendees": [TOO_BIG_FOR_ANY_KEY],
    }

    response = admin_client.post(f"/admin/governance/meeting/{meeting.pk}/change/", data)

    assert response.status_code == 200
    assert "attendees" in response.context["adminform"].form.errors


# --- a moment typed on the window's first day in the farthest zone ---------------------------

# What the web form stores for 1900-01-01 00:00 typed by a user in Etc/GMT-14 (UTC+14).
FIRST_DAY_AT_PLUS_14 = dt.datetime(1899, 12, 31, 10, 0, tzinfo=dt.UTC)


def test_acknowledging_an_incident_the_service_refuses_is_a_message_not_a_server_error(world):
    """Whatever the service refuses, the button answers with its message (it was a 500)."""
    incident = world.own.incident
    Incident.objects.filter(pk=incident.pk).update(opened_at=FIRST_DAY_AT_PLUS_14)
    owner, rep = signed_in(world.people["owner"]), signed_in(world.people["rep"])

    web = owner.post(f"/vendors/{incident.vendor_id}/incidents/{incident.pk}/acknowledge/")
    portal = rep.post(f"/portal/incidents/{incident.pk}/acknowledge/")

    assert (web.status_code, portal.status_code) == (302, 302)


def test_the_web_form_refuses_the_first_day_typed_at_plus_14_which_is_1899_in_utc(world):
    """Stored in UTC it would read as 1899 ever after, and fail every later validation."""
    owner = signed_in(world.people["owner"], zone="Etc/GMT-14")
    data = {"title": "Edge", "external_id": "EDGE-1", "priority": "P1", "service": ""}

    response = owner.post(
        f"/vendors/{world.own.vendor.pk}/incidents/new/",
        {**data, "opened_at": "1900-01-01T00:00", "description": ""},
    )

    assert response.status_code == 200
    assert "between 1900-01-01 and 2199-12-31" in str(response.context["form"].errors)
    assert not Incident.objects.filter(external_id="EDGE-1").exists()


def test_an_incident_opened_on_the_first_day_at_plus_14_can_be_changed_afterwards(world):
    """Stored in UTC, the moment reads as 1899-12-31 ever after: every later full_clean
    refuses the record, whatever field is changed (the API: a 400 on opened_at; the web
    acknowledgement: a refusal)."""
    vendor = world.own.vendor
    owner = signed_in(world.people["owner"], zone="Etc/GMT-14")
    data = {"title": "Edge", "external_id": "EDGE-1", "priority": "P1", "service": ""}
    created = owner.post(
        f"/vendors/{vendor.pk}/incidents/new/",
        {**data, "opened_at": "1900-01-01T00:00", "description": ""},
    )
    if created.status_code != 302:
        return  # refused at the door: nothing stored that could fail later
    incident = Incident.objects.get(external_id="EDGE-1")

    changed = api_for(world.people["owner"]).patch(
        f"/api/v1/incidents/{incident.pk}/",
        json.dumps({"title": "Edge, renamed"}),
        content_type="application/json",
    )
    owner.post(f"/vendors/{vendor.pk}/incidents/{incident.pk}/acknowledge/")

    assert changed.status_code == 200, changed.content
    incident.refresh_from_db()
    assert incident.acknowledged_at is not None


@pytest.mark.parametrize(
    ("zone", "day", "time"),
    [("Etc/GMT-14", "1900-01-01", "00:00"), ("Etc/GMT+12", "2199-12-31", "23:59")],
)
def test_a_meeting_starting_at_the_window_edge_in_a_far_zone_can_be_renamed_through_the_api(
    world, zone, day, time
):
    """Typed in its own zone the start is inside the window; read back in UTC, outside."""
    vendor = world.own.vendor
    owner = signed_in(world.people["owner"])
    data = {**MEETING_DATA, "title": "Edge", "repeat": "", "time_zone": zone}
    created = owner.post(
        f"/vendors/{vendor.pk}/meetings/new/", {**data, "start_date": day, "start_time": time}
    )
    if created.status_code != 302:
        return
    meeting = Meeting.objects.get(title="Edge")

    response = api_for(world.people["owner"]).patch(
        f"/api/v1/meetings/{meeting.pk}/",
        json.dumps({"title": "Edge, renamed"}),
        content_type="application/json",
    )

    assert response.status_code == 200, response.content


# --- reminder lead times a profile holds -----------------------------------------------------


def test_a_lead_time_of_a_million_years_in_one_profile_stops_no_reminder(world, settings):
    """Stored through the admin's profile box, it overflowed the sweep for every user."""
    settings.GOVERNANCE_REMINDER_LEAD_TIMES = {"meeting": ["24h"]}
    viewer = world.people["viewer"]
    UserProfile.objects.filter(user=viewer).update(lead_times={"meeting": [999_999_999]})
    meeting = world.own.meeting
    meeting.attendees.add(world.people["owner"])

    result = reminders.sweep(now=meeting.starts_at + dt.timedelta(days=6), enqueue=False)

    assert result.created >= 1


@pytest.mark.parametrize(
    "lead_times", [{"meeting": [999_999_999]}, {"review_upcoming": [400]}, {"bogus": [1]}]
)
def test_the_admin_refuses_lead_times_the_preferences_page_refuses(world, admin_client, lead_times):
    url = f"/admin/auth/user/{world.people['viewer'].pk}/change/"
    data = form_data(page_forms(admin_client.get(url)))

    response = admin_client.post(url, {**data, "profile-0-lead_times": json.dumps(lead_times)})

    assert response.status_code == 200
    assert UserProfile.objects.get(user=world.people["viewer"]).lead_times != lead_times


# --- admin actions on selected ids ------------------------------------------------------------


@pytest.mark.parametrize("selected", ["abc", "1.5", TOO_BIG_FOR_ANY_KEY])
@pytest.mark.parametrize(
    ("model", "action"),
    [
        ("review", "complete_reviews"),
        ("securityclause", "verify_clauses"),
        ("reminder", "retry_failed"),
        ("vendor", "end_vendors"),
        ("agendaproposal", "accept_proposals"),
    ],
)
def test_an_admin_action_on_an_id_that_is_no_id_changes_nothing_and_says_so(
    world, admin_client, model, action, selected
):
    response = admin_client.post(
        f"/admin/governance/{model}/",
        {"action": action, "_selected_action": [selected], "index": "0"},
        follow=True,
    )

    assert response.status_code == 200
    assert b"Items must be selected" in response.content


# --- a PATCH of a review's scores --------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "missing"),
    [
        ({"score": 1}, {"criterion"}),
        ({"criterion": "quality"}, {"score"}),
        ({}, {"criterion", "score"}),
    ],
)
def test_a_score_patched_without_its_criterion_or_value_is_refused_by_field(world, score, missing):
    """A PATCH is partial down to the nested scores: a score without a criterion was a 500."""
    response = api_for(world.people["owner"]).patch(
        f"/api/v1/reviews/{world.own.next_review.pk}/",
        json.dumps({"scores": [score]}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert set(response.json()["scores"][0]) == missing


# --- the admin's meeting duration ---------------------------------------------------------------


@pytest.mark.parametrize("minutes", ["99999999999999", "1441", "0"])
def test_the_admin_refuses_a_meeting_duration_past_a_day_with_a_form_error(
    world, admin_client, minutes
):
    """Let through to the instance, 10**14 minutes overflowed the page's next occurrences."""
    meeting = world.own.meeting
    data = {
        "vendor": meeting.vendor_id,
        "title": "Sync",
        "kind": "operational",
        "starts_at_0": "2026-03-16",
        "starts_at_1": "09:00:00",
        "time_zone": "UTC",
        "duration_minutes": minutes,
        "channel": "video",
        "recurrence": "FREQ=WEEKLY;BYDAY=MO",
    }

    response = admin_client.post(f"/admin/governance/meeting/{meeting.pk}/change/", data)

    # The model's rule refuses it, on the field; the page, with the meeting's next
    # occurrences as saved, renders.
    assert response.status_code == 200
    assert "duration_minutes" in response.context["adminform"].form.errors
    meeting.refresh_from_db()
    assert meeting.duration_minutes != int(minutes)


# --- lone surrogates in JSON typed into a form --------------------------------------------------


def test_a_lone_surrogate_in_clause_parameters_is_a_form_error(world, owner_client):
    data = {"clause_type": "soc2", "status": "negotiating", "requirement": "", "evidence_url": ""}

    response = owner_client.post(
        f"/vendors/{world.own.vendor.pk}/clauses/new/",
        {**data, "parameters": '{"report": "\\ud800"}'},
    )

    assert response.status_code == 200
    assert "parameters" in response.context["form"].errors
