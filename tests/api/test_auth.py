import json
import re

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from knox.models import get_token_model
from rest_framework.test import APIClient

from governance.models import Vendor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def obtain(client, username="owner", password="correct-horse-battery"):
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json")


def test_a_token_is_obtained_with_username_and_password_and_opens_the_api(anonymous, owner):
    response = obtain(anonymous)

    assert response.status_code == 200
    token = response.json()["token"]
    assert response.json()["expiry"]
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert anonymous.get("/api/v1/vendors/").status_code == 200


def test_tokens_are_stored_hashed(anonymous, owner):
    token = obtain(anonymous).json()["token"]

    stored = get_token_model().objects.get(user=owner)

    assert token not in (stored.digest, stored.token_key)
    assert stored.token_key == token[: len(stored.token_key)]


@pytest.mark.parametrize(
    "body",
    [
        {"username": "owner", "password": "wrong"},
        {"username": "nobody", "password": "correct-horse-battery"},
        {"username": "owner"},
        {},
    ],
)
def test_bad_credentials_get_a_400_and_no_token(anonymous, owner, body):
    response = anonymous.post(TOKEN_URL, body, format="json")

    assert response.status_code == 400
    assert response.json()
    assert not get_token_model().objects.exists()


def test_an_inactive_user_gets_no_token(anonymous):
    UserFactory(username="gone", is_active=False)

    assert obtain(anonymous, username="gone").status_code == 400


def test_password_guessing_is_throttled(anonymous, owner):
    statuses = [obtain(anonymous, password=f"guess-{n}").status_code for n in range(12)]

    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]
    assert "Retry-After" in obtain(anonymous)


@pytest.mark.parametrize(
    "header",
    ["Token not-a-real-token", "Token ", "Token a b", "Bearer abc", "Token \xe9\xe9"],
)
def test_an_invalid_token_is_a_401(owner, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    assert client.get("/api/v1/vendors/").status_code == 401


def test_logout_revokes_only_the_current_token(anonymous, owner):
    first = obtain(anonymous).json()["token"]
    second = obtain(anonymous).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")

    assert client.post("/api/v1/auth/logout/").status_code == 204

    assert client.get("/api/v1/vendors/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert client.get("/api/v1/vendors/").status_code == 200


def test_logout_all_revokes_every_token_of_the_user(anonymous, owner, member):
    tokens = [obtain(anonymous).json()["token"] for _ in range(3)]
    others = obtain(anonymous, username="member").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[0]}")

    response = client.post("/api/v1/auth/logout-all/")

    assert response.status_code == 200
    assert response.json() == {"revoked": 3}
    for token in tokens:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert client.get("/api/v1/vendors/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {others}")
    assert client.get("/api/v1/vendors/").status_code == 200


def test_an_expired_token_no_longer_works(anonymous, owner):
    token = obtain(anonymous).json()["token"]
    get_token_model().objects.filter(user=owner).update(expiry="2000-01-01T00:00:00Z")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert client.get("/api/v1/vendors/").status_code == 401


def test_the_browser_session_works_for_reads_and_needs_csrf_for_writes(owner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    payload = json.dumps({"name": "Session Vendor", "services": ["hosting"]})

    assert browser.get("/api/v1/vendors/").status_code == 200
    refused = browser.post("/api/v1/vendors/", payload, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Vendor.objects.exists()

    # Double submit: the CSRF cookie (set by any page of the app) echoed in the header.
    token = "k" * 32
    browser.cookies["csrftoken"] = token
    accepted = browser.post(
        "/api/v1/vendors/", payload, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201
    assert accepted.json()["owner"] == owner.pk


def _operations():
    document = json.loads(
        OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
    )
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


OPERATIONS = [
    pytest.param(path, method, id=f"{method.upper()} {path}")
    for path, method, operation in _operations()
    if operation.get("security")
]


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_every_operation_refuses_anonymous_callers(anonymous, vendor, path, method):
    # Every other path parameter ({goal_id}, {delivery_id}, ...) names some record: 1.
    url = re.sub(r"\{[a-z_]+\}", "1", path.replace("{id}", str(vendor.pk)))

    response = getattr(anonymous, method)(url, {}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_only_the_token_endpoint_is_open_to_anonymous_callers():
    open_operations = [
        f"{method.upper()} {path}"
        for path, method, operation in _operations()
        if not operation.get("security")
    ]

    assert open_operations == ["POST /api/v1/auth/token/"]
    assert len(OPERATIONS) > 40
