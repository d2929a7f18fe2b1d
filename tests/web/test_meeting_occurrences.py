"""The meeting page's occurrences: cancel, restore, move, record as held with attendance and
decisions, share the minutes; field errors never a 500; CSRF; bounded queries."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from governance import services
from governance.models import Decision, MeetingOccurrence, Role
from tests.factories import ContactFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db

FIRST = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
SECOND = dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.UTC)
THIRD = dt.datetime(2026, 3, 16, 8, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def meeting(vendor):
    return MeetingFactory(vendor=vendor, starts_at=FIRST, title="Steering")


def key(moment):
    return moment.strftime("%Y%m%dT%H%M%SZ")


def page(meeting, moment):
    return reverse(
        "governance:occurrence-detail", args=[meeting.vendor_id, meeting.pk, key(moment)]
    )


def action(meeting, moment, verb):
    return reverse(
        "governance:occurrence-action", args=[meeting.vendor_id, meeting.pk, key(moment), verb]
    )


def test_the_meeting_page_lists_coming_and_past_occurrences(owner_client, meeting):
    services.occurrence_cancel(services.occurrence_of(meeting, THIRD))
    answer = owner_client.get(
        reverse("governance:meeting-detail", args=[meeting.vendor_id, meeting.pk])
    )
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "Coming occurrences" in text and "Past occurrences" in text
    assert page(meeting, SECOND) in text
    assert action(meeting, THIRD, "restore") in text


def test_cancel_and_restore_from_the_meeting_page(owner_client, meeting):
    answer = owner_client.post(action(meeting, THIRD, "cancel"), {"back": "meeting"})
    assert answer.status_code == 302
    assert MeetingOccurrence.objects.get().status == "cancelled"
    owner_client.post(action(meeting, THIRD, "restore"))
    assert MeetingOccurrence.objects.get().status == "scheduled"


def test_a_move_onto_another_occurrence_shows_a_field_error_and_writes_nothing(
    owner_client, meeting
):
    # 23 March, 09:00 Warsaw: the next instance's own time.
    answer = owner_client.post(
        page(meeting, THIRD), {"form": "move", "date": "2026-03-23", "time": "09:00"}
    )
    assert answer.status_code == 200
    assert answer.context["move_form"].errors["date"]
    assert not MeetingOccurrence.objects.exists()
    answer = owner_client.post(page(meeting, THIRD), {"form": "move", "date": "", "time": "x"})
    assert answer.status_code == 200
    assert not MeetingOccurrence.objects.exists()


def test_a_move_on_the_meetings_wall_clock(owner_client, meeting):
    answer = owner_client.post(
        page(meeting, THIRD), {"form": "move", "date": "2026-03-17", "time": "14:30"}
    )
    assert answer.status_code == 302
    # 14:30 in Warsaw (UTC+1 in March before the change) is 13:30 UTC.
    assert MeetingOccurrence.objects.get().starts_at == dt.datetime(
        2026, 3, 17, 13, 30, tzinfo=dt.UTC
    )


def test_record_minutes_attendance_decisions_and_share(owner_client, meeting, owner, vendor):
    contact = ContactFactory(vendor=vendor)
    answer = owner_client.post(
        page(meeting, SECOND),
        {
            "form": "record",
            "minutes": "Reviewed the plan.",
            "attendees": [owner.pk],
            "contacts": [contact.pk],
        },
    )
    assert answer.status_code == 302, answer.context and answer.context["record_form"].errors
    record = MeetingOccurrence.objects.get()
    assert record.status == "held"
    assert list(record.attendees.all()) == [owner]
    owner_client.post(page(meeting, SECOND), {"form": "decision", "text": "Go live in April."})
    answer = owner_client.post(page(meeting, SECOND), {"form": "decision", "text": ""})
    assert answer.status_code == 200
    assert answer.context["decision_form"].errors["text"]
    assert Decision.objects.count() == 1
    owner_client.post(action(meeting, SECOND, "share"))
    record.refresh_from_db()
    assert record.minutes_status == "shared"
    assert "Go live in April." in owner_client.get(page(meeting, SECOND)).content.decode()


def test_a_meeting_not_yet_begun_cannot_be_recorded_as_held(owner_client, meeting):
    answer = owner_client.post(page(meeting, THIRD), {"form": "record", "minutes": "Early"})
    assert answer.status_code == 200
    assert answer.context["record_form"].errors
    assert not MeetingOccurrence.objects.exists()


def test_an_instance_the_series_does_not_have_is_a_404(owner_client, meeting):
    assert owner_client.get(page(meeting, SECOND + dt.timedelta(hours=1))).status_code == 404
    url = reverse(
        "governance:occurrence-detail", args=[meeting.vendor_id, meeting.pk, "not-a-time"]
    )
    assert owner_client.get(url).status_code == 404
    assert owner_client.post(action(meeting, THIRD, "explode")).status_code == 404


def test_a_read_only_user_sees_but_cannot_change(meeting):
    viewer = UserFactory(username="viewer")
    services.user_role_set(viewer, role=Role.VIEWER)
    client = Client()
    client.force_login(viewer)
    assert client.get(page(meeting, THIRD)).status_code == 200
    assert client.post(action(meeting, THIRD, "cancel")).status_code == 403
    assert client.post(page(meeting, THIRD), {"form": "move"}).status_code == 403
    assert not MeetingOccurrence.objects.exists()


def test_posting_without_the_csrf_token_is_refused(owner, meeting):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(action(meeting, THIRD, "cancel")).status_code == 403
    assert not MeetingOccurrence.objects.exists()


def test_the_meeting_page_costs_the_same_with_few_and_many_occurrence_records(
    owner_client, vendor, owner, django_assert_max_num_queries
):
    daily = MeetingFactory(vendor=vendor, starts_at=FIRST, recurrence="FREQ=DAILY", title="Daily")
    url = reverse("governance:meeting-detail", args=[daily.vendor_id, daily.pk])

    def record(day):
        moment = FIRST + dt.timedelta(days=day)
        services.occurrence_record(
            services.occurrence_of(daily, moment), minutes="x", attendees=[owner]
        )
        services.decision_add(services.occurrence_of(daily, moment), text="d", by=owner)

    record(0)
    services.occurrence_cancel(services.occurrence_of(daily, FIRST + dt.timedelta(days=10)))
    with django_assert_max_num_queries(20) as few:
        owner_client.get(url)
    baseline = len(few.captured_queries)
    for day in range(1, 8):
        record(day)
    for day in range(11, 25):
        services.occurrence_cancel(services.occurrence_of(daily, FIRST + dt.timedelta(days=day)))
    with django_assert_max_num_queries(baseline):
        answer = owner_client.get(url)
    assert answer.content.decode().count('data-testid="occurrence"') == 16
