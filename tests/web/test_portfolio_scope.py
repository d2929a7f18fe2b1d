"""The portfolio lists' "Mine / My team / All" switch (issue 17): what each means for a
manager and an administrator, and that the choice is remembered per person."""

import pytest
from django.contrib.auth.models import Group

from governance.models import ListScope, UserProfile
from governance.selectors.portfolio import vendors_in_scope
from tests import world as the_world

pytestmark = pytest.mark.django_db
_frozen_time = the_world._frozen_time
_fresh_throttle_counts = the_world._fresh_throttle_counts

LISTS = ["/incidents/", "/reviews/", "/clauses/", "/goals/"]


@pytest.fixture
def world(owner, member, vendor):
    return the_world.build(owner, member, vendor)


def signed_in(client, world, name):
    client.force_login(world.people[name])
    return client


def vendor_names(response):
    assert response.status_code == 200
    if response.context.get("kind") is None:  # the gap matrix: rows are (vendor, cells)
        return {vendor.name for vendor, _ in response.context["rows"]}
    return {row.vendor.name for row in response.context["rows"]}


OWN, OTHER = "Acme Hosting", "Other Networks"


@pytest.mark.parametrize("path", [*LISTS, "/clauses/gaps/"])
def test_mine_team_and_all_for_the_owner_and_the_assigned_manager(world, client, path):
    owner = signed_in(client, world, "owner")
    assert vendor_names(owner.get(f"{path}?scope=mine")) == {OWN}
    assert vendor_names(owner.get(f"{path}?scope=team")) == {OWN}
    assert {OWN, OTHER} <= vendor_names(owner.get(f"{path}?scope=all"))

    assigned = signed_in(client, world, "assigned")
    # Assigned, not owner: none of "mine", in "my team".
    assert vendor_names(assigned.get(f"{path}?scope=mine")) == set()
    assert vendor_names(assigned.get(f"{path}?scope=team")) == {OWN}


@pytest.mark.parametrize("path", [*LISTS, "/clauses/gaps/"])
def test_an_administrator_owns_nothing_and_sees_everything_in_all(world, client, path):
    admin = signed_in(client, world, "admin")

    assert vendor_names(admin.get(f"{path}?scope=mine")) == set()
    assert vendor_names(admin.get(f"{path}?scope=team")) == set()
    assert {OWN, OTHER} <= vendor_names(admin.get(f"{path}?scope=all"))


def test_my_team_takes_in_the_vendors_of_people_who_share_a_group(world, client):
    service_desk = Group.objects.create(name="Service desk")
    service_desk.user_set.add(world.people["owner"], world.people["third"])
    Group.objects.create(name="Lonely").user_set.add(world.people["member"])
    client = signed_in(client, world, "owner")

    assert vendor_names(client.get("/incidents/?scope=team")) == {OWN, OTHER}
    assert vendor_names(client.get("/incidents/?scope=mine")) == {OWN}
    # A group of one (member's) brings in nobody's vendors.
    assert not vendors_in_scope(world.people["member"], ListScope.TEAM).exists()


def test_the_scope_chosen_on_one_list_is_where_every_list_opens_next_time(world, client):
    client = signed_in(client, world, "owner")
    assert client.get("/incidents/").context["scope"] == "all"  # the default

    client.get("/reviews/?scope=mine")

    assert UserProfile.objects.get(user=world.people["owner"]).list_scope == "mine"
    for path in [*LISTS, "/clauses/gaps/"]:
        response = client.get(path)
        assert response.context["scope"] == "mine", path
        assert vendor_names(response) <= {OWN}
    client.get("/goals/?scope=team")
    assert client.get("/clauses/").context["scope"] == "team"


def test_the_remembered_scope_is_each_persons_own(world, client):
    signed_in(client, world, "owner").get("/incidents/?scope=mine")

    third = signed_in(client, world, "third")

    assert third.get("/incidents/").context["scope"] == "all"
    assert UserProfile.objects.get(user=world.people["third"]).list_scope == "all"


def test_an_unknown_scope_changes_nothing_and_keeps_the_remembered_one(world, client):
    client = signed_in(client, world, "owner")
    client.get("/goals/?scope=mine")

    response = client.get("/goals/?scope=everyone")

    assert response.status_code == 200
    assert response.context["scope"] == "mine"
    assert UserProfile.objects.get(user=world.people["owner"]).list_scope == "mine"


# Every filter, order, page and the CSV, with the other manager's vendor asked for by id and name.
HOSTILE_TO_SCOPE = [
    "",
    "&vendor={other}",
    "&vendor_name=Other",
    "&status=open",
    "&breach=1",
    "&gaps=on",
    "&sort=vendor",
    "&sort=-vendor",
    "&page=2",
    "&format=csv",
]


@pytest.mark.parametrize("scope", ["mine", "team"])
@pytest.mark.parametrize("path", [*LISTS, "/clauses/gaps/"])
def test_a_manager_never_sees_another_managers_vendor_in_mine_or_team(world, client, path, scope):
    client = signed_in(client, world, "owner")
    other = world.other.vendor

    for query in HOSTILE_TO_SCOPE:
        response = client.get(f"{path}?scope={scope}{query.format(other=other.pk)}")

        assert response.status_code == 200, query
        if query == "&format=csv":
            content = response.streaming_content if response.streaming else [response.content]
            assert other.name.encode() not in b"".join(content), query
        else:
            assert other.name not in vendor_names(response), query
            assert other.name not in response.content.decode().split("<main", 1)[-1], query
