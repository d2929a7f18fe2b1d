"""The action-item register through the API: every source, the same rules as the services,
overdue first, scopes and filters, bounded queries."""

import datetime as dt

import pytest

from governance import services
from governance.models import ActionItem, Role
from tests.api.conftest import client_for
from tests.factories import (
    ContactFactory,
    IncidentFactory,
    MeetingFactory,
    ReviewFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def api(owner):
    return client_for(owner)


def post(api, **fields):
    return api.post("/api/v1/action-items/", fields, format="json")


def test_items_from_each_source_are_added_with_their_record(api, vendor, owner):
    review = ReviewFactory(vendor=vendor)
    meeting = MeetingFactory(vendor=vendor)
    incident = IncidentFactory(vendor=vendor)
    contact = ContactFactory(vendor=vendor)

    answers = [
        post(api, vendor=vendor.pk, source="review", source_id=review.pk, description="A"),
        post(api, vendor=vendor.pk, source="meeting", source_id=meeting.pk, description="B"),
        post(
            api,
            vendor=vendor.pk,
            source="incident",
            source_id=incident.pk,
            description="Post-incident fix",
            vendor_contact=contact.pk,
            due_date=str(TODAY + dt.timedelta(days=5)),
        ),
        post(api, vendor=vendor.pk, description="Renegotiate the rate card", owner=owner.pk),
    ]

    assert [answer.status_code for answer in answers] == [201] * 4, [a.json() for a in answers]
    assert [(a.json()["source"], a.json()["source_id"]) for a in answers] == [
        ("review", review.pk),
        ("meeting", meeting.pk),
        ("incident", incident.pk),
        ("other", None),
    ]
    item = ActionItem.objects.get(pk=answers[2].json()["id"])
    assert item.incident == incident and item.vendor_contact == contact
    assert item.history.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"source": "review"}, "source_id"),
        ({"source": "other", "source_id": 1}, "source_id"),
        ({"source": "review", "source_id": 10**12}, "source_id"),
        ({"source": "party"}, "source"),
        ({"status": "teleported"}, "status"),
        ({"due_date": "1200-01-01"}, "due_date"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_items_are_refused_per_field_and_write_nothing(api, vendor, fields, field):
    response = post(api, **{"vendor": vendor.pk, "description": "Do it", **fields})

    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not ActionItem.objects.exists()


def test_another_vendors_record_contact_or_representative_is_refused(api, vendor, owner):
    other = VendorFactory(owner=owner)
    review = ReviewFactory(vendor=other)
    stranger = ContactFactory(vendor=other)
    rep = UserFactory(username="rep")
    services.user_role_set(rep, role=Role.VENDOR_REP, vendor=other)

    answers = {
        "review": post(
            api, vendor=vendor.pk, source="review", source_id=review.pk, description="x"
        ),
        "vendor_contact": post(api, vendor=vendor.pk, vendor_contact=stranger.pk, description="x"),
        "owner": post(api, vendor=vendor.pk, owner=rep.pk, description="x"),
    }

    assert {name: answer.status_code for name, answer in answers.items()} == {
        "review": 400,
        "vendor_contact": 400,
        "owner": 400,
    }
    assert "review" in answers["review"].json()
    assert answers["vendor_contact"].json()["vendor_contact"] == [
        "Choose one of this vendor's contacts."
    ]
    assert answers["owner"].json()["owner"] == [
        "Choose an internal user or a representative of this item's vendor."
    ]
    assert not ActionItem.objects.exists()


def make(vendor, due, status="open", owner=None):
    return services.action_item_save(
        ActionItem(
            vendor=vendor, description=f"due {due}", due_date=due, status=status, owner=owner
        )
    )


def test_the_list_puts_overdue_items_first_and_filters_and_scopes(api, vendor, owner, member):
    later = make(vendor, TODAY + dt.timedelta(days=10), owner=member)
    overdue = make(vendor, TODAY - dt.timedelta(days=3), owner=owner)
    make(vendor, TODAY - dt.timedelta(days=30), status="done")
    undated = make(vendor, None)
    elsewhere = VendorFactory(owner=member)
    theirs = make(elsewhere, TODAY + dt.timedelta(days=1))

    listed = api.get("/api/v1/action-items/?status__in=open,in_progress").json()["results"]
    assert [row["id"] for row in listed] == [overdue.pk, theirs.pk, later.pk, undated.pk]
    assert [row["is_overdue"] for row in listed] == [True, False, False, False]
    only_overdue = api.get("/api/v1/action-items/?overdue=true").json()["results"]
    assert [row["id"] for row in only_overdue] == [overdue.pk]
    mine = api.get("/api/v1/action-items/?scope=mine").json()["results"]
    assert [row["id"] for row in mine] == [overdue.pk]
    my_vendors = api.get("/api/v1/action-items/?scope=my_vendors&status=open").json()["results"]
    assert theirs.pk not in [row["id"] for row in my_vendors]
    assert api.get("/api/v1/action-items/?scope=galaxy").status_code == 400


def test_a_status_change_is_kept_in_the_history(api, vendor):
    item = make(vendor, TODAY)

    response = api.patch(f"/api/v1/action-items/{item.pk}/", {"status": "done"}, format="json")

    assert response.status_code == 200
    assert [row.status for row in item.history.order_by("history_id")] == ["open", "done"]


def test_a_representative_is_refused_and_a_viewer_reads_only(vendor):
    rep = UserFactory(username="rep")
    services.user_role_set(rep, role=Role.VENDOR_REP, vendor=vendor)
    viewer = UserFactory(username="viewer", role=Role.VIEWER)
    make(vendor, TODAY)

    assert client_for(rep).get("/api/v1/action-items/").status_code == 403
    assert client_for(viewer).get("/api/v1/action-items/").json()["count"] == 1
    assert post(client_for(viewer), vendor=vendor.pk, description="x").status_code == 403


@pytest.mark.parametrize("vendors", [10, 1000])
def test_the_list_runs_a_bounded_number_of_queries(
    api, owner, vendors, django_assert_max_num_queries
):
    created = VendorFactory.create_batch(vendors, owner=owner) if vendors <= 10 else None
    if created is None:
        from governance.models import Vendor

        Vendor.objects.bulk_create(
            Vendor(name=f"Vendor {n}", owner=owner, time_zone="UTC") for n in range(vendors)
        )
        created = list(Vendor.objects.all())
    ActionItem.objects.bulk_create(
        ActionItem(vendor=vendor, description="Follow up", due_date=TODAY, owner=owner)
        for vendor in created
    )

    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/action-items/?page_size=100")

    assert response.status_code == 200
    assert response.json()["count"] == vendors


def test_the_default_list_is_open_items_by_due_date_then_the_closed_ones(api, vendor):
    """Overdue first (open, the earliest dates), then the other open ones by due date and
    undated last; done and cancelled items after every open one, whatever their date."""
    done_long_ago = make(vendor, TODAY - dt.timedelta(days=60), status="done")
    undated = make(vendor, None)
    later = make(vendor, TODAY + dt.timedelta(days=10))
    overdue = make(vendor, TODAY - dt.timedelta(days=3))
    cancelled_soon = make(vendor, TODAY + dt.timedelta(days=1), status="cancelled")
    started = make(vendor, TODAY + dt.timedelta(days=2), status="in_progress")

    listed = api.get("/api/v1/action-items/").json()["results"]

    assert [row["id"] for row in listed] == [
        overdue.pk,
        started.pk,
        later.pk,
        undated.pk,
        done_long_ago.pk,
        cancelled_soon.pk,
    ]
    assert [row["is_overdue"] for row in listed] == [True] + [False] * 5


def test_the_default_order_is_read_from_an_index_on_postgresql(vendor, owner):
    """The order is the index action_item_register_idx's, so a page of 45,000 items is not a
    sort of all of them (the overdue-first CASE was, whatever the indexes)."""
    from django.db import connection

    from governance.selectors.actions import action_item_register

    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    make(vendor, TODAY - dt.timedelta(days=3))
    page = action_item_register(owner)[:10]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = page.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "action_item_register_idx" in plan
    assert "Sort" not in plan


def test_the_list_total_is_the_stored_row_count_kept_by_triggers(api, vendor):
    """No COUNT(*) over every item for the whole portfolio's list: the total is read from
    the row counts (migration 0027's triggers), and follows adds and deletes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    items = [make(vendor, TODAY + dt.timedelta(days=n)) for n in range(3)]
    ActionItem.objects.filter(pk=items[0].pk).delete()

    with CaptureQueriesContext(connection) as captured:
        body = api.get("/api/v1/action-items/?page_size=1").json()

    assert body["count"] == 2
    assert not [q for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
    assert api.get("/api/v1/action-items/?status=open").json()["count"] == 2
