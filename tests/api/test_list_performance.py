"""What keeps the lists cheap at 10,000 vendors, without changing what they show.

A user who sees every vendor gets no ``vendor_id IN (SELECT ...)`` filter (it narrowed nothing
and joined every row); narrowed visibility still narrows. A list given no filter skips its
FilterSet; given one, filters and validates as before.
"""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import selectors
from governance.models import Reminder, Review, Vendor
from tests.factories import (
    ContactFactory,
    GoalFactory,
    IncidentFactory,
    ReviewFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


def reminder(*, vendor, recipient):
    review = ReviewFactory(vendor=vendor or VendorFactory(owner=recipient))
    return Reminder.objects.create(
        kind="review_upcoming",
        content_type=ContentType.objects.get_for_model(Review),
        object_id=review.pk,
        vendor=vendor,
        occurrence=dt.datetime(2026, 4, 15, tzinfo=dt.UTC),
        lead_time=dt.timedelta(days=3),
        recipient=recipient,
    )


def ids(response):
    assert response.status_code == 200, response.data
    return {row["id"] for row in response.json()["results"]}


def list_sql(api, url, table):
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries if f'FROM "{table}"' in q["sql"]]


def test_a_user_who_sees_every_vendor_lists_without_a_vendor_subquery(api, vendor):
    ContactFactory(vendor=vendor)
    IncidentFactory(vendor=vendor)

    for url, table in [
        ("/api/v1/contacts/", "governance_contact"),
        ("/api/v1/incidents/", "governance_incident"),
    ]:
        queries = list_sql(api, url, table)
        assert queries
        assert not any("governance_vendor" in sql for sql in queries)


def test_the_vendor_list_does_not_read_the_owners(api, vendor):
    queries = list_sql(api, "/api/v1/vendors/", "governance_vendor")

    assert queries
    assert not any('"auth_user"' in sql for sql in queries)


@pytest.fixture
def only_the_vendor_under_test(monkeypatch, vendor):
    """Visibility narrowed to ``vendor``: as if the rules gave the user just that vendor."""
    monkeypatch.setattr(selectors, "vendors_for", lambda user: Vendor.objects.filter(pk=vendor.pk))


def test_narrowed_visibility_still_narrows_every_list(
    api, owner, vendor, only_the_vendor_under_test
):
    other = VendorFactory(owner=owner)
    mine = ContactFactory(vendor=vendor)
    ContactFactory(vendor=other)
    my_incident = IncidentFactory(vendor=vendor)
    IncidentFactory(vendor=other)

    assert ids(api.get("/api/v1/vendors/")) == {vendor.pk}
    assert ids(api.get("/api/v1/contacts/")) == {mine.pk}
    assert ids(api.get("/api/v1/incidents/")) == {my_incident.pk}


def test_narrowed_visibility_still_hides_other_vendors_goals_and_reminders(
    api, owner, vendor, only_the_vendor_under_test
):
    other = VendorFactory(owner=owner)
    their_goal = GoalFactory(vendor=other)
    about_mine = reminder(vendor=vendor, recipient=owner)
    about_theirs = reminder(vendor=other, recipient=owner)
    my_digest = reminder(vendor=None, recipient=owner)
    someone_elses_digest = reminder(vendor=None, recipient=UserFactory())

    assert api.get(f"/api/v1/goals/{their_goal.pk}/check-ins/").status_code == 404
    listed = ids(api.get("/api/v1/reminders/"))
    assert about_mine.pk in listed and my_digest.pk in listed
    assert about_theirs.pk not in listed and someone_elses_digest.pk not in listed


def test_every_vendor_still_hides_other_users_digests(api, owner, vendor):
    about_a_vendor = reminder(vendor=vendor, recipient=UserFactory())
    my_digest = reminder(vendor=None, recipient=owner)
    reminder(vendor=None, recipient=UserFactory())  # someone else's digest

    listed = ids(api.get("/api/v1/reminders/"))

    assert listed == {about_a_vendor.pk, my_digest.pk}


def test_a_list_given_a_filter_still_filters_and_validates_it(api, vendor):
    primary = ContactFactory(vendor=vendor, is_primary=True)
    ContactFactory(vendor=vendor, is_primary=False)

    assert ids(api.get("/api/v1/contacts/?is_primary=true")) == {primary.pk}
    assert api.get("/api/v1/contacts/?is_primary=maybe").status_code == 400
    assert api.get("/api/v1/incidents/?status__in=open,nonsense").status_code == 400


def test_paging_through_a_list_ordered_by_a_tied_field_gives_every_row_once(api, vendor):
    incidents = IncidentFactory.create_batch(23, vendor=vendor, status="open")
    seen, page = [], "/api/v1/incidents/?ordering=-status&page_size=5"
    while page:
        body = api.get(page).json()
        seen.extend(row["id"] for row in body["results"])
        page = body["next"]
    # Every row once, the ties in the direction of the last field asked for.
    assert seen == sorted((incident.pk for incident in incidents), reverse=True)
