"""Property-based run of schemathesis over every operation of the published schema.

The app is called in-process through its WSGI handler, inside the test's database transaction,
with a real API token. Each operation gets a few generated requests, valid and invalid; the
checks: no 5xx, every status and body as documented, no operation usable without credentials.
"""

import datetime as dt
import json

import pytest
import schemathesis
from django.contrib.contenttypes.models import ContentType
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

from governance import services
from governance.models import Reminder, Review
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
        "phases": {
            "stateful": {"enabled": False},
            "coverage": {"unexpected-methods": [], "generation": {"mode": "positive"}},
        },
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
    goal = GoalFactory(vendor=vendor, owner=owner, vendor_owner=contact)
    services.goal_check_in_add(goal=goal, date=dt.date(2026, 2, 1), value=70, author=owner)
    review = ReviewFactory(vendor=vendor, reviewer=owner)
    services.review_save(
        review,
        scores=[{"criterion": "quality", "score": 4, "comment": "Stable"}],
        action_items=[
            {"description": "DR test", "owner": owner, "due_date": None, "status": "open"}
        ],
    )
    meeting = MeetingFactory(vendor=vendor)
    services.meeting_save(meeting, attendees=[owner], contacts=[contact])
    target = SLATargetFactory(vendor=vendor)
    incident = IncidentFactory(
        vendor=vendor, opened_at=dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    )
    services.incident_save(incident)
    clause = ClauseFactory(vendor=vendor, parameters={"notification_hours": 24})
    reminder = Reminder.objects.create(
        kind=Reminder.Kind.REVIEW_UPCOMING,
        content_type=ContentType.objects.get_for_model(Review),
        object_id=review.pk,
        vendor=vendor,
        occurrence=dt.datetime(2026, 4, 15, tzinfo=dt.UTC),
        lead_time=dt.timedelta(days=3),
        recipient=owner,
    )
    return {
        "vendor": vendor.pk,
        "contact": contact.pk,
        "goal": goal.pk,
        "review": review.pk,
        "meeting": meeting.pk,
        "sla-target": target.pk,
        "incident": incident.pk,
        "clause": clause.pk,
        "reminder": reminder.pk,
        "user": owner.pk,
    }


@pytest.mark.slow  # generated requests for each of 60-odd operations: a minute on two cores
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


def _detail(resource):
    return lambda ids: {"id": ids[resource]}


# Requests with real ids and valid bodies, which generated data rarely produces: each answer
# (lists with rows, nested scores, breach flags, scorecards...) must match the schema too.
REAL_REQUESTS = [
    ("GET", "/api/v1/vendors/{id}/", _detail("vendor"), None, None, 200),
    ("GET", "/api/v1/vendors/{id}/scorecard/", _detail("vendor"), None, None, 200),
    ("PATCH", "/api/v1/vendors/{id}/", _detail("vendor"), None, {"status": "on_watch"}, 200),
    (
        "POST",
        "/api/v1/vendors/",
        None,
        None,
        {"name": "Schema Check Ltd", "services": ["hosting"], "annual_value": "10.50"},
        201,
    ),
    ("GET", "/api/v1/contacts/{id}/", _detail("contact"), None, None, 200),
    (
        "POST",
        "/api/v1/contacts/",
        None,
        None,
        lambda ids: {"vendor": ids["vendor"], "name": "Ola", "is_primary": True},
        201,
    ),
    ("GET", "/api/v1/goals/{id}/", _detail("goal"), None, None, 200),
    (
        "POST",
        "/api/v1/goals/{goal_id}/check-ins/",
        lambda ids: {"goal_id": ids["goal"]},
        None,
        {"date": "2026-03-01", "value": "72.5"},
        201,
    ),
    (
        "GET",
        "/api/v1/goals/{goal_id}/check-ins/",
        lambda ids: {"goal_id": ids["goal"]},
        None,
        None,
        200,
    ),
    ("GET", "/api/v1/reviews/{id}/", _detail("review"), None, None, 200),
    (
        "PUT",
        "/api/v1/reviews/{id}/",
        _detail("review"),
        None,
        lambda ids: {
            "vendor": ids["vendor"],
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "scheduled_for": "2026-04-15",
            "scores": [{"criterion": "cost", "score": 5, "comment": ""}],
            "action_items": [{"description": "Renegotiate", "owner": ids["user"]}],
        },
        200,
    ),
    ("POST", "/api/v1/reviews/{id}/complete/", _detail("review"), None, None, 200),
    ("GET", "/api/v1/meetings/{id}/", _detail("meeting"), None, None, 200),
    (
        "GET",
        "/api/v1/meetings/{id}/occurrences/",
        _detail("meeting"),
        {"start": "2026-03-01T00:00:00Z", "end": "2026-04-01T00:00:00Z"},
        None,
        200,
    ),
    ("GET", "/api/v1/sla-targets/{id}/", _detail("sla-target"), None, None, 200),
    ("GET", "/api/v1/incidents/{id}/", _detail("incident"), None, None, 200),
    (
        "POST",
        "/api/v1/incidents/",
        None,
        None,
        lambda ids: {
            "vendor": ids["vendor"],
            "external_id": "INC-9",
            "title": "Disk full",
            "priority": "P1",
            "opened_at": "2026-01-05T10:00:00Z",
        },
        201,
    ),
    ("GET", "/api/v1/clauses/{id}/", _detail("clause"), None, None, 200),
    ("GET", "/api/v1/reminders/{id}/", _detail("reminder"), None, None, 200),
    ("GET", "/api/v1/users/{id}/", _detail("user"), None, None, 200),
    ("POST", "/api/v1/auth/logout-all/", None, None, None, 200),
] + [
    ("GET", path, None, None, None, 200)
    for path in (
        "/api/v1/vendors/",
        "/api/v1/contacts/",
        "/api/v1/goals/",
        "/api/v1/reviews/",
        "/api/v1/meetings/",
        "/api/v1/sla-targets/",
        "/api/v1/incidents/",
        "/api/v1/clauses/",
        "/api/v1/reminders/",
        "/api/v1/users/",
    )
]


@pytest.mark.parametrize(
    ("method", "path", "path_parameters", "query", "body", "status"),
    REAL_REQUESTS,
    ids=[f"{method} {path}" for method, path, *_ in REAL_REQUESTS],
)
def test_real_requests_get_answers_that_match_the_schema(
    token, world, method, path, path_parameters, query, body, status
):
    operation = schema[path][method]
    kwargs = {"path_parameters": path_parameters(world)} if path_parameters else {}
    if body is not None:
        kwargs["body"] = body(world) if callable(body) else body
        kwargs["media_type"] = "application/json"

    response = operation.Case(query=query, **kwargs).call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )

    assert response.status_code == status, response.text
    if method == "GET" and "{" not in path:
        assert response.json()["count"] >= 1
