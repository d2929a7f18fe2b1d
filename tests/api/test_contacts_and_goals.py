import datetime as dt
from decimal import Decimal

import pytest

from governance.models import Contact, Goal, GoalCheckIn
from tests.factories import ContactFactory, GoalFactory, VendorFactory

pytestmark = pytest.mark.django_db


# --- contacts ------------------------------------------------------------------------------


def test_contacts_are_created_listed_updated_and_deleted(api, vendor):
    created = api.post(
        "/api/v1/contacts/",
        {"vendor": vendor.pk, "name": "Jan Kowalski", "email": "jan@acme.test", "role": "CSM"},
    )
    assert created.status_code == 201, created.data
    contact_id = created.json()["id"]
    assert created.json()["is_primary"] is False

    listed = api.get(f"/api/v1/contacts/?vendor={vendor.pk}").json()
    assert [row["name"] for row in listed["results"]] == ["Jan Kowalski"]

    patched = api.patch(f"/api/v1/contacts/{contact_id}/", {"phone": "+48 600 000 000"})
    assert patched.status_code == 200
    assert Contact.objects.get(pk=contact_id).phone == "+48 600 000 000"

    assert api.delete(f"/api/v1/contacts/{contact_id}/").status_code == 204
    assert not Contact.objects.exists()


def test_marking_a_contact_primary_unmarks_the_previous_one(api, vendor):
    old = ContactFactory(vendor=vendor, is_primary=True)
    new = ContactFactory(vendor=vendor)

    response = api.patch(f"/api/v1/contacts/{new.pk}/", {"is_primary": True})

    assert response.status_code == 200, response.data
    old.refresh_from_db()
    assert old.is_primary is False
    assert api.get("/api/v1/contacts/?is_primary=true").json()["results"][0]["id"] == new.pk


def test_a_contact_cannot_move_to_another_vendor(api, vendor):
    contact = ContactFactory(vendor=vendor)
    other = VendorFactory()

    response = api.patch(f"/api/v1/contacts/{contact.pk}/", {"vendor": other.pk})

    assert response.status_code == 400
    assert response.json() == {"vendor": ["This cannot be changed once created."]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "No vendor"}, "vendor"),
        ({"vendor": 424242, "name": "Ghost"}, "vendor"),
        ({"vendor": "__VENDOR__", "name": "X", "email": "not-an-email"}, "email"),
        ({"vendor": "__VENDOR__", "name": "X", "is_primary": "sometimes"}, "is_primary"),
        ({"vendor": "__VENDOR__", "name": "X" * 201}, "name"),
        ({"vendor": "__VENDOR__", "name": "Nul\x00byte"}, "name"),
    ],
)
def test_invalid_contacts_are_refused_per_field(api, vendor, body, field):
    body = {key: vendor.pk if value == "__VENDOR__" else value for key, value in body.items()}

    response = api.post("/api/v1/contacts/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Contact.objects.exists()


def test_contacts_are_searched_and_ordered(api, vendor):
    ContactFactory(vendor=vendor, name="Zofia Nowak", role="Service manager")
    ContactFactory(vendor=vendor, name="Adam Wolski", role="Account manager")

    searched = api.get("/api/v1/contacts/?search=service").json()["results"]
    ordered = api.get("/api/v1/contacts/?ordering=-name").json()["results"]

    assert [row["name"] for row in searched] == ["Zofia Nowak"]
    assert [row["name"] for row in ordered] == ["Zofia Nowak", "Adam Wolski"]


# --- goals ---------------------------------------------------------------------------------


def goal_payload(vendor, **overrides):
    return {
        "vendor": vendor.pk,
        "title": "Faster first response",
        "metric": "Median first response",
        "unit": "min",
        "baseline": "45",
        "target_value": "15",
        "direction": "lower_is_better",
        "start_date": "2026-01-01",
        "due_date": "2026-06-30",
        "status": "agreed",
        **overrides,
    }


def test_a_goal_is_created_with_its_owners(api, vendor, owner):
    contact = ContactFactory(vendor=vendor)

    response = api.post(
        "/api/v1/goals/", goal_payload(vendor, owner=owner.pk, vendor_owner=contact.pk)
    )

    assert response.status_code == 201, response.data
    body = response.json()
    assert body["owner"] == owner.pk
    assert body["vendor_owner"] == contact.pk
    assert body["current_value"] is None
    assert body["target_value"] == "15.0000"


def test_a_goal_cannot_be_due_before_it_starts(api, vendor):
    response = api.post("/api/v1/goals/", goal_payload(vendor, due_date="2025-12-31"))

    assert response.status_code == 400
    assert response.json() == {"due_date": ["The due date cannot be before the start date."]}
    assert not Goal.objects.exists()


def test_the_vendor_side_owner_must_be_a_contact_of_that_vendor(api, vendor):
    stranger = ContactFactory(vendor=VendorFactory())

    response = api.post("/api/v1/goals/", goal_payload(vendor, vendor_owner=stranger.pk))

    assert response.status_code == 400
    assert response.json() == {"vendor_owner": ["Choose a contact of the goal's vendor."]}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("direction", "sideways"),
        ("status", "done"),
        ("target_value", "a lot"),
        ("target_value", "1e400"),
        ("baseline", "12345678901.12345"),
        ("start_date", "01/02/2026"),
    ],
)
def test_invalid_goal_fields_are_refused(api, vendor, field, value):
    response = api.post("/api/v1/goals/", goal_payload(vendor, **{field: value}))

    assert response.status_code == 400
    assert field in response.json()


