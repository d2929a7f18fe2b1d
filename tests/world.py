"""Two vendors with one of everything, and a person in every role, for the access tests.

``vendor`` ("own") is owned by ``owner``, has ``assigned`` as an assigned manager and ``rep``
as its representative; ``other`` is owned by ``third`` and represented by ``other_rep``.
``member`` is a manager with no tie to either; ``viewer``, ``auditor`` and ``admin`` have
the roles their names say.

Users in odd states, who must get nothing (access fails closed): ``nobody`` has the role
``none``, ``orphan`` has no profile at all (what a vendor deletion used to leave of a
representative), ``inactive`` is a deactivated manager, ``ended_rep`` represents a vendor
whose relationship has ended.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from governance import services
from governance.models import (
    ActionItem,
    CreditPolicy,
    EscalationContact,
    Reminder,
    Review,
    Role,
    UserProfile,
)
from tests.factories import (
    ClauseFactory,
    ContactFactory,
    GoalFactory,
    IncidentFactory,
    MeetingFactory,
    ReviewFactory,
    SLATargetFactory,
    UserFactory,
    VendorFactory,
)

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
# Instances of the world's weekly meeting series: one held, one still to come.
HELD = dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.UTC)
COMING = dt.datetime(2026, 3, 16, 8, 0, tzinfo=dt.UTC)
PASSWORD = "correct-horse-battery"

INTERNAL_ROLES = ["admin", "owner", "assigned", "member", "viewer", "auditor"]
# Signed in, but granted nothing.
NO_ACCESS_ROLES = ["nobody", "orphan", "ended_rep"]
# Treated as signed out: a deactivated account's session and tokens no longer authenticate.
SIGNED_OUT_ROLES = ["anonymous", "inactive"]
ROLES = [*INTERNAL_ROLES, "rep", "other_rep", *NO_ACCESS_ROLES, *SIGNED_OUT_ROLES]


def person(username, role, *, vendor=None, **extra):
    user = UserFactory(username=username, **extra)
    services.user_role_set(user, role=role, vendor=vendor)
    user.refresh_from_db()  # the profile the factory cached had the factory's role
    return user


def furnish(vendor, *, internal, rep):
    """One record of every kind for ``vendor``; ``rep`` owns an action item and a proposal."""
    contact = ContactFactory(
        vendor=vendor, name=f"{vendor.name} contact", is_primary=not vendor.contacts.exists()
    )
    goal = GoalFactory(
        vendor=vendor, owner=internal, vendor_owner=contact, title=f"{vendor.name} goal"
    )
    services.goal_check_in_add(goal=goal, date=dt.date(2026, 2, 1), value=70, author=internal)
    review = ReviewFactory(vendor=vendor, reviewer=internal, summary=f"{vendor.name} summary")
    services.review_save(
        review,
        scores=[{"criterion": "quality", "score": 4, "comment": "Solid"}],
        action_items=[
            {
                "description": f"{vendor.name} action",
                "owner": rep,
                "due_date": dt.date(2026, 5, 1),
                "status": "open",
            }
        ],
    )
    next_review = services.review_complete(review, today=dt.date(2026, 4, 15), now=NOW)
    # The quarter before, completed and disputed by the representative (the inbox's
    # review_disputed activity, a dispute for the manager to answer).
    disputed = ReviewFactory(
        vendor=vendor,
        reviewer=internal,
        period_start=dt.date(2025, 10, 1),
        period_end=dt.date(2025, 12, 31),
        scheduled_for=dt.date(2026, 1, 15),
        status=Review.Status.COMPLETED,
        completed_at=NOW - dt.timedelta(days=50),
    )
    services.review_acknowledge(
        disputed, by=rep, comment="We dispute the innovation score.", dispute=True
    )
    meeting = MeetingFactory(vendor=vendor, title=f"{vendor.name} sync", agenda="Backlog")
    services.meeting_save(meeting, attendees=[internal], contacts=[contact])
    proposal = services.agenda_propose(meeting=meeting, author=rep, text="Capacity plan")
    # The series meets on Mondays at 09:00 in Warsaw: the 9 March one was held.
    occurrence = services.occurrence_record(
        services.occurrence_of(meeting, HELD),
        minutes=f"{vendor.name} backlog reviewed",
        attendees=[internal],
        contacts=[contact],
    )
    decision = services.decision_add(occurrence, text="Weekly status by email", by=internal)
    occurrence = services.minutes_share(occurrence)  # waiting for the vendor's sign-off
    target = SLATargetFactory(vendor=vendor, priority="P1")
    incident = services.incident_save(
        # An hour before the world is built (an incident cannot open in the future).
        IncidentFactory.build(
            vendor=vendor, priority="P1", opened_at=timezone.now() - dt.timedelta(hours=1)
        ),
        now=NOW,
    )
    clause = ClauseFactory(
        vendor=vendor,
        evidence_url="https://example.com/nda.pdf",
        evidence_file=ContentFile(b"%PDF-1.4 signed NDA", name="nda.pdf"),
    )
    credit_policy = services.credit_policy_save(
        CreditPolicy(
            vendor=vendor,
            monthly_fee=Decimal("1000.00"),
            bands=[{"below_percent": 99, "credit_percent": 5}],
            per_breach={"P1": 100},
        )
    )
    credit_statement = services.credit_statement_compute(vendor, month=NOW.date(), now=NOW)
    escalation = services.escalation_contact_save(
        EscalationContact(
            vendor=vendor, level=2, topic="security", side="ours", user=internal, reach="On call"
        )
    )
    services.escalation_contact_save(
        EscalationContact(vendor=vendor, level=1, topic="service", side="vendor", contact=contact)
    )
    follow_up = services.action_item_save(
        ActionItem(
            vendor=vendor,
            description=f"{vendor.name} rate card",
            owner=internal,
            vendor_contact=contact,
            due_date=dt.date(2026, 3, 1),
        )
    )
    snooze = services.snooze_set(
        internal,
        incident,
        until=dt.date(2026, 3, 20),
        note="Waiting on the vendor",
        today=NOW.date(),
    )
    reminder = Reminder.objects.create(
        kind=Reminder.Kind.REVIEW_UPCOMING,
        content_type=ContentType.objects.get_for_model(Review),
        object_id=next_review.pk,
        vendor=vendor,
        occurrence=dt.datetime(2026, 7, 15, 8, tzinfo=dt.UTC),
        lead_time=dt.timedelta(days=3),
        recipient=internal,
    )
    return SimpleNamespace(
        vendor=vendor,
        contact=contact,
        goal=goal,
        review=review,
        next_review=next_review,
        disputed=disputed,
        activity=disputed.activities.get(),
        action_item=review.action_items.get(),
        meeting=meeting,
        proposal=proposal,
        occurrence=occurrence,
        decision=decision,
        target=target,
        incident=incident,
        clause=clause,
        credit_policy=credit_policy,
        credit_statement=credit_statement,
        escalation=escalation,
        follow_up=follow_up,
        snooze=snooze,
        reminder=reminder,
    )


def build(owner, member, vendor):
    """The people and both vendors' records (``owner``, ``member``, ``vendor``: the personas)."""
    third = person("third", Role.MANAGER)
    other = VendorFactory(name="Other Networks", owner=third)
    people = {
        "admin": person("admin", Role.ADMINISTRATOR, is_staff=True),
        "owner": owner,
        "assigned": person("assigned", Role.MANAGER),
        "member": member,
        "viewer": person("viewer", Role.VIEWER),
        "auditor": person("auditor", Role.AUDITOR),
        "rep": person("rep", Role.VENDOR_REP, vendor=vendor),
        "other_rep": person("other_rep", Role.VENDOR_REP, vendor=other),
        "third": third,
    }
    ended = VendorFactory(name="Former Partner", owner=third, status="ended")
    people["ended_rep"] = person("ended_rep", Role.VENDOR_REP, vendor=ended)
    people["nobody"] = person("nobody", Role.NONE)
    people["orphan"] = UserFactory(username="orphan")
    UserProfile.objects.filter(user=people["orphan"]).delete()
    people["inactive"] = UserFactory(username="inactive", is_active=False)
    services.vendor_managers_set(vendor, managers=[people["assigned"]])
    for user in (owner, member):
        services.profile_for(user)
    vendor.notes = "INTERNAL-NOTE: renegotiate the price before renewal."
    vendor.save()
    return SimpleNamespace(
        people=people,
        own=furnish(vendor, internal=owner, rep=people["rep"]),
        other=furnish(other, internal=third, rep=people["other_rep"]),
    )


# --- fixtures, for the suites that use the world (their conftest imports these) ------------


@pytest.fixture(autouse=True)
def _frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(owner, member, vendor):
    """Two vendors with one of everything and a person in every role."""
    return build(owner, member, vendor)
