"""Meeting occurrences and decisions through the API: the services' rules as 400s per field
with nothing written, the actions, the filters, the schedule following the records."""

import datetime as dt

import pytest
import time_machine

from governance import services
from governance.models import Decision, MeetingOccurrence, Role
from tests.api.conftest import client_for
from tests.factories import MeetingFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

FIRST = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
SECOND = dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.UTC)
THIRD = dt.datetime(2026, 3, 16, 8, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
URL = "/api/v1/meeting-occurrences/"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api(owner):
    return client_for(owner)


@pytest.fixture
def meeting(vendor):
    return MeetingFactory(vendor=vendor, starts_at=FIRST)


def iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def create(api, meeting, original_start, **fields):
    return api.post(
        URL, {"meeting": meeting.pk, "original_start": iso(original_start), **fields}, format="json"
    )


def test_a_held_occurrence_is_recorded_with_minutes_and_attendance(api, meeting, owner):
    answer = create(
        api, meeting, SECOND, status="held", minutes="Agreed the plan.", attendees=[owner.pk]
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["status"] == "held"
    assert body["minutes_status"] == "draft"
    assert body["attendees"] == [owner.pk]
    assert body["vendor"] == meeting.vendor_id
    assert body["scheduled_start"] == iso(SECOND)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"original_start": iso(SECOND + dt.timedelta(hours=1))}, "original_start"),
        ({"original_start": iso(THIRD), "status": "held"}, "status"),
        ({"original_start": iso(SECOND), "status": "cancelled"}, "status"),
        ({"original_start": iso(SECOND), "minutes": "x" * 20_001}, "minutes"),
        ({"original_start": "not a date"}, "original_start"),
    ],
)
def test_bad_input_is_a_400_on_its_field_and_writes_nothing(api, meeting, fields, field):
    answer = api.post(URL, {"meeting": meeting.pk, **fields}, format="json")
    assert answer.status_code == 400
    assert field in answer.json()
    assert not MeetingOccurrence.objects.exists()


def test_a_meeting_of_a_vendor_not_visible_is_not_a_choice(owner):
    hidden = MeetingFactory(vendor=VendorFactory(name="Hidden", owner=UserFactory(username="x")))
    viewer = UserFactory(username="viewer")
    services.user_role_set(viewer, role=Role.VIEWER)
    answer = client_for(viewer).post(
        URL, {"meeting": hidden.pk, "original_start": iso(SECOND)}, format="json"
    )
    assert answer.status_code in (400, 403)
    assert not MeetingOccurrence.objects.exists()


def test_cancel_move_and_restore_follow_into_the_meetings_occurrences(api, meeting):
    third = create(api, meeting, THIRD).json()["id"]

    assert api.post(f"{URL}{third}/cancel/").json()["status"] == "cancelled"
    moved_to = THIRD + dt.timedelta(days=1)
    fourth = create(api, meeting, THIRD + dt.timedelta(days=7)).json()["id"]
    answer = api.post(f"{URL}{fourth}/move/", {"starts_at": iso(moved_to)}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["scheduled_start"] == iso(moved_to)

    found = api.get(
        f"/api/v1/meetings/{meeting.pk}/occurrences/",
        {"start": iso(NOW), "end": iso(NOW + dt.timedelta(days=21))},
    ).json()["results"]
    # 30 March, 09:00 in Warsaw on summer time.
    fifth = dt.datetime(2026, 3, 30, 7, 0, tzinfo=dt.UTC)
    assert [(o["starts_at"], o["original_start"]) for o in found] == [
        (iso(moved_to), iso(THIRD + dt.timedelta(days=7))),
        (iso(fifth), iso(fifth)),
    ]
    assert api.post(f"{URL}{third}/restore/").json()["status"] == "scheduled"


def test_a_move_onto_another_occurrence_is_a_400_and_changes_nothing(api, meeting):
    third = create(api, meeting, THIRD).json()["id"]
    answer = api.post(
        f"{URL}{third}/move/",
        {"starts_at": iso(THIRD + dt.timedelta(days=7, minutes=30))},
        format="json",
    )
    assert answer.status_code == 400
    assert "starts_at" in answer.json()
    assert MeetingOccurrence.objects.get(pk=third).starts_at is None
    assert api.post(f"{URL}{third}/move/", {}, format="json").status_code == 400


def test_minutes_are_shared_once_held_and_decisions_logged(api, meeting, owner):
    scheduled = create(api, meeting, THIRD).json()["id"]
    answer = api.post(f"{URL}{scheduled}/share/")
    assert answer.status_code == 400
    held = create(api, meeting, SECOND, status="held", minutes="Notes").json()["id"]
    answer = api.post(f"{URL}{held}/share/")
    assert answer.status_code == 200
    assert answer.json()["minutes_status"] == "shared"

    answer = api.post("/api/v1/decisions/", {"occurrence": held, "text": "Go"}, format="json")
    assert answer.status_code == 201, answer.json()
    assert answer.json()["recorded_by"] == owner.pk
    answer = api.post("/api/v1/decisions/", {"occurrence": scheduled, "text": "No"}, format="json")
    assert answer.status_code == 400
    assert "occurrence" in answer.json()
    answer = api.post("/api/v1/decisions/", {"occurrence": held, "text": " "}, format="json")
    assert answer.status_code == 400
    assert Decision.objects.count() == 1
    listed = api.get("/api/v1/decisions/", {"meeting": meeting.pk}).json()
    assert [d["text"] for d in listed["results"]] == ["Go"]


def test_the_original_start_and_meeting_cannot_change_once_created(api, meeting, vendor):
    record = create(api, meeting, THIRD).json()["id"]
    answer = api.patch(f"{URL}{record}/", {"original_start": iso(SECOND)}, format="json")
    assert answer.status_code == 400
    assert "original_start" in answer.json()


def test_the_list_filters_by_meeting_vendor_and_status(api, meeting, vendor, owner):
    other = MeetingFactory(vendor=VendorFactory(name="Other", owner=owner), starts_at=FIRST)
    create(api, meeting, THIRD)
    cancelled = create(api, other, THIRD).json()["id"]
    api.post(f"{URL}{cancelled}/cancel/")

    def ids(**query):
        return [o["id"] for o in api.get(URL, query).json()["results"]]

    assert ids(status="cancelled") == [cancelled]
    assert ids(vendor=other.vendor_id) == [cancelled]
    assert len(ids(meeting=meeting.pk)) == 1
    assert api.get(URL, {"status": "gone"}).status_code == 400


def test_the_list_costs_the_same_with_3_and_30_records(
    api, vendor, owner, django_assert_max_num_queries
):
    meetings = [
        MeetingFactory(vendor=vendor, starts_at=FIRST + dt.timedelta(minutes=i)) for i in range(30)
    ]
    for meeting in meetings[:3]:
        create(api, meeting, SECOND + (meeting.starts_at - FIRST), status="held", minutes="x")
    with django_assert_max_num_queries(12) as small:
        api.get(URL)
    few = len(small.captured_queries)
    for meeting in meetings[3:]:
        create(api, meeting, SECOND + (meeting.starts_at - FIRST), status="held", minutes="x")
    with django_assert_max_num_queries(few):
        assert api.get(URL).json()["count"] == 30
