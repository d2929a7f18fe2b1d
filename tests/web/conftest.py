import datetime as dt

import pytest

from governance import services
from governance.models import Reminder, Review
from tests.factories import (
    ClauseFactory,
    ContactFactory,
    GoalFactory,
    IncidentFactory,
    MeetingFactory,
    ReviewFactory,
    SLATargetFactory,
)


@pytest.fixture
def owner_client(client, owner):
    services.profile_for(owner)
    client.force_login(owner)
    return client


@pytest.fixture
def workspace(vendor, owner):
    """A vendor with one of everything the workspace shows."""
    from django.contrib.contenttypes.models import ContentType

    contact = ContactFactory(vendor=vendor, name="Vera Vendor", is_primary=True)
    goal = GoalFactory(vendor=vendor, owner=owner, vendor_owner=contact)
    services.goal_check_in_add(goal=goal, date=dt.date(2026, 2, 1), value=70, author=owner)
    done = ReviewFactory(vendor=vendor, reviewer=owner)
    services.review_save(
        done,
        scores=[
            {"criterion": "quality", "score": 4, "comment": "Solid"},
            {"criterion": "responsiveness", "score": 3, "comment": ""},
        ],
        action_items=[{"description": "Fix the runbook", "owner": owner, "due_date": None}],
    )
    next_review = services.review_complete(done, today=dt.date(2026, 4, 15))
    meeting = MeetingFactory(vendor=vendor)
    meeting.attendees.set([owner])
    target = SLATargetFactory(vendor=vendor, priority="P1")
    incident = services.incident_save(IncidentFactory.build(vendor=vendor, priority="P1"))
    clause = ClauseFactory(vendor=vendor, evidence_url="https://example.com/nda.pdf")
    reminder = Reminder.objects.create(
        kind=Reminder.Kind.REVIEW_UPCOMING,
        content_type=ContentType.objects.get_for_model(Review),
        object_id=next_review.pk,
        vendor=vendor,
        occurrence=dt.datetime(2026, 7, 15, 8, tzinfo=dt.UTC),
        lead_time=dt.timedelta(days=3),
        recipient=owner,
        status=Reminder.Status.FAILED,
        attempts=3,
        last_error="SMTP 451 try again later",
    )
    return {
        "vendor": vendor,
        "contact": contact,
        "goal": goal,
        "review": done,
        "next_review": next_review,
        "meeting": meeting,
        "target": target,
        "incident": incident,
        "clause": clause,
        "reminder": reminder,
    }
