"""A representative signs off the minutes shared with the vendor in the portal: approves them
or asks for changes (saying which); the answer is on the occurrence and in its history."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from governance import services

pytestmark = pytest.mark.django_db

# The meeting before the world's held one (Monday 2 March, 09:00 in Warsaw).
PREVIOUS = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def sign_off_url(occurrence):
    return reverse(
        "governance:portal:minutes-sign-off", args=[occurrence.meeting_id, occurrence.pk]
    )


def page(portal, occurrence):
    return portal.get(
        reverse("governance:portal:meeting-detail", args=[occurrence.meeting_id])
    ).content.decode()


@pytest.fixture
def shared(world):
    return world.own.occurrence


def test_the_representative_reads_and_approves_shared_minutes(world, portal, shared):
    assert "Acme Hosting backlog reviewed" in page(portal, shared)
    assert "Weekly status by email" in page(portal, shared)

    response = portal.post(sign_off_url(shared), {"decision": "approve"})

    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.minutes_status == "approved"
    assert shared.signed_off_by == world.people["rep"]
    last = shared.history.order_by("-history_id").first()
    assert (last.minutes_status, last.history_user) == ("approved", world.people["rep"])
    assert "Approved by" in page(portal, shared)


def test_asking_for_changes_needs_a_comment_and_writes_nothing_without_one(portal, shared):
    refused = portal.post(sign_off_url(shared), {"decision": "changes", "minutes_comment": " "})

    assert refused.status_code == 200
    assert "Say what should change." in refused.content.decode()
    shared.refresh_from_db()
    assert shared.minutes_status == "shared"

    asked = portal.post(
        sign_off_url(shared),
        {"decision": "changes", "minutes_comment": "Add the patch window decision"},
    )
    assert asked.status_code == 302
    shared.refresh_from_db()
    assert (shared.minutes_status, shared.minutes_comment) == (
        "changes_requested",
        "Add the patch window decision",
    )


def test_draft_minutes_and_another_vendors_are_out_of_reach(world, portal):
    draft = services.occurrence_record(
        services.occurrence_of(world.own.meeting, PREVIOUS), minutes="Draft, not shared"
    )
    theirs = world.other.occurrence

    assert portal.post(sign_off_url(draft), {"decision": "approve"}).status_code == 404
    assert portal.post(sign_off_url(theirs), {"decision": "approve"}).status_code == 404
    assert "Draft, not shared" not in page(portal, draft)
    theirs.refresh_from_db()
    assert theirs.minutes_status == "shared"


def test_internal_users_do_not_sign_off_for_the_vendor(world, shared):
    client = Client()
    client.force_login(world.people["owner"])

    assert client.post(sign_off_url(shared), {"decision": "approve"}).status_code == 403
    shared.refresh_from_db()
    assert shared.minutes_status == "shared"
