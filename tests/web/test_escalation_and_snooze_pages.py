"""The escalation matrix in the workspace, on its page and in the portal; snoozing from the
UI and the "My snoozes" page (issue 15)."""

import pytest

from governance.models import EscalationContact, Snooze
from tests import world as the_world

pytestmark = pytest.mark.django_db
_frozen_time = the_world._frozen_time
_fresh_throttle_counts = the_world._fresh_throttle_counts


@pytest.fixture
def world(owner, member, vendor):
    return the_world.build(owner, member, vendor)


def signed_in(client, world, name):
    client.force_login(world.people[name])
    return client


# --- escalation matrix -----------------------------------------------------------------------


def test_the_workspace_shows_the_matrix_by_topic_and_level_with_how_to_reach_people(world, client):
    vendor = world.own.vendor
    page = signed_in(client, world, "viewer").get(f"/vendors/{vendor.pk}/").content.decode()

    section = page.split('id="escalation"')[1].split("</section>")[0]
    assert "Security" in section and "2 · Management" in section
    assert "mailto:owner@example.com" in section and "On call" in section
    assert world.own.contact.name in section and "Vendor's side" in section
    assert "Edit the matrix" not in section  # a viewer reads only


def test_an_editor_adds_a_person_to_the_matrix(world, client):
    vendor = world.own.vendor
    client = signed_in(client, world, "owner")

    response = client.post(
        f"/vendors/{vendor.pk}/escalation/",
        {
            "topic": "commercial",
            "level": "3",
            "side": "vendor",
            "contact": world.own.contact.pk,
            "response_minutes": "240",
            "reach": "+48 600 000 000",
        },
    )

    assert response.status_code == 302
    entry = vendor.escalations.get(topic="commercial")
    assert (entry.level, entry.contact, entry.response_minutes) == (3, world.own.contact, 240)


def test_an_invalid_entry_shows_the_domains_errors_on_its_fields_and_nothing_is_written(
    world, client
):
    vendor = world.own.vendor
    client = signed_in(client, world, "owner")
    before = EscalationContact.objects.count()

    wrong_side = client.post(
        f"/vendors/{vendor.pk}/escalation/",
        {"topic": "service", "level": "1", "side": "ours", "contact": world.own.contact.pk},
    )
    twice = client.post(
        f"/vendors/{vendor.pk}/escalation/",
        {"topic": "security", "level": "2", "side": "ours", "user": world.people["owner"].pk},
    )
    foreign = client.post(
        f"/vendors/{vendor.pk}/escalation/",
        {"topic": "service", "level": "1", "side": "vendor", "contact": world.other.contact.pk},
    )

    assert wrong_side.context["form"].errors["contact"][0].startswith("Our side names one of")
    assert twice.context["form"].errors["user"] == [
        "This person is already at this level for this topic."
    ]
    assert "contact" in foreign.context["form"].errors
    assert EscalationContact.objects.count() == before


def test_an_editor_removes_an_entry_but_not_through_another_vendor(world, client):
    client = signed_in(client, world, "owner")
    own, other = world.own, world.other

    refused = client.post(f"/vendors/{own.vendor.pk}/escalation/{other.escalation.pk}/delete/")
    removed = client.post(f"/vendors/{own.vendor.pk}/escalation/{own.escalation.pk}/delete/")

    assert refused.status_code == 404
    assert removed.status_code == 302
    assert not EscalationContact.objects.filter(pk=own.escalation.pk).exists()
    assert EscalationContact.objects.filter(pk=other.escalation.pk).exists()


@pytest.mark.parametrize("name", ["viewer", "member", "rep"])
def test_who_may_not_change_the_matrix_is_refused(world, client, name):
    client = signed_in(client, world, name)
    vendor = world.own.vendor

    opened = client.get(f"/vendors/{vendor.pk}/escalation/")
    removed = client.post(f"/vendors/{vendor.pk}/escalation/{world.own.escalation.pk}/delete/")

    assert (opened.status_code, removed.status_code) == (403, 403)
    assert EscalationContact.objects.filter(pk=world.own.escalation.pk).exists()


