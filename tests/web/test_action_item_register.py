"""The action-item register's pages (issue 15): whose items, filters, CSV, closing, adding."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import ActionItem, Vendor
from tests import world as the_world
from tests.factories import ContactFactory, VendorFactory

pytestmark = pytest.mark.django_db
_frozen_time = the_world._frozen_time
_fresh_throttle_counts = the_world._fresh_throttle_counts


@pytest.fixture
def world(owner, member, vendor):
    return the_world.build(owner, member, vendor)


def signed_in(client, world, name):
    client.force_login(world.people[name])
    return client


def descriptions(response):
    return [row.description for row in response.context["rows"]]


def test_the_register_shows_every_vendors_open_items_overdue_first(world, client):
    response = signed_in(client, world, "viewer").get("/action-items/?scope=all")

    rows = response.context["rows"]
    assert (
        [row.description for row in rows][:2]
        == [
            "Other Networks rate card",  # due 1 March: overdue on 10 March
            "Acme Hosting rate card",
        ]
        or [row.overdue for row in rows[:2]] == [True, True]
    )
    assert [row.overdue for row in rows] == sorted((row.overdue for row in rows), reverse=True)
    page = response.content.decode()
    assert "Overdue" in page
    assert f"/vendors/{world.own.vendor.pk}/reviews/{world.own.review.pk}/" in page
    assert "Acme Hosting contact" in page  # the vendor's owner of the item


def test_the_whose_switch_is_remembered_for_the_user(world, client):
    client = signed_in(client, world, "owner")
    assert client.get("/action-items/").context["scope"] == "mine"

    client.get("/action-items/?scope=my_vendors")

    assert client.get("/action-items/").context["scope"] == "my_vendors"
    # The vendors the owner owns: their items whoever owns them (the rep's too).
    assert set(descriptions(client.get("/action-items/"))) == {
        "Acme Hosting rate card",
        "Acme Hosting action",
    }


def test_mine_lists_only_the_users_own_items(world, client):
    response = signed_in(client, world, "owner").get("/action-items/?scope=mine&status=any")

    assert {row.owner for row in response.context["rows"]} == {world.people["owner"]}


def test_the_filters_narrow_the_register(world, client):
    client = signed_in(client, world, "admin")
    own = world.own.vendor.pk

    by_vendor = client.get(f"/action-items/?scope=all&status=any&vendor={own}")
    from_reviews = client.get("/action-items/?scope=all&source=review")
    overdue = client.get("/action-items/?scope=all&overdue=on")
    done = client.get("/action-items/?scope=all&status=done")

    assert {row.vendor_id for row in by_vendor.context["rows"]} == {own}
    assert f">{world.own.vendor.name}</a></p>" in by_vendor.content.decode()  # says which
    by_name = client.get("/action-items/?scope=all&status=any&vendor_name=acme")
    assert {row.vendor.name for row in by_name.context["rows"]} == {world.own.vendor.name}
    assert {row.source for row in from_reviews.context["rows"]} == {"review"}
    assert set(descriptions(overdue)) == {"Acme Hosting rate card", "Other Networks rate card"}
    assert descriptions(done) == []


def test_the_csv_names_people_and_sources(world, client):
    response = signed_in(client, world, "viewer").get("/action-items/?scope=all&export=csv")

    content = response.streaming_content if response.streaming else [response.content]
    body = b"".join(content).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert body.splitlines()[0].startswith("Vendor,Source,Source id,Description,Owner")
    assert "Acme Hosting,Other,,Acme Hosting rate card,owner,Acme Hosting contact" in body
    assert "Review" in body


def test_an_editor_closes_an_item_and_the_move_is_in_its_history(world, client):
    item = world.own.follow_up
    client = signed_in(client, world, "owner")

    response = client.post(
        f"/action-items/{item.pk}/status/", {"status": "done", "next": "/action-items/"}
    )

    assert response.status_code == 302 and response["Location"] == "/action-items/"
    item.refresh_from_db()
    assert item.status == "done"
    assert item.history.first().status == "done"


def test_a_viewer_reads_the_register_but_gets_no_buttons_and_cannot_close(world, client):
    client = signed_in(client, world, "viewer")
    page = client.get("/action-items/?scope=all").content.decode()

    response = client.post(f"/action-items/{world.own.follow_up.pk}/status/", {"status": "done"})

    assert "/status/" not in page
    assert ">Snooze<" in page  # anyone may snooze their own reminders
    assert response.status_code == 403
    world.own.follow_up.refresh_from_db()
    assert world.own.follow_up.status == "open"


def test_a_manager_cannot_close_another_vendors_item_and_a_rep_gets_nothing(world, client):
    other = world.other.follow_up
    owner = signed_in(client, world, "owner")
    assert owner.post(f"/action-items/{other.pk}/status/", {"status": "done"}).status_code == 403
    rep = signed_in(client, world, "rep")
    assert rep.get("/action-items/").status_code == 403
    assert rep.post(f"/action-items/{other.pk}/status/", {"status": "done"}).status_code == 403
    other.refresh_from_db()
    assert other.status == "open"


def test_an_unknown_status_is_refused_with_a_message(world, client):
    client = signed_in(client, world, "owner")

    response = client.post(
        f"/action-items/{world.own.follow_up.pk}/status/", {"status": "finished"}, follow=True
    )

    assert "Choose one of the statuses." in response.content.decode()
    world.own.follow_up.refresh_from_db()
    assert world.own.follow_up.status == "open"


def test_adding_an_item_for_a_vendor(world, client):
    client = signed_in(client, world, "owner")
    vendor = world.own.vendor
    form = client.get(f"/action-items/new/?vendor={vendor.pk}").context["form"]
    assert set(form.fields["vendor_contact"].queryset) == set(vendor.contacts.all())

    response = client.post(
        "/action-items/new/",
        {
            "vendor": vendor.pk,
            "description": "Send the new rate card",
            "owner": world.people["rep"].pk,
            "vendor_contact": world.own.contact.pk,
            "due_date": "2026-04-01",
            "status": "open",
            "incident": world.own.incident.pk,
        },
    )

    assert response.status_code == 302
    item = ActionItem.objects.get(description="Send the new rate card")
    assert (item.vendor, item.source, item.incident) == (vendor, "incident", world.own.incident)


def test_an_invalid_item_shows_the_errors_on_its_fields_and_nothing_is_written(world, client):
    client = signed_in(client, world, "owner")
    before = ActionItem.objects.count()

    response = client.post(
        "/action-items/new/",
        {
            "vendor": world.own.vendor.pk,
            "description": "",
            "vendor_contact": world.other.contact.pk,  # another vendor's contact
            "owner": world.people["other_rep"].pk,  # another vendor's representative
            "due_date": "2026-02-30",
            "status": "open",
            "review": world.own.review.pk,
            "meeting": world.own.meeting.pk,
        },
    )

    errors = response.context["form"].errors
    assert response.status_code == 200
    assert set(errors) >= {"description", "vendor_contact", "owner", "due_date"}
    assert ActionItem.objects.count() == before


def test_two_sources_are_refused_on_the_source_fields(world, client):
    client = signed_in(client, world, "owner")
    before = ActionItem.objects.count()

    response = client.post(
        "/action-items/new/",
        {
            "vendor": world.own.vendor.pk,
            "description": "Both",
            "status": "open",
            "review": world.own.review.pk,
            "meeting": world.own.meeting.pk,
        },
    )

    assert "review" in response.context["form"].errors
    assert ActionItem.objects.count() == before


@pytest.mark.parametrize(
    ("name", "scope", "status"),
    [("viewer", "own", 403), ("member", "own", 403), ("owner", "other", 403), ("rep", "own", 403)],
)
def test_who_may_not_add_an_item_is_refused(world, client, name, scope, status):
    client = signed_in(client, world, name)
    vendor = getattr(world, scope).vendor
    before = ActionItem.objects.count()

    opened = client.get(f"/action-items/new/?vendor={vendor.pk}")
    posted = client.post("/action-items/new/", {"vendor": vendor.pk, "description": "Mine now"})

    assert (opened.status_code, posted.status_code) == (status, status)
    assert ActionItem.objects.count() == before


def test_the_workspace_lists_the_vendors_open_items_with_the_close_button(world, client):
    vendor = world.own.vendor
    page = signed_in(client, world, "owner").get(f"/vendors/{vendor.pk}/").content.decode()
    read_only = signed_in(client, world, "viewer").get(f"/vendors/{vendor.pk}/").content.decode()

    section = page.split('id="action-items"')[1].split("</section>")[0]
    assert "Acme Hosting rate card" in section and "Acme Hosting action" in section
    assert "Other Networks" not in section
    assert f"/action-items/{world.own.follow_up.pk}/status/" in section
    assert ">Done<" in section
    assert f"/action-items/new/?vendor={vendor.pk}" in section
    viewer_section = read_only.split('id="action-items"')[1].split("</section>")[0]
    assert "/status/" not in viewer_section and "Acme Hosting rate card" in viewer_section


# --- query counts ----------------------------------------------------------------------------


def add_vendors_with_items(owner, start, stop):
    vendors = Vendor.objects.bulk_create(
        Vendor(name=f"Scale {n:04d}", services=["hosting"], owner=owner, time_zone="UTC")
        for n in range(start, stop)
    )
    contacts = {
        vendor.pk: ContactFactory.build(vendor=vendor, name=f"Contact {vendor.name}")
        for vendor in vendors
    }
    type(next(iter(contacts.values()))).objects.bulk_create(contacts.values())
    ActionItem.objects.bulk_create(
        ActionItem(
            vendor=vendor,
            description=f"Follow up {vendor.name} {n}",
            owner=owner,
            vendor_contact=contacts[vendor.pk],
            due_date=dt.date(2026, 3, 1) + dt.timedelta(days=n * 20),
        )
        for vendor in vendors
        for n in range(2)
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    if response.streaming:
        b"".join(response.streaming_content)
    return len(captured)


REGISTER_URLS = [
    "/action-items/?scope=all",
    "/action-items/?scope=all&status=any&overdue=on&page=2",
    "/action-items/?scope=my_vendors",
    "/action-items/?scope=all&export=csv",
]


def test_the_register_costs_the_same_at_10_and_1000_vendors(
    client, owner, django_assert_max_num_queries
):
    VendorFactory(name="First", owner=owner)
    client.force_login(owner)
    add_vendors_with_items(owner, 0, 10)
    small = {url: queries(client, url) for url in REGISTER_URLS}

    add_vendors_with_items(owner, 10, 1000)

    for url in REGISTER_URLS:
        with django_assert_max_num_queries(12):
            assert queries(client, url) == small[url], url
