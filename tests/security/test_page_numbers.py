"""``?page=`` takes a whole number from 1 (400 otherwise); a page past the last is a 404."""

import pytest

from tests.factories import IncidentFactory, VendorFactory

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/vendors/", "/api/v1/incidents/"]


@pytest.fixture
def rows(owner):
    for _ in range(2):
        IncidentFactory(vendor=VendorFactory(owner=owner))


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("page", ["-1", "0", "000", "abc", "1.5", "last", "1e3", " 1", "٣"])
def test_a_page_that_is_not_a_whole_number_from_1_is_a_400(api, rows, url, page):
    response = api.get(url, {"page": page})

    assert response.status_code == 400
    assert response.json() == {"page": ["Use a whole number from 1."]}


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("page", ["2", "99999999999999999999999999"])
def test_a_page_past_the_last_is_still_a_404(api, rows, url, page):
    assert api.get(url, {"page": page, "page_size": "10"}).status_code == 404


def test_pages_from_1_are_served(api, rows):
    first = api.get("/api/v1/vendors/", {"page": "1", "page_size": "1"})
    second = api.get("/api/v1/vendors/", {"page": "02", "page_size": "1"})

    assert first.status_code == second.status_code == 200
    assert first.json()["results"] != second.json()["results"]
