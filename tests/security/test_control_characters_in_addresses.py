"""A path or query string holding a control character (NUL above all) is a 400 at every door.

PostgreSQL refuses NUL in text only once the query runs, which made a calendar feed token
with %00 a 500; SQLite stores it. Either way the address is nonsense and gets a 400 first.
"""

import pytest
from django.urls import reverse

from governance import services

pytestmark = pytest.mark.django_db


def test_a_calendar_feed_token_with_a_nul_is_a_400(client, owner):
    token = services.profile_for(owner).calendar_token

    response = client.get(f"/calendar/{token}%00.ics")

    assert response.status_code == 400
    assert b"control character" in response.content


def test_the_real_calendar_feed_still_opens(client, owner):
    token = services.profile_for(owner).calendar_token

    assert client.get(reverse("governance:user-feed", args=[token])).status_code == 200


@pytest.mark.parametrize("value", ["%00", "abc%00def", "%0A", "%1F", "%7F", "%09"])
def test_an_api_list_filter_with_a_control_character_is_a_400_in_json(api, value):
    response = api.get(f"/api/v1/vendors/?search={value}")

    assert response.status_code == 400
    assert response.json() == {"detail": "The address contains a control character."}


def test_an_api_filter_with_ordinary_text_still_filters(api, vendor):
    response = api.get("/api/v1/vendors/?search=Acme+Hosting%20")

    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["Acme Hosting"]


@pytest.mark.parametrize(
    "address", ["/vendors/?q=%00", "/vendors/%00/", "/accounts/login/?next=/%0D%0ASet-Cookie:x"]
)
def test_a_page_address_with_a_control_character_is_a_400(client, owner, address):
    client.force_login(owner)

    assert client.get(address).status_code == 400
