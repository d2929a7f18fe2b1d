"""Every list answers in a fixed number of queries, however many rows it holds.

Each list is read with a few rows and with many, each row carrying everything the list shows
(scores, action items, attendees, breach flags, ...): the counts must be equal and small.
"""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from governance import services
from governance.models import Goal, Reminder
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

pytestmark = pytest.mark.django_db

FEW, MANY = 2, 25


def make_vendors(n, owner):
    for _ in range(n):
        vendor = VendorFactory(owner=owner)
        ReviewFactory(vendor=vendor)
        GoalFactory(vendor=vendor)
        IncidentFactory(vendor=vendor)
        ClauseFactory(vendor=vendor)


def make_contacts(n, vendor):
    for _ in range(n):
        ContactFactory(vendor=vendor)


def make_goals(n, vendor):
    contact = ContactFactory(vendor=vendor)
    for _ in range(n):
        GoalFactory(vendor=vendor, owner=vendor.owner, vendor_owner=contact)


def make_check_ins(n, vendor):
    goal = Goal.objects.filter(vendor=vendor).first() or GoalFactory(vendor=vendor)
    done = goal.check_ins.count()
    for day in range(done, done + n):
        services.goal_check_in_add(
            goal=goal, date=dt.date(2026, 1, 1) + dt.timedelta(days=day), value=day
        )
    return f"/api/v1/goals/{goal.pk}/check-ins/"


def make_reviews(n, vendor):
    for _ in range(n):
        review = ReviewFactory(vendor=vendor, reviewer=vendor.owner)
        services.review_save(
            review,
            scores=[
                {"criterion": "quality", "score": 4, "comment": ""},
                {"criterion": "cost", "score": 3, "comment": ""},
            ],
            action_items=[
                {
                    "description": "Follow up",
                    "owner": vendor.owner,
                    "due_date": None,
                    "status": "open",
                }
            ],
        )


def make_meetings(n, vendor):
    contact = ContactFactory(vendor=vendor)
    for _ in range(n):
        meeting = MeetingFactory(vendor=vendor)
        meeting.attendees.set([vendor.owner, UserFactory()])
        meeting.contacts.set([contact])


def make_sla_targets(n, vendor):
    for _ in range(n):
        SLATargetFactory(vendor=VendorFactory(owner=vendor.owner), priority="P2")


def make_incidents(n, vendor):
    if not vendor.sla_targets.exists():
        SLATargetFactory(vendor=vendor, priority="P1")
    for _ in range(n):
        services.incident_save(IncidentFactory.build(vendor=vendor))


def make_clauses(n, vendor):
    for _ in range(n):
        ClauseFactory(vendor=VendorFactory(owner=vendor.owner))


def make_reminders(n, vendor):
    review_type = ContentType.objects.get_for_model(ReviewFactory._meta.model)
    for _ in range(n):
        review = ReviewFactory(vendor=vendor)
        Reminder.objects.create(
            kind="review_upcoming",
            content_type=review_type,
            object_id=review.pk,
            vendor=vendor,
            occurrence=dt.datetime(2026, 4, 15, tzinfo=dt.UTC),
            lead_time=dt.timedelta(days=3),
            recipient=vendor.owner,
        )


def make_users(n, vendor):
    for _ in range(n):
        UserFactory()


LISTS = {
    "vendors": ("/api/v1/vendors/", lambda n, vendor: make_vendors(n, vendor.owner), 6),
    "contacts": ("/api/v1/contacts/", make_contacts, 6),
    "goals": ("/api/v1/goals/", make_goals, 6),
    "check-ins": (None, make_check_ins, 7),
    "reviews": ("/api/v1/reviews/", make_reviews, 8),
    "meetings": ("/api/v1/meetings/", make_meetings, 8),
    "sla-targets": ("/api/v1/sla-targets/", make_sla_targets, 6),
    "incidents": ("/api/v1/incidents/", make_incidents, 6),
    "clauses": ("/api/v1/clauses/", make_clauses, 6),
    "reminders": ("/api/v1/reminders/", make_reminders, 6),
    "users": ("/api/v1/users/", make_users, 6),
}


def count_queries(api, url, rows, max_queries, django_assert_max_num_queries):
    with django_assert_max_num_queries(max_queries) as captured:
        response = api.get(f"{url}?page_size=100")
    assert response.status_code == 200, response.data
    assert response.json()["count"] >= rows
    return len(captured)


@pytest.mark.parametrize("name", LISTS)
def test_a_list_reads_in_the_same_few_queries_for_few_and_many_rows(
    api, vendor, name, django_assert_max_num_queries
):
    # The maxima include 2 queries of token authentication (the token, the user's other
    # tokens) and the savepoint and its release around the request (ATOMIC_REQUESTS).
    url, make, max_queries = LISTS[name]

    url = make(FEW, vendor) or url
    few = count_queries(api, url, FEW, max_queries, django_assert_max_num_queries)
    make(MANY - FEW, vendor)
    many = count_queries(api, url, MANY, max_queries, django_assert_max_num_queries)

    assert many == few
