"""Action items are reminded before they fall due and escalated once overdue, to the next
level of the vendor's escalation path, and not while snoozed."""

import datetime as dt

import pytest

from governance import services
from governance.models import ActionItem, EscalationContact, Reminder, Role
from tests.factories import ContactFactory, UserFactory
from tests.reminders.conftest import NOW, recipients_of, set_profile

pytestmark = pytest.mark.django_db

TODAY = NOW.date()


def item(vendor, due, **fields):
    return services.action_item_save(
        ActionItem(vendor=vendor, description="Send the capacity plan", due_date=due, **fields)
    )


def test_an_item_is_reminded_to_its_owner_three_days_before_and_on_the_day(
    run_sweep, vendor, member
):
    item(vendor, TODAY + dt.timedelta(days=3), owner=member)

    before = run_sweep(NOW)
    assert run_sweep(NOW + dt.timedelta(hours=2)) == []
    on_the_day = run_sweep(NOW + dt.timedelta(days=3))

    assert recipients_of(before) == ["member@example.com"]
    assert before[0].subject == (
        "Action item for Acme Hosting due in 3 days: Send the capacity plan"
    )
    assert "today" in on_the_day[0].subject


def test_the_vendors_side_is_reminded_to_the_relationship_owner(run_sweep, vendor):
    rep = UserFactory(username="rep")
    services.user_role_set(rep, role=Role.VENDOR_REP, vendor=vendor)
    set_profile(rep)
    item(vendor, TODAY + dt.timedelta(days=3), owner=rep)
    item(vendor, TODAY + dt.timedelta(days=3), vendor_contact=ContactFactory(vendor=vendor))

    assert recipients_of(run_sweep(NOW)) == ["owner@example.com", "owner@example.com"]


def test_a_closed_item_is_not_reminded(run_sweep, vendor, member):
    done = item(vendor, TODAY + dt.timedelta(days=3), owner=member)
    services.action_item_status_set(done, status="done")

    assert run_sweep(NOW) == []


def test_an_overdue_item_escalates_once_to_the_management_level_of_the_path(
    run_sweep, vendor, member
):
    manager = UserFactory(username="head")
    set_profile(manager)
    services.escalation_contact_save(
        EscalationContact(vendor=vendor, level=2, topic="service", side="ours", user=manager)
    )
    item(vendor, TODAY - dt.timedelta(days=1), owner=member)

    assert [m for m in run_sweep(NOW) if "Escalation" in m.subject] == []  # within the margin
    escalated = [m for m in run_sweep(NOW + dt.timedelta(days=1)) if "Escalation" in m.subject]

    assert recipients_of(escalated) == ["head@example.com"]
    assert escalated[0].subject.startswith("Escalation: action item for Acme Hosting overdue")
    assert run_sweep(NOW + dt.timedelta(days=2)) == []


def test_without_a_path_the_relationship_owner_gets_the_escalation(run_sweep, vendor, member):
    item(vendor, TODAY - dt.timedelta(days=5), owner=member)

    escalated = [m for m in run_sweep(NOW) if "Escalation" in m.subject]

    assert recipients_of(escalated) == ["owner@example.com"]


def test_no_escalation_while_the_item_is_snoozed(run_sweep, vendor, member):
    late = item(vendor, TODAY - dt.timedelta(days=5), owner=member)
    snooze = services.snooze_set(member, late, until=TODAY + dt.timedelta(days=2), today=TODAY)

    assert run_sweep(NOW) == []
    services.snooze_end(snooze)
    assert recipients_of(run_sweep(NOW + dt.timedelta(minutes=5))) == ["owner@example.com"]
    assert Reminder.objects.filter(kind=Reminder.Kind.ACTION_ITEM_OVERDUE).count() == 1