def test_goals_filter_by_status_owner_and_due_date(api, vendor, owner, member):
    GoalFactory(vendor=vendor, title="Q1", due_date=dt.date(2026, 3, 31), owner=owner)
    GoalFactory(
        vendor=vendor, title="Q2", due_date=dt.date(2026, 6, 30), status="at_risk", owner=member
    )
    GoalFactory(vendor=VendorFactory(), title="Elsewhere", due_date=dt.date(2026, 9, 30))

    def titles(query):
        response = api.get("/api/v1/goals/" + query)
        assert response.status_code == 200, response.data
        return [row["title"] for row in response.json()["results"]]

    assert titles(f"?vendor={vendor.pk}") == ["Q1", "Q2"]
    assert titles("?status=at_risk") == ["Q2"]
    assert titles(f"?owner={owner.pk}") == ["Q1"]
    assert titles("?due_date__gte=2026-04-01&due_date__lte=2026-07-01") == ["Q2"]
    assert titles("?search=elsewhere") == ["Elsewhere"]
    assert titles("?ordering=-due_date") == ["Elsewhere", "Q2", "Q1"]


def test_check_ins_record_progress_and_set_the_current_value(api, vendor, owner):
    goal = GoalFactory(vendor=vendor)
    url = f"/api/v1/goals/{goal.pk}/check-ins/"

    first = api.post(url, {"date": "2026-03-01", "value": "66.5", "note": "New runbook"})
    late_entry = api.post(url, {"date": "2026-02-01", "value": "62"})

    assert first.status_code == 201, first.data
    assert first.json()["author"] == owner.pk
    assert late_entry.status_code == 201
    goal.refresh_from_db()
    assert goal.current_value == Decimal("66.5")  # the latest by date, not by entry
    listed = api.get(url).json()
    assert listed["count"] == 2
    assert [row["date"] for row in listed["results"]] == ["2026-03-01", "2026-02-01"]
    assert api.get(f"/api/v1/goals/{goal.pk}/").json()["current_value"] == "66.5000"
    assert api.get(url + "?date__lte=2026-02-15").json()["count"] == 1


def test_check_ins_validate_and_refer_to_an_existing_goal(api, vendor):
    goal = GoalFactory(vendor=vendor)

    invalid = api.post(f"/api/v1/goals/{goal.pk}/check-ins/", {"date": "yesterday"})
    missing = api.post("/api/v1/goals/987654/check-ins/", {"date": "2026-03-01", "value": "1"})

    assert invalid.status_code == 400
    assert set(invalid.json()) == {"date", "value"}
    assert missing.status_code == 404
    assert api.get("/api/v1/goals/987654/check-ins/").status_code == 404
    assert not GoalCheckIn.objects.exists()
