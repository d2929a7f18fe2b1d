"""Escalations reach the vendor's side of its escalation path (its contacts, by email) where
the vendor allows it, exactly once, in the vendor's time zone, and wait for our snoozes."""

import datetime as dt

import pytest

from governance import services
from governance.models import (
    ActionItem,
    ClauseType,
    EscalationContact,
    Incident,
    Reminder,
    Role,
)
from tests.factories import ClauseFactory, ContactFactory, IncidentFactory, UserFactory
from tests.reminders.conftest import NOW, recipients_of, set_profile

pytestmark = pytest.mark.django_db

TODAY = NOW.date()


def overdue_item(vendor, owner):
    return services.action_item_save(
        ActionItem(
            vendor=vendor,
            description="Fix the backup job",
            owner=owner,
            due_date=TODAY - dt.timedelta(days=5),
        )
    )


@pytest.fixture
def paths(vendor):
    """Both sides of the vendor's level-2 paths for service and security, the vendor allowing
    its contacts to be emailed, in New York."""
    head = UserFactory(username="head")
    set_profile(head)
    vendor.email_vendor_contacts = True
    vendor.time_zone = "America/New_York"
    vendor.save()
    theirs = ContactFactory(vendor=vendor, name="Vera Vendor", email="vera@acme.test")
    silent = ContactFactory(vendor=vendor, name="No Mail", email="")
    for topic in ("service", "security"):
        services.escalation_contact_save(
            EscalationContact(vendor=vendor, level=2, topic=topic, side="ours", user=head)
        )
        for contact in (theirs, silent):
            services.escalation_contact_save(
                EscalationContact(
                    vendor=vendor, level=2, topic=topic, side="vendor", contact=contact
                )
            )
    # Another level's contact is not the escalated level.
    services.escalation_contact_save(
        EscalationContact(
            vendor=vendor,
            level=3,
            topic="service",
            side="vendor",
            contact=ContactFactory(vendor=vendor, email="exec@acme.test"),
        )
    )
    return theirs


def test_an_overdue_item_reaches_our_level_2_and_the_vendors_level_2_contact_once(
    run_sweep, vendor, member, paths
):
    overdue_item(vendor, member)

    sent = run_sweep(NOW)

    assert recipients_of(sent) == ["head@example.com", "vera@acme.test"]
    to_vera = next(m for m in sent if m.to == ["vera@acme.test"])
    body = to_vera.body
    assert "Hello Vera Vendor" in body
    assert "America/New_York" in body
    assert "/account/preferences/" not in body
    assert "governance.example.com/vendors" not in body
    assert "List-Unsubscribe" not in to_vera.extra_headers
    row = Reminder.objects.get(recipient_contact=paths)
    assert row.recipient is None and row.status == Reminder.Status.SENT
    assert run_sweep(NOW + dt.timedelta(days=1)) == []
    assert Reminder.objects.filter(kind=Reminder.Kind.ACTION_ITEM_OVERDUE).count() == 2


def test_vendor_contacts_are_not_emailed_unless_the_vendor_allows_it(
    run_sweep, vendor, member, paths
):
    vendor.email_vendor_contacts = False
    vendor.save()
    overdue_item(vendor, member)

    assert recipients_of(run_sweep(NOW)) == ["head@example.com"]


def test_a_contact_reminder_is_dropped_once_the_vendor_withdraws_its_consent(vendor, member, paths):
    from governance import reminders

    overdue_item(vendor, member)
    result = reminders.sweep(NOW, enqueue=False)
    vendor.email_vendor_contacts = False
    vendor.save()
    row = Reminder.objects.get(recipient_contact=paths)

    outcome = reminders.deliver(row.pk)

    assert outcome.status == reminders.DROPPED
    assert "no longer allows" in outcome.detail
    assert len(result.to_send) == 2


def test_a_snooze_by_one_of_our_users_holds_the_vendors_escalation_too(
    run_sweep, vendor, member, paths
):
    late = overdue_item(vendor, member)
    services.snooze_set(member, late, until=TODAY + dt.timedelta(days=2), today=TODAY)

    assert run_sweep(NOW) == []
    assert not Reminder.objects.filter(recipient_contact=paths).exists()


def test_a_missed_security_deadline_reaches_the_vendors_security_contact(
    run_sweep, vendor, member, paths
):
    admin = UserFactory(username="admin", role=Role.ADMINISTRATOR)
    set_profile(admin)
    ClauseFactory(vendor=vendor, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=24)
    IncidentFactory(
        vendor=vendor,
        category=Incident.Category.SECURITY,
        detected_at=NOW - dt.timedelta(hours=30),
        opened_at=NOW - dt.timedelta(hours=29),
    )

    sent = [m for m in run_sweep(NOW) if m.subject.startswith("Escalation")]

    assert recipients_of(sent) == ["head@example.com", "vera@acme.test"]
    assert (
        Reminder.objects.filter(
            kind=Reminder.Kind.SECURITY_ESCALATION, recipient_contact=paths
        ).count()
        == 1
    )


def test_contact_reminders_are_listed_with_the_contact_in_the_api_and_the_vendor_page(
    run_sweep, vendor, member, paths, client
):
    overdue_item(vendor, member)
    run_sweep(NOW)
    admin = UserFactory(username="root", role=Role.ADMINISTRATOR)
    client.force_login(admin)

    api = client.get("/api/v1/reminders/", {"vendor": vendor.pk}).json()
    page = client.get(f"/vendors/{vendor.pk}/reminders/")
    csv = client.get(f"/vendors/{vendor.pk}/reminders/", {"export": "csv"})

    rows = api["results"]
    assert {(row["recipient"] is None, row["recipient_contact"]) for row in rows} == {
        (False, None),
        (True, paths.pk),
    }
    assert "Vera Vendor" in page.content.decode()
    assert "vera@acme.test" in csv.content.decode()
