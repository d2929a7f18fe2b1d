import json

import pytest
from django.core.management import call_command
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

pytestmark = pytest.mark.django_db


def generated_schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_the_schema_validates_without_a_single_warning(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert "openapi: 3.0.3" in target.read_text()


def test_the_schema_is_served_to_authenticated_clients_only(api, anonymous):
    assert anonymous.get("/api/schema/").status_code == 401

    response = api.get("/api/schema/?format=json")

    assert response.status_code == 200
    assert json.loads(response.content) == generated_schema()


def test_the_docs_are_served_offline_and_ask_anonymous_visitors_to_log_in(owner):
    browser = Client()
    assert browser.get("/api/docs/")["Location"].startswith("/accounts/login/?next=/api/docs/")

    browser.force_login(owner)
    page = browser.get("/api/docs/").content.decode()

    assert "swagger-ui" in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page


def test_the_contract_paths_are_all_there():
    paths = set(generated_schema()["paths"])

    assert {
        "/api/v1/auth/token/",
        "/api/v1/vendors/",
        "/api/v1/vendors/{id}/",
        "/api/v1/vendors/{id}/scorecard/",
        "/api/v1/contacts/",
        "/api/v1/goals/",
        "/api/v1/goals/{goal_id}/check-ins/",
        "/api/v1/reviews/",
        "/api/v1/reviews/{id}/complete/",
        "/api/v1/meetings/",
        "/api/v1/meetings/{id}/occurrences/",
        "/api/v1/sla-targets/",
        "/api/v1/incidents/",
        "/api/v1/clauses/",
        "/api/v1/reminders/",
    } <= paths
    assert not any(
        method in generated_schema()["paths"]["/api/v1/reminders/"] for method in ("post", "put")
    )


def test_every_operation_is_described_with_its_error_codes():
    for label, operation in operations(generated_schema()):
        responses = operation["responses"]
        assert operation.get("summary") or operation.get("description"), label
        assert any(code.startswith("2") for code in responses), label
        if operation.get("security"):
            assert {"401", "403"} <= set(responses), label
        if "requestBody" in operation:
            assert {"400", "415"} <= set(responses), label
        if "{" in label:
            assert "404" in responses, label
        for code, response in responses.items():
            if code != "204":
                assert "application/json" in response.get("content", {}), (label, code)


def test_lists_are_documented_as_paginated_with_filters_ordering_and_search():
    document = generated_schema()
    vendors = document["paths"]["/api/v1/vendors/"]["get"]
    names = {parameter["name"] for parameter in vendors["parameters"]}
    page = document["components"]["schemas"]["PaginatedVendorList"]

    assert {
        "page",
        "page_size",
        "ordering",
        "search",
        "tier",
        "status",
        "service",
        "owner",
    } <= names
    assert set(page["required"]) == {"count", "results"}
    assert {"count", "next", "previous", "results"} <= set(page["properties"])


def test_an_unknown_api_path_is_a_json_404(api):
    response = api.get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert api.get("/api/v1/vendors/1.5/").json() == {"detail": "Not found."}
