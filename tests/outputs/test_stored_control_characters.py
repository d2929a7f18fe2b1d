"""Rows holding line breaks or control characters (written before the models refused them,
or by a raw UPDATE) still come out of every output: calendars, CSV, emails, admin, portal."""

import csv
import datetime as dt
import io
import re

import icalendar
import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse

from governance import reminders, services
from governance.domain.text import one_line
from governance.models import (
    Contact,
    Goal,
    Incident,
    Meeting,
    Reminder,
    Review,
    Role,
    SecurityClause,
    Vendor,
)
from tests.factories import (
    ClauseFactory,
    ContactFactory,
    GoalFactory,
    IncidentFactory,
    MeetingFactory,
    ReviewFactory,
    UserFactory,
)
from tests.outputs.conftest import CONTROL_VALUES

pytestmark = pytest.mark.django_db

# iCalendar content lines may hold a tab but no other control character (RFC 5545 3.1, 3.3.11).
ICS_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")


@pytest.fixture(params=CONTROL_VALUES, ids=repr)
def value(request):
    return request.param


# The pages escape text as they always did: two values are enough to keep that so.
pages_values = pytest.mark.parametrize("value", ["Weekly\r\nsync", "Line\u2028sep"], ids=repr)


@pytest.fixture
def soiled(vendor, owner, value):
    """A vendor with one of everything, whose text fields hold ``value`` (raw UPDATEs)."""
    contact = ContactFactory(vendor=vendor)
    goal = GoalFactory(vendor=vendor, owner=owner, vendor_owner=contact)
    review = ReviewFactory(vendor=vendor, reviewer=owner)
    meeting = MeetingFactory(vendor=vendor, agenda="Intro")
    meeting.attendees.set([owner])
    meeting.contacts.set([contact])
    incident = IncidentFactory(vendor=vendor)
    clause = ClauseFactory(vendor=vendor)
    reminder = Reminder.objects.create(
        kind=Reminder.Kind.REVIEW_UPCOMING,
        content_type=ContentType.objects.get_for_model(Review),
        object_id=review.pk,
        vendor=vendor,
        occurrence=dt.datetime(2026, 4, 15, 8, tzinfo=dt.UTC),
        lead_time=dt.timedelta(days=3),
        recipient=owner,
        status=Reminder.Status.FAILED,
        last_error=f"SMTP said {value}",
    )
    text = f"Ops {value} desk"
    Vendor.objects.filter(pk=vendor.pk).update(name=f"Acme {value} Hosting")
    Contact.objects.filter(pk=contact.pk).update(name=text, role=text)
    Goal.objects.filter(pk=goal.pk).update(title=text, metric=text)
    Review.objects.filter(pk=review.pk).update(summary=text)
    Meeting.objects.filter(pk=meeting.pk).update(
        title=f"Weekly {value} sync", location=text, agenda=f"One{value}Two"
    )
    Incident.objects.filter(pk=incident.pk).update(title=text)
    SecurityClause.objects.filter(pk=clause.pk).update(requirement=text)
    vendor.refresh_from_db()
    meeting.refresh_from_db()
    return {
        "vendor": vendor,
        "contact": contact,
        "goal": goal,
        "review": review,
        "meeting": meeting,
        "incident": incident,
        "clause": clause,
        "reminder": reminder,
    }


def parse_ics(body):
    """The calendar in ``body``, after checking every content line is one clean line."""
    if isinstance(body, str):
        body = body.encode()
    for line in body.split(b"\r\n"):
        assert not ICS_CONTROL.search(line), line
    return icalendar.Calendar.from_ical(body)


def test_the_meeting_ics_and_the_calendar_feeds_stay_valid(owner_client, owner, soiled):
    vendor, meeting = soiled["vendor"], soiled["meeting"]
    token = services.profile_for(owner).calendar_token
    urls = [
        reverse("governance:meeting-ics", args=[vendor.pk, meeting.pk]),
        reverse("governance:user-feed", args=[token]),
        reverse("governance:vendor-feed", args=[token, vendor.pk]),
    ]
    for url in urls:
        response = owner_client.get(url)

        assert response.status_code == 200, url
        calendar = parse_ics(response.content)
        [event] = calendar.walk("VEVENT")
        assert str(event["SUMMARY"]) == one_line(f"{meeting.title} ({vendor.name})")
        assert str(event["LOCATION"]) == one_line(meeting.location)
        assert "\n" not in str(calendar["X-WR-CALNAME"])
        assert str(event["DESCRIPTION"]).startswith("One")


