"""agenda-proposals/ in the API: listed and filtered, proposed by our managers for any meeting
they may see, accepted or declined by the meeting's vendor's managers."""

import pytest

from governance.models import AgendaProposal
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/agenda-proposals/"


def test_the_list_filters_by_meeting_vendor_and_status(world, api):
    own, other = world.own, world.other

    everything = {item["id"] for item in api.get(URL).json()["results"]}
    by_meeting = api.get(f"{URL}?meeting={own.meeting.pk}").json()["results"]
    by_vendor = api.get(f"{URL}?vendor={other.vendor.pk}").json()["results"]

    assert everything == {own.proposal.pk, other.proposal.pk}
    assert [(p["id"], p["vendor"], p["status"]) for p in by_meeting] == [
        (own.proposal.pk, own.vendor.pk, "proposed")
    ]
    assert [p["id"] for p in by_vendor] == [other.proposal.pk]
    assert api.get(f"{URL}?status=accepted").json()["results"] == []
    assert by_meeting[0]["author"] == world.people["rep"].pk


def test_a_manager_proposes_an_item_for_a_meeting_they_may_see(world):
    member = client_for(world.people["member"])

    response = member.post(
        URL, {"meeting": world.own.meeting.pk, "text": "  Capacity for Q3  "}, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["text"], body["status"], body["author"]) == (
        "Capacity for Q3",
        "proposed",
        world.people["member"].pk,
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "No meeting"}, "meeting"),
        ({"meeting": 999999, "text": "x"}, "meeting"),
        ({"meeting": "abc", "text": "x"}, "meeting"),
        ("meeting", "text"),
        ({"meeting": "own", "text": "   "}, "text"),
        ({"meeting": "own", "text": "x" * 4001}, "text"),
        ({"meeting": "own", "text": "bell\x07"}, "text"),
    ],
)
def test_a_bad_proposal_is_400_per_field(world, api, body, field):
    if body == "meeting":
        body = {"meeting": world.own.meeting.pk}
    elif body.get("meeting") == "own":
        body = {**body, "meeting": world.own.meeting.pk}
    before = AgendaProposal.objects.count()

    response = api.post(URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert AgendaProposal.objects.count() == before


def test_the_vendors_manager_accepts_a_proposal_into_the_agenda(world, api):
    proposal = world.own.proposal

    response = api.post(f"{URL}{proposal.pk}/answer/", {"accept": True}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    world.own.meeting.refresh_from_db()
    assert "- Capacity plan" in world.own.meeting.agenda
    again = api.post(f"{URL}{proposal.pk}/answer/", {"accept": False}, format="json")
    assert again.status_code == 400


def test_declining_leaves_the_agenda_alone(world, api):
    proposal = world.own.proposal

    response = api.post(f"{URL}{proposal.pk}/answer/", {"accept": False}, format="json")

    assert response.json()["status"] == "declined"
    world.own.meeting.refresh_from_db()
    assert "Capacity plan" not in world.own.meeting.agenda


@pytest.mark.parametrize("body", [{}, {"accept": "perhaps"}, {"accept": None}])
def test_an_answer_without_a_yes_or_no_is_400(world, api, body):
    response = api.post(f"{URL}{world.own.proposal.pk}/answer/", body, format="json")

    assert response.status_code == 400
    assert "accept" in response.json()


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("viewer", 403), ("rep", 403)])
def test_only_the_vendors_managers_answer(world, role, status):
    response = client_for(world.people[role]).post(
        f"{URL}{world.own.proposal.pk}/answer/", {"accept": True}, format="json"
    )

    assert response.status_code == status
    assert AgendaProposal.objects.get(pk=world.own.proposal.pk).status == "proposed"


def test_proposals_are_not_edited_or_deleted(world, api):
    url = f"{URL}{world.own.proposal.pk}/"

    assert api.patch(url, {"text": "Changed"}, format="json").status_code == 405
    assert api.delete(url).status_code == 405
