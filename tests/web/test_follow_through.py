"""Issue 15's follow-through: action items recorded at an occurrence, open items carried into
the next agenda (manager's and vendor's pages, the meeting email), Done wherever items are
listed, and the vendor's consent to its contacts being emailed (web form, API)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance import services
from governance.models import ActionItem, Contact, MeetingOccurrence, Vendor
from governance.selectors.actions import next_agenda
from tests.api.conftest import client_for
from tests.factories import ContactFactory, MeetingFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

FIRST = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)  # Mondays, 09:00 in Warsaw
HELD = dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.UTC)
NEXT = dt.datetime(2026, 3, 16, 8, 0, tzinfo=dt.UTC)
AFTER = dt.datetime(2026, 3, 23, 8, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def meeting(vendor):
    return MeetingFactory(vendor=vendor, starts_at=FIRST, title="Steering", agenda="- Backlog")


@pytest.fixture
def held(meeting):
    return services.occurrence_record(services.occurrence_of(meeting, HELD), minutes="Done")


def key(moment):
    return moment.strftime("%Y%m%dT%H%M%SZ")


def page(meeting, moment):
    return reverse(
        "governance:occurrence-detail", args=[meeting.vendor_id, meeting.pk, key(moment)]
    )


def item(vendor, description, due, **fields):
    return services.action_item_save(
        ActionItem(vendor=vendor, description=description, due_date=due, **fields)
    )


# --- recorded at an occurrence -------------------------------------------------------------


def test_an_item_given_only_its_occurrence_comes_from_that_meeting(vendor, held, meeting):
    saved = item(vendor, "Send the capacity plan", TODAY, occurrence=held)

    assert (saved.source, saved.meeting, saved.occurrence) == ("meeting", meeting, held)


def test_an_occurrence_of_another_meeting_is_refused(vendor, held):
    other = MeetingFactory(vendor=vendor, starts_at=FIRST, title="Other")

    with pytest.raises(ValidationError) as refused:
        item(vendor, "Wrong place", TODAY, meeting=other, occurrence=held)

    assert "occurrence" in refused.value.message_dict
    assert not ActionItem.objects.exists()


def test_the_occurrence_page_adds_and_lists_its_items_with_done(owner_client, vendor, held):
    contact = ContactFactory(vendor=vendor)
    url = page(held.meeting, HELD)

    answer = owner_client.post(
        url,
        {
            "form": "item",
            "description": "Send the capacity plan",
            "vendor_contact": contact.pk,
            "due_date": "2026-03-20",
        },
    )

    assert answer.status_code == 302 and answer.url.endswith("#action-items")
    saved = ActionItem.objects.get()
    assert (saved.occurrence, saved.source, saved.vendor_contact) == (held, "meeting", contact)
    text = owner_client.get(url).content.decode()
    section = text.split('id="action-items"')[1].split("</section>")[0]
    assert "Send the capacity plan" in section
    assert f"/action-items/{saved.pk}/status/" in section and ">Done<" in section


def test_hostile_item_values_on_the_occurrence_page_are_field_errors(owner_client, vendor, held):
    stranger = ContactFactory(vendor=VendorFactory(name="Other"))
    outsider_rep = UserFactory(username="norep", is_active=True)
    url = page(held.meeting, HELD)

    for data in (
        {"description": ""},
        {"description": "x", "vendor_contact": stranger.pk},
        {"description": "x", "owner": "99999999999999999999"},
        {"description": "x", "due_date": "31-31-2026"},
        {"description": "x\x00y"},
    ):
        answer = owner_client.post(url, {"form": "item", **data})
        assert answer.status_code == 200, data
        assert answer.context["item_form"].errors, data
    assert outsider_rep.pk and not ActionItem.objects.exists()


def test_the_api_takes_and_returns_the_occurrence(vendor, owner, held, meeting):
    api = client_for(owner)
    other = MeetingFactory(vendor=vendor, starts_at=FIRST, title="Other")

    made = api.post(
        "/api/v1/action-items/",
        {"vendor": vendor.pk, "description": "Capacity plan", "occurrence": held.pk},
        format="json",
    )
    wrong = api.post(
        "/api/v1/action-items/",
        {
            "vendor": vendor.pk,
            "description": "Wrong place",
            "source": "meeting",
            "source_id": other.pk,
            "occurrence": held.pk,
        },
        format="json",
    )
    hidden = MeetingFactory(vendor=VendorFactory(name="Hidden", owner=UserFactory()))
    elsewhere = services.occurrence_record(services.occurrence_of(hidden, HELD), minutes="x")
    unseen = api.post(
        "/api/v1/action-items/",
        {"vendor": vendor.pk, "description": "x", "occurrence": elsewhere.pk},
        format="json",
    )

    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["occurrence"], body["source"], body["source_id"]) == (
        held.pk,
        "meeting",
        meeting.pk,
    )
    assert wrong.status_code == 400 and "occurrence" in wrong.json()
    assert unseen.status_code == 400  # another vendor's (or an unseen) occurrence
    assert ActionItem.objects.count() == 1


# --- carried into the next agenda ----------------------------------------------------------


def test_the_next_agenda_carries_the_vendors_open_items_overdue_first(vendor, meeting, owner):
    later = item(vendor, "Later", TODAY + dt.timedelta(days=9), owner=owner)
    late = item(vendor, "Late", TODAY - dt.timedelta(days=3), owner=owner)
    undated = item(vendor, "Undated", None, owner=owner)
    services.action_item_status_set(item(vendor, "Closed", TODAY, owner=owner), status="done")
    item(VendorFactory(name="Other", owner=owner), "Elsewhere", TODAY, owner=owner)
    rep_text = services.agenda_propose(meeting=meeting, author=owner, text="Capacity plan")
    services.agenda_proposal_decide(rep_text, accept=True)

    agenda = next_agenda(meeting.__class__.objects.get(pk=meeting.pk), now=NOW, today=TODAY)

    assert agenda.occurrence.starts_at == NEXT
    assert "Capacity plan" in agenda.agenda and agenda.proposals == []
    assert agenda.carried.items == [late, later, undated]
    assert agenda.carried.count == 3


def test_the_meeting_page_and_the_next_occurrence_show_the_carried_items(
    owner_client, vendor, meeting, owner
):
    late = item(vendor, "Rotate the keys", TODAY - dt.timedelta(days=3), owner=owner)

    meeting_page = owner_client.get(
        reverse("governance:meeting-detail", args=[vendor.pk, meeting.pk])
    ).content.decode()
    next_page = owner_client.get(page(meeting, NEXT)).content.decode()
    after_page = owner_client.get(page(meeting, AFTER)).content.decode()

    for text in (meeting_page, next_page):
        carried = text.split('id="carried"')[1].split("</section>")[0]
        assert "Carried over: 1 open action item" in carried
        assert "Rotate the keys" in carried and "Overdue" in carried
        assert f"/action-items/{late.pk}/status/" in carried
    assert 'id="carried"' not in after_page


def test_the_portal_meeting_page_shows_the_carried_items(client, vendor, meeting, owner):
    rep = UserFactory(username="rep")
    services.user_role_set(rep, role="vendor_rep", vendor=vendor)
    item(vendor, "Send the DR test report", TODAY + dt.timedelta(days=2), owner=rep)
    client.force_login(rep)

    text = client.get(f"/portal/meetings/{meeting.pk}/").content.decode()

    carried = text.split('id="carried"')[1].split("</section>")[0]
    assert "Carried over: 1 open action item" in carried
    assert "Send the DR test report" in carried and "/status/" not in carried


def test_the_meeting_reminder_lists_the_carried_items(vendor, meeting, owner):
    from governance.models import Reminder
    from governance.reminders import registry

    item(vendor, "Rotate the keys", TODAY - dt.timedelta(days=3), owner=owner)
    reminder = Reminder(
        kind=Reminder.Kind.MEETING,
        object_id=meeting.pk,
        occurrence=NEXT,
        lead_time=dt.timedelta(hours=24),
        recipient=owner,
    )
    reminder.pk = 1

    message = registry.get("meeting").message(reminder, meeting)

    assert "Carried over: 1 open action item" in message.body
    assert "Rotate the keys (due 7 Mar 2026, overdue)" in message.body
    assert "Rotate the keys" in message.alternatives[0][0]
    import icalendar

    (_name, ics, _), *_ = message.attachments
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert "Carried over: 1 open action item(s)" in str(event["DESCRIPTION"])
    assert "- Rotate the keys (due 7 Mar 2026)" in str(event["DESCRIPTION"])


# --- Done wherever items are listed --------------------------------------------------------


def test_done_on_the_review_page_closes_the_item_and_comes_back(owner_client, vendor, owner):
    from tests.factories import ReviewFactory

    review = ReviewFactory(vendor=vendor, reviewer=owner)
    open_item = item(vendor, "Share the patch calendar", TODAY, review=review, owner=owner)
    url = reverse("governance:review-detail", args=[vendor.pk, review.pk])

    text = owner_client.get(url).content.decode()
    answer = owner_client.post(
        f"/action-items/{open_item.pk}/status/", {"status": "done", "next": url}
    )
    evil = owner_client.post(
        f"/action-items/{open_item.pk}/status/",
        {"status": "open", "next": "https://evil.example.com/"},
    )

    assert f"/action-items/{open_item.pk}/status/" in text and ">Done<" in text
    assert answer.status_code == 302 and answer.url == url
    assert evil.status_code == 302 and evil.url == "/action-items/"
    open_item.refresh_from_db()
    assert open_item.status == "open"
    assert open_item.history.filter(status="done").exists()


def test_done_needs_the_csrf_token(vendor, owner):
    from django.test import Client

    open_item = item(vendor, "x", TODAY, owner=owner)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)

    answer = browser.post(f"/action-items/{open_item.pk}/status/", {"status": "done"})

    assert answer.status_code == 403
    open_item.refresh_from_db()
    assert open_item.status == "open"


# --- the vendor's consent to its contacts being emailed ------------------------------------


def test_email_vendor_contacts_is_edited_in_the_vendor_form_and_the_api(owner_client, vendor):
    from governance.web.forms.vendors import VendorForm

    form = VendorForm(instance=vendor)
    data = {
        name: value
        for name, value in (
            (name, form[name].value()) for name in form.fields if name != "email_vendor_contacts"
        )
        if value is not None
    }
    data["email_vendor_contacts"] = "on"

    answer = owner_client.get(f"/vendors/{vendor.pk}/edit/")
    saved = owner_client.post(f"/vendors/{vendor.pk}/edit/", data)

    assert 'name="email_vendor_contacts"' in answer.content.decode()
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else ""
    vendor.refresh_from_db()
    assert vendor.email_vendor_contacts is True

    api = client_for(vendor.owner)
    off = api.patch(f"/api/v1/vendors/{vendor.pk}/", {"email_vendor_contacts": False}, "json")
    bad = api.patch(f"/api/v1/vendors/{vendor.pk}/", {"email_vendor_contacts": "perhaps"}, "json")
    assert off.status_code == 200 and off.json()["email_vendor_contacts"] is False
    assert bad.status_code == 400 and "email_vendor_contacts" in bad.json()
    assert Vendor.objects.get(pk=vendor.pk).email_vendor_contacts is False


# --- bounded queries -----------------------------------------------------------------------


def add_vendors(owner, start, stop, meeting_vendor):
    vendors = Vendor.objects.bulk_create(
        Vendor(name=f"Scale {n:04d}", services=["hosting"], owner=owner, time_zone="UTC")
        for n in range(start, stop)
    )
    contacts = Contact.objects.bulk_create(Contact(vendor=v, name=f"C {v.name}") for v in vendors)
    ActionItem.objects.bulk_create(
        ActionItem(
            vendor=v,
            description=f"Follow up {v.name}",
            owner=owner,
            vendor_contact=c,
            due_date=TODAY + dt.timedelta(days=n % 7 - 3),
        )
        for n, (v, c) in enumerate(zip(vendors, contacts, strict=True))
    )
    # The meeting's own vendor gains items too, more than an agenda lists.
    ActionItem.objects.bulk_create(
        ActionItem(
            vendor=meeting_vendor,
            description=f"Own {n}",
            owner=owner,
            due_date=TODAY + dt.timedelta(days=n % 11 - 5),
            source="meeting",
            meeting_id=meeting_vendor.meetings.first().pk,
            occurrence=MeetingOccurrence.objects.first(),
        )
        for n in range(start, stop)
    )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_the_pages_with_carried_and_recorded_items_cost_the_same_at_10_and_1000_vendors(
    owner_client, owner, vendor, meeting, held, django_assert_max_num_queries
):
    urls = [
        page(meeting, HELD),
        page(meeting, NEXT),
        reverse("governance:meeting-detail", args=[vendor.pk, meeting.pk]),
        "/action-items/?scope=all",
        f"/vendors/{vendor.pk}/",
    ]
    add_vendors(owner, 0, 10, vendor)
    small = {url: count_queries(owner_client, url) for url in urls}

    add_vendors(owner, 10, 1000, vendor)

    for url in urls:
        with django_assert_max_num_queries(small[url]):
            count_queries(owner_client, url)
    text = owner_client.get(page(meeting, NEXT)).content.decode()
    assert "Carried over: 1000 open action items" in text
