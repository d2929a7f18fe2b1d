"""Throttles and login lockouts count per client address, and the client cannot choose it.

Behind TRUSTED_PROXY_COUNT proxies the address is the X-Forwarded-For entry the outermost
proxy wrote; whatever the client put further left is ignored. With no proxy it is the
socket's address, whatever the header says.
"""

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from governance.infra.net import client_address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
TOKEN_URL = "/api/v1/auth/token/"
PROXY = "10.0.0.1"


def via(forwarded=None, remote=PROXY):
    """The WSGI variables of a request that arrives from ``remote`` with that header."""
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return extra


def obtain(client, password="wrong", **extra):
    return client.post(
        TOKEN_URL, {"username": "alice", "password": password}, format="json", **extra
    )


def log_in(client, password="wrong", **extra):
    return client.post(reverse("login"), {"username": "alice", "password": password}, **extra)


@pytest.fixture
def alice():
    return UserFactory(username="alice")


@pytest.fixture
def behind_one_proxy():
    with override_settings(TRUSTED_PROXY_COUNT=1):
        yield


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3):
        yield


def test_a_fresh_forwarded_header_per_request_does_not_escape_the_token_throttle(alice):
    client = APIClient()
    statuses = [
        obtain(client, **via(f"203.0.113.{n}", remote="198.51.100.7")).status_code
        for n in range(12)
    ]

    assert statuses == [400] * 10 + [429, 429]


def test_a_fresh_forwarded_header_per_request_does_not_escape_the_anonymous_throttle(
    monkeypatch,
):
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {**SimpleRateThrottle.THROTTLE_RATES, "anon": "3/minute"},
    )
    client = APIClient()
    statuses = [
        client.get("/api/docs/", **via(f"203.0.113.{n}", remote="198.51.100.7")).status_code
        for n in range(4)
    ]

    # The docs page sends anonymous visitors to the login page, until throttled.
    assert statuses == [302, 302, 302, 429]


def test_behind_the_proxy_each_client_has_its_own_token_throttle(alice, behind_one_proxy):
    client = APIClient()
    # The first client writes a fresh entry of its own in front of the proxy's each time.
    first = [obtain(client, **via(f"192.0.2.{n}, 203.0.113.5")).status_code for n in range(11)]
    second = obtain(client, **via("203.0.113.6"))

    assert first == [400] * 10 + [429]
    assert second.status_code == 400


def test_behind_the_proxy_a_lockout_at_the_login_form_is_one_clients_alone(
    client, alice, behind_one_proxy, axes_on
):
    for n in range(3):
        log_in(client, **via(f"192.0.2.{n}, 203.0.113.5"))

    assert log_in(client, PASSWORD, **via("192.0.2.99, 203.0.113.5")).status_code == 429
    assert log_in(client, PASSWORD, **via("203.0.113.6")).status_code == 302


def test_behind_the_proxy_a_lockout_at_the_token_endpoint_is_one_clients_alone(
    alice, behind_one_proxy, axes_on
):
    client = APIClient()
    codes = [obtain(client, **via(f"192.0.2.{n}, 203.0.113.5")).status_code for n in range(3)]

    assert codes == [400, 400, 429]
    assert obtain(client, PASSWORD, **via("192.0.2.99, 203.0.113.5")).status_code == 429
    other = obtain(client, PASSWORD, **via("203.0.113.6"))
    assert other.status_code == 200
    assert other.json()["token"]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", PROXY),
        (1, None, PROXY),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        (2, "192.0.2.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", PROXY),
        (1, "192.0.2.1, not-an-address", PROXY),
        (1, "192.0.2.1,", PROXY),
        (1, "203.0.113.5:51234", "203.0.113.5"),
        (1, "[2001:DB8::0:1]:443", "2001:db8::1"),
        (1, " 2001:db8:0:0::1 ", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_entry_the_outermost_trusted_proxy_wrote(
    proxies, forwarded, expected
):
    request = RequestFactory().get("/", **via(forwarded))
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_address(request) == expected
