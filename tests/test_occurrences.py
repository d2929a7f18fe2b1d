"""Meeting occurrences as records: the rules (model and services), the schedule following
cancelled and moved instances, the next occurrence, and the iCalendar exceptions."""

import datetime as dt

import icalendar
import pytest
import recurring_ical_events
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from governance import selectors, services
from governance.domain import ical
from governance.models import Decision, MeetingOccurrence, Role
from tests.factories import ContactFactory, MeetingFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

# Weekly on Monday 09:00 Warsaw (08:00 UTC in winter, 07:00 UTC from 29 March).
FIRST = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
SECOND = dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.UTC)
THIRD = dt.datetime(2026, 3, 16, 8, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def meeting(vendor):
    return MeetingFactory(vendor=vendor, starts_at=FIRST)


@pytest.fixture
def rep(vendor):
    user = UserFactory(username="rep")
    services.user_role_set(user, role=Role.VENDOR_REP, vendor=vendor)
    return user


def starts(meeting, start=NOW, days=21):
    return [
        o.starts_at
        for o in selectors.meeting_occurrences(
            meeting, start=start, end=start + dt.timedelta(days=days)
        )
    ]


def errors_of(excinfo):
    return excinfo.value.message_dict


# --- domain rules ---------------------------------------------------------------------------


def test_a_record_names_an_instance_the_series_has(meeting):
    with pytest.raises(ValidationError) as excinfo:
        services.occurrence_cancel(services.occurrence_of(meeting, SECOND + HOUR))
    assert "original_start" in errors_of(excinfo)
    assert not MeetingOccurrence.objects.exists()


def test_an_instance_has_one_record_whatever_the_door(meeting):
    MeetingOccurrence.objects.create(meeting=meeting, original_start=SECOND)
    with pytest.raises(ValidationError) as excinfo:
        services.occurrence_save(MeetingOccurrence(meeting=meeting, original_start=SECOND))
    assert "original_start" in errors_of(excinfo)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingOccurrence.objects.create(meeting=meeting, original_start=SECOND)


def test_the_database_refuses_minutes_shared_of_a_meeting_not_held(meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingOccurrence.objects.create(
            meeting=meeting, original_start=SECOND, minutes_status="shared"
        )


def test_the_database_refuses_a_cancelled_occurrence_that_is_also_moved(meeting):
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingOccurrence.objects.create(
            meeting=meeting, original_start=SECOND, status="cancelled", starts_at=SECOND + HOUR
        )


def test_a_move_cannot_land_on_another_occurrence(meeting):
    with pytest.raises(ValidationError) as excinfo:
        services.occurrence_move(
            services.occurrence_of(meeting, SECOND), starts_at=THIRD + dt.timedelta(minutes=30)
        )
    assert "starts_at" in errors_of(excinfo)
    assert not MeetingOccurrence.objects.exists()


def test_a_move_may_take_the_place_of_a_cancelled_occurrence(meeting):
    services.occurrence_cancel(services.occurrence_of(meeting, THIRD))
    moved = services.occurrence_move(services.occurrence_of(meeting, SECOND), starts_at=THIRD)
    assert moved.starts_at == THIRD


def test_a_move_stays_within_the_meetings_bounds(meeting):
    with pytest.raises(ValidationError) as excinfo:
        services.occurrence_move(
            services.occurrence_of(meeting, SECOND), starts_at=SECOND + dt.timedelta(days=61)
        )
    assert "starts_at" in errors_of(excinfo)


def test_a_meeting_not_yet_begun_cannot_be_recorded_as_held(meeting):
    with pytest.raises(ValidationError) as excinfo:
        services.occurrence_record(services.occurrence_of(meeting, SECOND), minutes="Notes")
    assert "status" in errors_of(excinfo)
    assert not MeetingOccurrence.objects.exists()


def test_minutes_are_shared_only_for_a_held_meeting(meeting):
    occurrence = services.occurrence_cancel(services.occurrence_of(meeting, SECOND))
    with pytest.raises(ValidationError) as excinfo:
        services.minutes_share(occurrence)
    assert "status" in errors_of(excinfo)


def test_a_held_meeting_cannot_be_cancelled_or_moved(meeting, owner):
    with time_machine.travel(SECOND + 2 * HOUR, tick=False):
        occurrence = services.occurrence_record(
            services.occurrence_of(meeting, SECOND), minutes="Agreed the plan."
        )
        with pytest.raises(ValidationError):
            services.occurrence_cancel(occurrence)
        with pytest.raises(ValidationError):
            services.occurrence_move(occurrence, starts_at=SECOND + HOUR)


# --- the minutes' life: recorded, shared, signed off ------------------------------------------


def test_minutes_recorded_shared_and_approved_by_the_vendor(meeting, owner, member, rep, vendor):
    contact = ContactFactory(vendor=vendor)
    with time_machine.travel(SECOND + 2 * HOUR, tick=False):
        occurrence = services.occurrence_record(
            services.occurrence_of(meeting, SECOND),
            minutes="Reviewed the backlog.",
            attendees=[owner, member],
            contacts=[contact],
        )
        services.decision_add(occurrence, text="Move the cut-over to April.", by=owner)
        services.decision_add(occurrence, text="Weekly status by email.", by=owner)
        services.minutes_share(occurrence)
        signed = services.minutes_sign_off(occurrence, by=rep, approve=True)

    assert signed.status == MeetingOccurrence.Status.HELD
    assert signed.minutes_status == MeetingOccurrence.MinutesStatus.APPROVED
    assert signed.signed_off_by == rep
    assert signed.signed_off_at == SECOND + 2 * HOUR
    assert set(signed.attendees.all()) == {owner, member}
    assert list(signed.contacts.all()) == [contact]
    assert Decision.objects.filter(occurrence=signed).count() == 2
    history = [h.minutes_status for h in signed.history.order_by("history_date", "history_id")]
    assert history[-2:] == ["shared", "approved"]


def test_the_vendor_may_request_changes_but_must_say_which(meeting, rep):
    with time_machine.travel(SECOND + 2 * HOUR, tick=False):
        occurrence = services.occurrence_record(
            services.occurrence_of(meeting, SECOND), minutes="Notes"
        )
        services.minutes_share(occurrence)
        with pytest.raises(ValidationError) as excinfo:
            services.minutes_sign_off(occurrence, by=rep, approve=False, comment=" ")
        assert "minutes_comment" in errors_of(excinfo)
        signed = services.minutes_sign_off(
            occurrence, by=rep, approve=False, comment="Item 2 was agreed for May, not April."
        )
    assert signed.minutes_status == MeetingOccurrence.MinutesStatus.CHANGES_REQUESTED
    assert signed.minutes_comment.startswith("Item 2")


def test_only_a_representative_of_the_meetings_vendor_signs_off(meeting, owner):
    other_rep = UserFactory(username="other_rep")
    services.user_role_set(other_rep, role=Role.VENDOR_REP, vendor=VendorFactory(name="Other"))
    with time_machine.travel(SECOND + 2 * HOUR, tick=False):
        occurrence = services.occurrence_record(
            services.occurrence_of(meeting, SECOND), minutes="Notes"
        )
        services.minutes_share(occurrence)
        for user in (owner, other_rep):
            with pytest.raises(ValidationError) as excinfo:
                services.minutes_sign_off(occurrence, by=user, approve=True)
            assert "signed_off_by" in errors_of(excinfo)
    occurrence.refresh_from_db()
    assert occurrence.minutes_status == MeetingOccurrence.MinutesStatus.SHARED


def test_minutes_cannot_be_signed_off_before_they_are_shared(meeting, rep):
    with time_machine.travel(SECOND + 2 * HOUR, tick=False):
        occurrence = services.occurrence_record(
            services.occurrence_of(meeting, SECOND), minutes="Notes"
        )
        with pytest.raises(ValidationError):
            services.minutes_sign_off(occurrence, by=rep, approve=True)


def test_editing_approved_minutes_makes_them_a_draft_again(meeting, rep):
    with time_machine.travel(SECOND + 2 * HOUR, tick=False):
        occurrence = services.occurrence_record(
            services.occurrence_of(meeting, SECOND), minutes="Notes"
        )
        services.minutes_share(occurrence)
        occurrence = services.minutes_sign_off(occurrence, by=rep, approve=True)
        occurrence.minutes = "Notes, corrected."
        services.occurrence_save(occurrence)
    occurrence.refresh_from_db()
    assert occurrence.minutes_status == MeetingOccurrence.MinutesStatus.DRAFT
    assert occurrence.signed_off_at is None


def test_a_decision_needs_a_held_meeting_and_a_text(meeting, owner):
    occurrence = services.occurrence_cancel(services.occurrence_of(meeting, SECOND))
    with pytest.raises(ValidationError) as excinfo:
        services.decision_add(occurrence, text="Something", by=owner)
    assert "occurrence" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.decision_add(occurrence, text="  ", by=owner)
    assert "text" in errors_of(excinfo)
    assert not Decision.objects.exists()


def test_attendance_is_internal_users_and_the_vendors_own_contacts(meeting, owner, rep):
    with time_machine.travel(SECOND + 2 * HOUR, tick=False):
        with pytest.raises(ValidationError) as excinfo:
            services.occurrence_record(services.occurrence_of(meeting, SECOND), attendees=[rep])
        assert "attendees" in errors_of(excinfo)
        foreign = ContactFactory(vendor=VendorFactory(name="Elsewhere"))
        with pytest.raises(ValidationError) as excinfo:
            services.occurrence_record(services.occurrence_of(meeting, SECOND), contacts=[foreign])
        assert "contacts" in errors_of(excinfo)
    assert not MeetingOccurrence.objects.exists()


# --- the schedule follows the exceptions ------------------------------------------------------


def test_a_cancelled_instance_leaves_the_schedule_and_a_moved_one_appears_at_its_new_time(
    meeting,
):
    assert starts(meeting) == [FIRST, SECOND, THIRD]
    services.occurrence_cancel(services.occurrence_of(meeting, SECOND))
    moved_to = THIRD + dt.timedelta(days=1, hours=2)
    services.occurrence_move(services.occurrence_of(meeting, THIRD), starts_at=moved_to)

    found = selectors.meeting_occurrences(meeting, start=NOW, end=NOW + dt.timedelta(days=21))
    assert [o.starts_at for o in found] == [FIRST, moved_to]
    assert found[1].original_start == THIRD
    assert found[1].ends_at == moved_to + HOUR


def test_a_move_out_of_a_window_and_into_another(meeting):
    moved_to = SECOND + dt.timedelta(days=20)  # after THIRD and the one after
    services.occurrence_move(services.occurrence_of(meeting, SECOND), starts_at=moved_to)
    assert SECOND not in starts(meeting, days=10)
    assert moved_to in starts(meeting, start=moved_to - HOUR, days=1)


def test_the_stored_next_occurrence_follows_cancellations_and_moves(meeting):
    meeting.refresh_from_db()
    assert meeting.next_occurrence_at == FIRST
    services.occurrence_cancel(services.occurrence_of(meeting, FIRST))
    meeting.refresh_from_db()
    assert meeting.next_occurrence_at == SECOND
    earlier = FIRST + dt.timedelta(days=2)
    services.occurrence_move(services.occurrence_of(meeting, SECOND), starts_at=earlier)
    meeting.refresh_from_db()
    assert meeting.next_occurrence_at == earlier
    services.occurrence_restore(services.occurrence_of(meeting, FIRST))
    meeting.refresh_from_db()
    assert meeting.next_occurrence_at == FIRST


def test_meetings_with_next_skip_a_cancelled_next_occurrence(meeting, vendor):
    services.occurrence_cancel(services.occurrence_of(meeting, FIRST))
    [found] = selectors.meetings_with_next(vendor, now=NOW)
    assert found.next_occurrence.starts_at == SECOND


def test_a_one_off_meeting_can_be_moved_and_cancelled(vendor):
    one_off = MeetingFactory(vendor=vendor, starts_at=SECOND, recurrence="")
    later = SECOND + dt.timedelta(days=3)
    services.occurrence_move(services.occurrence_of(one_off, SECOND), starts_at=later)
    assert starts(one_off) == [later]
    record = services.occurrence_of(one_off, SECOND)
    record.refresh_from_db()
    services.occurrence_move(record, starts_at=SECOND)  # back where it was: no override
    services.occurrence_cancel(services.occurrence_of(one_off, SECOND))
    assert starts(one_off) == []


# --- iCalendar ------------------------------------------------------------------------------


def _events(body):
    calendar = icalendar.Calendar.from_ical(body)
    return [c for c in calendar.walk("VEVENT")]


def test_the_feed_carries_an_exdate_and_a_recurrence_id_event(meeting, settings):
    settings.SITE_URL = "https://governance.example.com"
    services.occurrence_cancel(services.occurrence_of(meeting, SECOND))
    moved_to = THIRD + dt.timedelta(hours=3)
    services.occurrence_move(services.occurrence_of(meeting, THIRD), starts_at=moved_to)
    meeting.refresh_from_db()

    overrides = {meeting.pk: selectors.overrides_of(meeting)}
    body = ical.calendar_ics([meeting], name="Feed", overrides=overrides)
    series, moved = _events(body)

    assert series["RRULE"]["FREQ"] == ["WEEKLY"]
    exdates = [d.dt for exdate in [series["EXDATE"]] for d in exdate.dts]
    assert [d.astimezone(dt.UTC) for d in exdates] == [SECOND]
    assert exdates[0].tzinfo is not None and str(exdates[0].tzinfo) == "Europe/Warsaw"
    assert moved["UID"] == series["UID"]
    assert moved["RECURRENCE-ID"].dt.astimezone(dt.UTC) == THIRD
    assert moved["DTSTART"].dt.astimezone(dt.UTC) == moved_to
    assert moved["DTEND"].dt.astimezone(dt.UTC) == moved_to + HOUR


def test_a_single_meeting_download_has_its_exceptions_too(meeting):
    services.occurrence_cancel(services.occurrence_of(meeting, SECOND))
    body = ical.meeting_ics(meeting, overrides=selectors.overrides_of(meeting))
    [series] = _events(body)
    assert "EXDATE" in series


def test_the_feed_expands_like_the_app_with_a_recurrence_aware_reader(meeting):
    services.occurrence_cancel(services.occurrence_of(meeting, SECOND))
    moved_to = THIRD + dt.timedelta(hours=3)
    services.occurrence_move(services.occurrence_of(meeting, THIRD), starts_at=moved_to)
    body = ical.calendar_ics(
        [meeting], name="Feed", overrides={meeting.pk: selectors.overrides_of(meeting)}
    )
    calendar = icalendar.Calendar.from_ical(body)
    found = recurring_ical_events.of(calendar).between(NOW, NOW + dt.timedelta(days=21))
    assert sorted(e["DTSTART"].dt.astimezone(dt.UTC) for e in found) == starts(meeting)
