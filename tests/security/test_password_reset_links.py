"""Password reset links point at SITE_URL, whatever Host header the request carried."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://governance.example.com"


@pytest.fixture
def alice():
    return UserFactory(username="alice", email="alice@example.com")


def reset_link():
    [message] = mail.outbox
    return re.search(r"\S+/reset/\S+", message.body).group()


@override_settings(ALLOWED_HOSTS=["evil.example", "testserver"], SITE_URL=SITE)
def test_a_reset_asked_for_with_a_forged_host_mails_a_link_to_the_site(client, alice):
    response = client.post(
        reverse("password_reset"), {"email": "alice@example.com"}, HTTP_HOST="evil.example"
    )

    assert response.status_code == 302
    assert reset_link().startswith(f"{SITE}/accounts/reset/")
    assert "evil.example" not in mail.outbox[0].body


@override_settings(SITE_URL="http://127.0.0.1:8000")
def test_the_link_follows_site_url_as_it_is_when_the_reset_is_asked_for(client, alice):
    client.post(reverse("password_reset"), {"email": "alice@example.com"})

    link = reset_link()

    assert link.startswith("http://127.0.0.1:8000/accounts/reset/")
    assert client.get(link.removeprefix("http://127.0.0.1:8000"), follow=True).status_code == 200
