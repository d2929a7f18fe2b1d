"""Property-based run of schemathesis over every operation of the published schema.

The app is called in-process through its WSGI handler, inside the test's database transaction,
with a real API token. Each operation gets a few generated requests, valid and invalid; the
checks: no 5xx, every status and body as documented, no operation usable without credentials.
"""

import datetime as dt
import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import token_for
from tests.factories import (
    ClauseFactory,
    ContactFactory,
    GoalFactory,
    IncidentFactory,
    MeetingFactory,
    ReviewFactory,
    SLATargetFactory,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]

CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": 10, "deterministic": True, "database": "none"},
        "phases": {"stateful": {"enabled": False}, "coverage": {"unexpected-methods": [], "generation": {"mode": "positive"}}},
    }
)



def published_schema():
    """The schema /api/schema/ serves (test_schema.py proves they are the same document)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(published_schema(), config=CONFIG)
schema.app = WSGIHandler()


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Django's request signals would close the connection and with it the test's
    transaction; its own test client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(owner):
    return token_for(owner)


@pytest.fixture
def world(db, vendor, owner):
    """One of everything, so lists and details return real rows to check against the schema."""
    contact = ContactFactory(vendor=vendor, is_primary=True)
    GoalFactory(vendor=vendor, owner=owner, vendor_owner=contact)
    ReviewFactory(vendor=vendor, reviewer=owner)
    meeting = MeetingFactory(vendor=vendor)
    meeting.attendees.add(owner)
    SLATargetFactory(vendor=vendor)
    IncidentFactory(vendor=vendor, opened_at=dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC))
    ClauseFactory(vendor=vendor, parameters={"notification_hours": 24})
    return vendor


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_behaves_as_documented(case, token, world):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