def csv_cells(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    return {cell for row in rows[1:] for cell in row}


def test_every_csv_export_still_downloads(owner_client, soiled, value):
    vendor = soiled["vendor"]
    text = f"Ops {value} desk"
    # The cells keep the stored text as it is (a CSV cell may hold a line break).
    expected = {
        "contacts": text,
        "goals": text,
        "reviews": text,
        "meetings": f"Weekly {value} sync",
        "incidents": text,
        "clauses": text,
        "reminders": f"SMTP said {value}",
    }
    for section, cell in expected.items():
        response = owner_client.get(f"/vendors/{vendor.pk}/{section}/?export=csv")

        assert cell in csv_cells(response), section
    for url in ["/vendors/?export=csv", "/?export=csv"]:
        assert vendor.name in csv_cells(owner_client.get(url)), url


@pages_values
def test_the_workspace_pages_still_render(owner_client, soiled):
    vendor = soiled["vendor"]
    paths = [
        "",
        "scorecard/",
        "contacts/",
        "goals/",
        f"goals/{soiled['goal'].pk}/",
        "reviews/",
        f"reviews/{soiled['review'].pk}/",
        "meetings/",
        f"meetings/{soiled['meeting'].pk}/",
        "incidents/",
        "clauses/",
        "reminders/",
        "history/",
    ]
    for path in paths:
        assert owner_client.get(f"/vendors/{vendor.pk}/{path}").status_code == 200, path
    assert owner_client.get("/").status_code == 200
    assert owner_client.get("/vendors/").status_code == 200


@pages_values
def test_the_admin_changelists_and_change_pages_still_render(client, admin_user, soiled):
    client.force_login(admin_user)
    for name, model in [
        ("vendor", "vendor"),
        ("contact", "contact"),
        ("goal", "goal"),
        ("review", "review"),
        ("meeting", "meeting"),
        ("incident", "incident"),
        ("clause", "securityclause"),
        ("reminder", "reminder"),
    ]:
        changelist = reverse(f"admin:governance_{model}_changelist")
        change = reverse(f"admin:governance_{model}_change", args=[soiled[name].pk])

        assert client.get(changelist).status_code == 200, changelist
        assert client.get(changelist + "?q=Ops").status_code == 200, changelist
        assert client.get(change).status_code == 200, change


@pages_values
def test_the_vendor_portal_still_renders(client, soiled):
    vendor = soiled["vendor"]
    rep = UserFactory(username="rep")
    services.user_role_set(rep, role=Role.VENDOR_REP, vendor=vendor)
    client.force_login(rep)
    paths = [
        "",
        "goals/",
        f"goals/{soiled['goal'].pk}/",
        "meetings/",
        f"meetings/{soiled['meeting'].pk}/",
        "incidents/",
        f"incidents/{soiled['incident'].pk}/",
        "reviews/",
        "action-items/",
    ]
    for path in paths:
        assert client.get(f"/portal/{path}").status_code == 200, path


def test_a_meeting_reminder_is_sent_with_its_subject_on_one_line(settings, vendor, owner, value):
    settings.GOVERNANCE_REMINDER_LEAD_TIMES = {"meeting": ["24h"]}
    starts_at = dt.datetime(2026, 4, 10, 7, 30, tzinfo=dt.UTC)
    meeting = MeetingFactory(vendor=vendor, starts_at=starts_at, recurrence="")
    meeting.attendees.set([owner])
    Meeting.objects.filter(pk=meeting.pk).update(title=f"Weekly {value} sync")
    Vendor.objects.filter(pk=vendor.pk).update(name=f"Acme {value} Hosting")

    with time_machine.travel(starts_at - dt.timedelta(hours=24), tick=False):
        due = reminders.sweep(enqueue=False).to_send
        for pk in due:
            reminders.deliver(pk)

    [reminder] = Reminder.objects.filter(pk__in=due)
    assert (reminder.status, reminder.last_error) == (Reminder.Status.SENT, "")
    [message] = mail.outbox
    expected = one_line(f"Weekly {value} sync with Acme {value} Hosting")
    assert message.subject.startswith(expected + ", Fri 10 Apr ")
    assert not re.search(r"[\x00-\x1f\x7f\u2028]", message.subject)
    # The attached invitation is one the calendar can read, its title on one line.
    [(_name, content, _type)] = message.attachments
    [event] = parse_ics(content).walk("VEVENT")
    assert str(event["SUMMARY"]) == one_line(f"Weekly {value} sync (Acme {value} Hosting)")
