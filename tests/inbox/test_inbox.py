"""The inbox: whose activities, read per person, filters, at the page, the dashboard and the API."""

import pytest

from governance.models import VendorActivity
from tests.api.conftest import client_for
from tests.inbox.conftest import signed_in

pytestmark = pytest.mark.django_db


def own_activities(world):
    return VendorActivity.objects.filter(vendor=world.own.vendor)


def page_rows(client, query=""):
    response = client.get(f"/inbox/{query}")
    assert response.status_code == 200
    return {row.pk: row.is_read for row in response.context["rows"]}


def api_rows(client, query=""):
    response = client.get(f"/api/v1/inbox/{query}")
    assert response.status_code == 200, response.content
    return {item["id"]: item["is_read"] for item in response.json()["results"]}


def test_a_manager_hears_from_their_own_vendors_only(world):
    own = set(own_activities(world).values_list("pk", flat=True))
    everything = set(VendorActivity.objects.values_list("pk", flat=True))
    assert len(own) == 2  # the world's agenda proposal and dispute
    assert everything - own

    for role in ("owner", "assigned"):
        assert set(page_rows(signed_in(world.people[role]))) == own
        assert set(api_rows(client_for(world.people[role]))) == own
    assert page_rows(signed_in(world.people["member"])) == {}
    assert api_rows(client_for(world.people["member"])) == {}
    for role in ("admin", "viewer", "auditor"):
        assert set(page_rows(signed_in(world.people[role]))) == everything


def test_a_representative_has_no_inbox(world):
    assert signed_in(world.people["rep"]).get("/inbox/").status_code == 403
    assert client_for(world.people["rep"]).get("/api/v1/inbox/").status_code == 403


def test_each_row_says_who_what_which_vendor_and_links_to_the_subject(world, web):
    body = web.get("/inbox/").content.decode()

    assert "Disputed a review" in body
    assert "We dispute the innovation score." in body
    assert "Acme Hosting" in body
    assert f"/vendors/{world.own.vendor.pk}/reviews/{world.own.disputed.pk}/" in body
    assert f"/vendors/{world.own.vendor.pk}/meetings/{world.own.meeting.pk}/#proposals-h" in body
    assert "activity-unread" in body


def test_what_one_person_reads_stays_unread_for_another(world, web):
    activity = world.own.activity
    assigned = client_for(world.people["assigned"])

    response = web.post("/inbox/read/", {"activity": activity.pk, "next": "/inbox/?unread=on"})

    assert response.status_code == 302
    assert response["Location"] == "/inbox/?unread=on"
    assert page_rows(web)[activity.pk] is True
    assert activity.pk not in page_rows(web, "?unread=on")
    assert api_rows(assigned)[activity.pk] is False
    assert activity.pk in api_rows(assigned, "?unread=true")


def test_marking_read_through_the_api_is_the_callers_own(world, api):
    activity = world.own.activity

    response = api.post(f"/api/v1/inbox/{activity.pk}/read/")

    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    assert api.get(f"/api/v1/inbox/{activity.pk}/").json()["is_read"] is True
    assert page_rows(signed_in(world.people["assigned"]))[activity.pk] is False
    # Twice is fine: still read, once.
    assert api.post(f"/api/v1/inbox/{activity.pk}/read/").status_code == 200
    assert activity.read_by.count() == 1


def test_mark_all_read_reads_the_persons_whole_inbox_only(world, web):
    response = web.post("/inbox/read-all/")

    assert response.status_code == 302
    assert page_rows(web, "?unread=on") == {}
    owner = world.people["owner"]
    assert set(VendorActivity.objects.filter(read_by=owner).values_list("vendor", flat=True)) == {
        world.own.vendor.pk
    }
    assigned = client_for(world.people["assigned"])
    assert len(api_rows(assigned, "?unread=true")) == 2
    assert assigned.post("/api/v1/inbox/read-all/").json() == {"marked": 2}
    assert api_rows(assigned, "?unread=true") == {}


def test_activities_outside_the_inbox_cannot_be_marked(world, web, api):
    foreign = world.other.activity

    assert web.post("/inbox/read/", {"activity": [foreign.pk, "junk", "9" * 30]}).status_code == 302
    assert api.post(f"/api/v1/inbox/{foreign.pk}/read/").status_code == 404
    assert api.get(f"/api/v1/inbox/{foreign.pk}/").status_code == 404
    assert not foreign.read_by.exists()


def test_the_filters_narrow_the_inbox(world, web, api):
    disputed = world.own.activity.pk
    proposed = own_activities(world).get(kind="agenda_proposed").pk

    assert set(page_rows(web, "?kind=review_disputed")) == {disputed}
    assert set(page_rows(web, f"?vendor={world.own.vendor.pk}")) == {disputed, proposed}
    name = world.own.vendor.name[:4].lower()
    assert set(page_rows(web, f"?vendor_name={name}")) == {disputed, proposed}
    # The page names no vendor list to pick from: a portfolio has thousands.
    assert '<select name="vendor"' not in web.get("/inbox/").content.decode()
    assert set(api_rows(api, "?kind=agenda_proposed")) == {proposed}
    assert set(api_rows(api, f"?vendor={world.own.vendor.pk}")) == {disputed, proposed}
    admin = client_for(world.people["admin"])
    assert set(api_rows(admin, f"?vendor={world.other.vendor.pk}")) == set(
        VendorActivity.objects.filter(vendor=world.other.vendor).values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    "query", ["?kind=bogus", "?unread=maybe", "?vendor=abc", "?vendor=99999999999999999999"]
)
def test_hostile_filters_are_400_in_the_api_and_ignored_on_the_page(web, api, query):
    response = api.get(f"/api/v1/inbox/{query}")

    assert response.status_code == 400
    assert web.get(f"/inbox/{query}").status_code == 200


def test_an_api_item_names_its_subject(world, api):
    item = api.get(f"/api/v1/inbox/{world.own.activity.pk}/").json()

    assert item == {
        "id": world.own.activity.pk,
        "vendor": world.own.vendor.pk,
        "kind": "review_disputed",
        "actor": world.people["rep"].pk,
        "at": item["at"],
        "comment": "We dispute the innovation score.",
        "meeting": None,
        "subject": {"type": "review", "id": world.own.disputed.pk},
        "is_read": False,
    }


def test_the_dashboard_shows_what_is_unread_from_your_vendors(world, web):
    response = web.get("/")

    assert response.context["inbox_unread"] == 2
    assert world.own.activity.pk in {a.pk for a in response.context["inbox_latest"]}
    body = response.content.decode()
    assert "From your vendors" in body
    assert "2 unread" in body

    web.post("/inbox/read-all/")
    after = web.get("/")
    assert after.context["inbox_unread"] == 0
    assert "Nothing new from your vendors" in after.content.decode()
