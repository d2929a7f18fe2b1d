"""The portfolio-wide lists (issue 17): incidents, reviews, clauses and goals across vendors,
in the person's scope (mine / my team / all, remembered), filtered, sorted, paginated, CSV."""

import pytest

from tests import world as the_world

pytestmark = pytest.mark.django_db
_frozen_time = the_world._frozen_time
_fresh_throttle_counts = the_world._fresh_throttle_counts

LISTS = ["/incidents/", "/reviews/", "/clauses/", "/goals/", "/clauses/gaps/"]


@pytest.fixture
def world(owner, member, vendor):
    return the_world.build(owner, member, vendor)


def signed_in(client, world, name):
    client.force_login(world.people[name])
    return client


def csv_text(response):
    content = response.streaming_content if response.streaming else [response.content]
    return b"".join(content).decode("utf-8-sig")


@pytest.mark.parametrize("path", LISTS)
def test_every_list_opens_for_a_viewer_with_both_vendors(world, client, path):
    response = signed_in(client, world, "viewer").get(path)

    assert response.status_code == 200
    page = response.content.decode()
    assert world.own.vendor.name in page
    assert "Other Networks" in page


@pytest.mark.parametrize("path", LISTS)
def test_every_list_is_a_csv_too(world, client, path):
    response = signed_in(client, world, "viewer").get(f"{path}?format=csv")

    assert response["Content-Type"].startswith("text/csv")
    assert world.own.vendor.name in csv_text(response)
