"""Escalation paths: a vendor's matrix by level and topic, with the same rules at every door
(API, admin), and the security escalation choosing its recipients from it."""

import datetime as dt

import pytest
import time_machine

from governance import reminders, services
from governance.models import ClauseType, EscalationContact, Incident, Reminder, Role
from tests.api.conftest import client_for
from tests.factories import (
    ClauseFactory,
    ContactFactory,
    IncidentFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(owner):
    return client_for(owner)


@pytest.fixture
def contact(vendor):
    return ContactFactory(vendor=vendor, name="Vera Vendor", email="vera@vendor.example")


def test_both_sides_of_the_matrix_are_added_and_listed_by_topic(api, vendor, member, contact):
    ours = api.post(
        "/api/v1/escalation-contacts/",
        {
            "vendor": vendor.pk,
            "level": 2,
            "topic": "security",
            "side": "ours",
            "user": member.pk,
            "response_minutes": 60,
        },
        format="json",
    )
    theirs = api.post(
        "/api/v1/escalation-contacts/",
        {
            "vendor": vendor.pk,
            "level": 1,
            "topic": "service",
            "side": "vendor",
            "contact": contact.pk,
            "reach": "On-call +48 600 000 000",
        },
        format="json",
    )

    assert ours.status_code == 201, ours.json()
    assert theirs.status_code == 201, theirs.json()
    listed = api.get(f"/api/v1/escalation-contacts/?vendor={vendor.pk}&topic=security").json()
    assert [row["user"] for row in listed["results"]] == [member.pk]
    assert listed["results"][0]["response_minutes"] == 60


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"side": "ours"}, "user", "Our side names one of our users"),
        ({"side": "vendor", "user": "member"}, "user", "Our side names one of our users"),
        ({"side": "ours", "user": "member", "level": 4}, "level", "is not a valid choice"),
        ({"side": "ours", "user": "member", "topic": "legal"}, "topic", "is not a valid choice"),
        (
            {"side": "ours", "user": "member", "response_minutes": 10**9},
            "response_minutes",
            "less than or equal to 5270400",
        ),
    ],
)
def test_bad_entries_are_refused_per_field_and_write_nothing(
    api, vendor, member, fields, field, message
):
    payload = {"vendor": vendor.pk, "level": 1, "topic": "service", **fields}
    if payload.get("user") == "member":
        payload["user"] = member.pk

    response = api.post("/api/v1/escalation-contacts/", payload, format="json")

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not EscalationContact.objects.exists()


def test_another_vendors_contact_and_a_representative_are_refused(api, vendor, owner):
    other = VendorFactory(owner=owner)
    stranger = ContactFactory(vendor=other)
    rep = UserFactory(username="rep")
    services.user_role_set(rep, role=Role.VENDOR_REP, vendor=vendor)

    contact_answer = api.post(
        "/api/v1/escalation-contacts/",
        {
            "vendor": vendor.pk,
            "level": 1,
            "topic": "service",
            "side": "vendor",
            "contact": stranger.pk,
        },
        format="json",
    )
    rep_answer = api.post(
        "/api/v1/escalation-contacts/",
        {"vendor": vendor.pk, "level": 1, "topic": "service", "side": "ours", "user": rep.pk},
        format="json",
    )

    assert contact_answer.status_code == 400
    assert contact_answer.json()["contact"] == ["Choose one of this vendor's contacts."]
    assert rep_answer.status_code == 400
    assert rep_answer.json()["user"] == ["Choose one of the organisation's users."]
    assert not EscalationContact.objects.exists()


def test_a_person_is_at_one_level_of_a_topic_once(api, vendor, member):
    payload = {
        "vendor": vendor.pk,
        "level": 2,
        "topic": "security",
        "side": "ours",
        "user": member.pk,
    }
    assert api.post("/api/v1/escalation-contacts/", payload, format="json").status_code == 201

    again = api.post("/api/v1/escalation-contacts/", payload, format="json")

    assert again.status_code == 400
    assert again.json()["user"] == ["This person is already at this level for this topic."]


def test_a_viewer_reads_the_matrix_but_cannot_change_it(vendor, member):
    services.escalation_contact_save(
        EscalationContact(vendor=vendor, level=1, topic="service", side="ours", user=member)
    )
    viewer = UserFactory(username="viewer", role=Role.VIEWER)
    api = client_for(viewer)

    assert api.get("/api/v1/escalation-contacts/").json()["count"] == 1
    refused = api.post(
        "/api/v1/escalation-contacts/",
        {"vendor": vendor.pk, "level": 1, "topic": "service", "side": "ours", "user": member.pk},
        format="json",
    )
    assert refused.status_code == 403


def test_the_admin_refuses_another_vendors_contact_too(client, vendor, owner):
    admin = UserFactory(username="root", role=Role.ADMINISTRATOR, is_staff=True)
    stranger = ContactFactory(vendor=VendorFactory(owner=owner))
    client.force_login(admin)

    response = client.post(
        "/admin/governance/escalationcontact/add/",
        {
            "vendor": vendor.pk,
            "level": 1,
            "topic": "service",
            "side": "vendor",
            "contact": stranger.pk,
            "reach": "",
        },
    )

    assert response.status_code == 200
    assert "Choose one of this vendor&#x27;s contacts." in response.content.decode()
    assert not EscalationContact.objects.exists()


def test_the_change_is_in_the_history(vendor, member):
    entry = services.escalation_contact_save(
        EscalationContact(vendor=vendor, level=1, topic="service", side="ours", user=member)
    )
    entry.level = 2
    services.escalation_contact_save(entry)

    assert [row.level for row in entry.history.order_by("history_id")] == [1, 2]


# --- the security escalation follows the path ----------------------------------------------

DETECTED = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)


def test_a_missed_security_deadline_escalates_to_the_management_level_of_the_path(
    vendor, member, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    settings.GOVERNANCE_REMINDER_SEND_HOUR = 0
    admin = UserFactory(username="root", role=Role.ADMINISTRATOR)
    ciso = UserFactory(username="ciso")
    services.escalation_contact_save(
        EscalationContact(vendor=vendor, level=2, topic="security", side="ours", user=ciso)
    )
    services.escalation_contact_save(
        EscalationContact(vendor=vendor, level=1, topic="security", side="ours", user=member)
    )
    other = VendorFactory(owner=vendor.owner)
    for on in (vendor, other):
        with time_machine.travel(DETECTED - dt.timedelta(days=30), tick=False):
            ClauseFactory(
                vendor=on, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=24
            )
        IncidentFactory(
            vendor=on,
            category=Incident.Category.SECURITY,
            detected_at=DETECTED,
            opened_at=DETECTED,
        )

    with (
        time_machine.travel(DETECTED + dt.timedelta(hours=25), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reminders.sweep()

    escalations = Reminder.objects.filter(kind=Reminder.Kind.SECURITY_ESCALATION)
    assert sorted(escalations.values_list("vendor_id", "recipient__username")) == sorted(
        [(vendor.pk, "ciso"), (other.pk, admin.username)]
    )
    assert {message.to[0] for message in mail.outbox if "Escalation" in message.subject} == {
        "ciso@example.com",
        "root@example.com",
    }
