"""The webhooks operations as an administrator sees them match the published schema: real
requests with real ids, and schemathesis's generated ones (no 5xx, every status and body as
documented). The suite's own schemathesis run calls them as a manager, who gets 403s only."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import token_for
from tests.api.test_schemathesis import CHECKS, CONFIG, published_schema
from tests.webhooks_doors.conftest import deliveries, subscription

schema = schemathesis.openapi.from_dict(published_schema(), config=CONFIG).include(
    path_regex=r"^/api/v1/webhooks/"
)
schema.app = WSGIHandler()

CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(admin_person):
    return token_for(admin_person)


@pytest.fixture
def log(db):
    hook = subscription()
    [delivery] = deliveries(hook, 1)
    return {"id": hook.pk, "delivery_id": delivery.pk}


REAL = [
    ("GET", "/api/v1/webhooks/", None, None, 200),
    ("GET", "/api/v1/webhooks/{id}/", ["id"], None, 200),
    ("GET", "/api/v1/webhooks/{id}/deliveries/", ["id"], None, 200),
    ("GET", "/api/v1/webhooks/{id}/deliveries/{delivery_id}/", ["id", "delivery_id"], None, 200),
    (
        "POST",
        "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver/",
        ["id", "delivery_id"],
        None,
        200,
    ),
    ("POST", "/api/v1/webhooks/{id}/rotate-secret/", ["id"], None, 200),
    ("PATCH", "/api/v1/webhooks/{id}/", ["id"], {"description": "SIEM"}, 200),
    (
        "POST",
        "/api/v1/webhooks/",
        None,
        {"url": "https://93.184.216.34/new", "events": ["credit.due"]},
        201,
    ),
    ("POST", "/api/v1/webhooks/", None, {"url": "http://10.0.0.1/", "events": ["credit.due"]}, 400),
]


@pytest.mark.django_db
@pytest.mark.parametrize("method, path, ids, body, status", REAL)
def test_real_requests_get_answers_that_match_the_schema(
    token, log, method, path, ids, body, status
):
    kwargs = {"path_parameters": {name: log[name] for name in ids}} if ids else {}
    if body is not None:
        kwargs.update(body=body, media_type="application/json")

    response = (
        schema[path][method]
        .Case(**kwargs)
        .call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CONFORMANCE)
    )

    assert response.status_code == status, response.text


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_behave_as_documented(case, token, log):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