def test_a_representative_reads_their_own_vendors_matrix_in_the_portal(world, client):
    page = signed_in(client, world, "rep").get("/portal/escalation/").content.decode()

    assert "mailto:owner@example.com" in page and world.own.contact.name in page
    assert world.other.contact.name not in page
    assert "INTERNAL-NOTE" not in page
    assert 'href="/portal/escalation/"' in page
    assert signed_in(client, world, "owner").get("/portal/escalation/").status_code == 403


# --- snoozes ---------------------------------------------------------------------------------


def test_snoozing_an_action_item_from_the_register(world, client):
    client = signed_in(client, world, "viewer")
    item = world.own.follow_up

    response = client.post(
        "/snooze/",
        {
            "subject_type": "action_item",
            "subject_id": item.pk,
            "until": "2026-03-20",
            "note": "After the QBR",
            "next": "/action-items/",
        },
    )

    assert response.status_code == 302 and response["Location"] == "/action-items/"
    snooze = Snooze.objects.get(user=world.people["viewer"], object_id=item.pk)
    assert (str(snooze.until), snooze.note, snooze.vendor) == (
        "2026-03-20",
        "After the QBR",
        world.own.vendor,
    )


def test_an_invalid_snooze_shows_its_errors_on_the_fields_and_nothing_is_written(world, client):
    client = signed_in(client, world, "viewer")
    incident = world.own.incident

    today = client.post(
        "/snooze/", {"subject_type": "incident", "subject_id": incident.pk, "until": "2026-03-10"}
    )
    unknown = client.post(
        "/snooze/", {"subject_type": "incident", "subject_id": 10**9, "until": "2026-03-20"}
    )
    junk = client.post("/snooze/", {"subject_type": "vendor_x", "subject_id": "x", "until": ""})

    assert today.context["form"].errors == {"until": ["Snooze until a day after today."]}
    assert unknown.context["form"].errors == {"subject_id": ["No such record."]}
    assert set(junk.context["form"].errors) == {"subject_type", "subject_id", "until"}
    assert not Snooze.objects.filter(user=world.people["viewer"]).exists()


def test_a_representative_cannot_snooze(world, client):
    client = signed_in(client, world, "rep")

    response = client.post(
        "/snooze/",
        {"subject_type": "incident", "subject_id": world.own.incident.pk, "until": "2026-03-20"},
    )

    assert response.status_code == 403
    assert not Snooze.objects.filter(user=world.people["rep"]).exists()


def test_my_snoozes_lists_only_mine_and_ends_one(world, client):
    client = signed_in(client, world, "owner")
    mine, theirs = world.own.snooze, world.other.snooze

    page = client.get("/account/snoozes/")
    refused = client.post(f"/account/snoozes/{theirs.pk}/end/")
    ended = client.post(f"/account/snoozes/{mine.pk}/end/")

    assert [row.pk for row in page.context["rows"]] == [mine.pk]
    assert "Waiting on the vendor" in page.content.decode()
    assert refused.status_code == 404
    assert ended.status_code == 302
    assert not Snooze.objects.filter(pk=mine.pk).exists()
    assert Snooze.objects.filter(pk=theirs.pk).exists()


def test_the_snooze_control_is_on_incidents_and_the_preferences_link_my_snoozes(world, client):
    client = signed_in(client, world, "owner")
    vendor = world.own.vendor

    incidents = client.get(f"/vendors/{vendor.pk}/incidents/").content.decode()
    preferences = client.get("/account/preferences/").content.decode()

    assert 'name="subject_type" value="incident"' in incidents
    assert f'name="subject_id" value="{world.own.incident.pk}"' in incidents
    assert 'href="/account/snoozes/"' in preferences
