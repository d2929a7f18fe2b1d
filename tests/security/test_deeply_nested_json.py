"""A JSON body nested deeper than the API's limit is a 400, never a RecursionError (500)."""

import json

import pytest

from governance.api.parsers import MAX_DEPTH
from governance.models import Vendor
from tests.factories import ClauseFactory

pytestmark = pytest.mark.django_db

ARRAYS = "[" * 3000 + "]" * 3000
UNCLOSED_ARRAYS = "[" * 3000
OBJECTS = '{"a":' * 3000 + "1" + "}" * 3000


def send(api, method, url, body):
    return getattr(api, method)(url, body, content_type="application/json")


@pytest.mark.parametrize("body", [ARRAYS, UNCLOSED_ARRAYS, OBJECTS])
def test_a_vendor_post_nested_3000_deep_is_a_400(api, body):
    response = send(api, "post", "/api/v1/vendors/", body)

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert not Vendor.objects.exists()


@pytest.mark.parametrize("body", [ARRAYS, OBJECTS, '{"parameters": ' + OBJECTS + "}"])
def test_a_clause_patch_nested_3000_deep_is_a_400_and_changes_nothing(api, vendor, body):
    clause = ClauseFactory(vendor=vendor, parameters={"notification_hours": 24})

    response = send(api, "patch", f"/api/v1/clauses/{clause.pk}/", body)

    assert response.status_code == 400
    clause.refresh_from_db()
    assert clause.parameters == {"notification_hours": 24}


def nested(levels):
    """A vendor body whose arrays and objects nest ``levels`` deep in all."""
    tags = "[" * (levels - 1) + "]" * (levels - 1)  # inside the body's own object
    return f'{{"name": "Deep Vendor", "services": ["hosting"], "tags": {tags}}}'


def test_one_level_past_the_limit_is_refused_and_the_limit_itself_is_parsed(api):
    beyond = send(api, "post", "/api/v1/vendors/", nested(MAX_DEPTH + 1))

    assert beyond.status_code == 400
    assert f"nested deeper than {MAX_DEPTH} levels" in beyond.json()["detail"]
    # Parsed: what happens next is the serializer's business, not a parse error.
    within = send(api, "post", "/api/v1/vendors/", nested(MAX_DEPTH))
    assert "JSON parse error" not in within.content.decode()


def test_brackets_inside_strings_do_not_count_as_nesting(api):
    body = {"name": "Bracket Vendor", "services": ["hosting"], "notes": "[{" * 3000}

    response = send(api, "post", "/api/v1/vendors/", json.dumps(body))

    assert response.status_code == 201
    assert Vendor.objects.get().notes == "[{" * 3000
