"""An API token never outlives the password it was obtained with, nor the account.

Whatever door changes a password (the password change form, a reset link, the admin,
``manage.py changepassword``, code), the user's tokens stop working; expired tokens are
deleted by a periodic task.
"""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from knox.models import get_token_model
from rest_framework.test import APIClient

from governance import tasks
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "a-brand-new-passphrase-42"
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def token_for(user, **kwargs):
    _, key = get_token_model().objects.create(user=user, **kwargs)
    return key


def api_status(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/vendors/").status_code


@pytest.fixture
def alice():
    return UserFactory(username="alice", email="alice@example.com")


@pytest.fixture
def tokens(alice):
    """Two of Alice's tokens, and one of Bob's that no change of hers may touch."""
    bob = UserFactory(username="bob")
    return {"alice": [token_for(alice), token_for(alice)], "bob": token_for(bob)}


def assert_revoked(tokens):
    assert [api_status(token) for token in tokens["alice"]] == [401, 401]
    assert api_status(tokens["bob"]) == 200


def test_the_password_change_form_revokes_the_users_tokens(client, alice, tokens):
    assert api_status(tokens["alice"][0]) == 200
    client.force_login(alice)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert_revoked(tokens)


def test_a_password_reset_revokes_the_users_tokens(client, alice, tokens):
    client.post(reverse("password_reset"), {"email": "alice@example.com"})
    link = re.search(r"https?://\S+", mail.outbox[0].body).group()
    form = client.get(urlsplit(link).path, follow=True)
    assert form.status_code == 200

    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert_revoked(tokens)


def test_the_admins_password_form_revokes_the_users_tokens(client, alice, tokens):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:auth_user_password_change", args=[alice.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert_revoked(tokens)


def test_changepassword_revokes_the_users_tokens(alice, tokens, monkeypatch):
    from django.contrib.auth.management.commands import changepassword

    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": NEW_PASSWORD)

    call_command("changepassword", "alice", stdout=None)

    assert_revoked(tokens)


def test_set_password_and_save_in_code_revokes_the_users_tokens(alice, tokens):
    alice.set_password(NEW_PASSWORD)
    alice.save()

    assert_revoked(tokens)


def test_saving_the_user_without_a_new_password_keeps_the_tokens(alice, tokens):
    alice.email = "alice@elsewhere.example"
    alice.save()

    assert [api_status(token) for token in tokens["alice"]] == [200, 200]


def test_a_login_that_upgrades_the_password_hash_keeps_the_tokens(alice, tokens):
    hashers = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    with override_settings(PASSWORD_HASHERS=hashers):
        obtained = APIClient().post(
            "/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}, format="json"
        )
        alice.refresh_from_db()
        assert alice.password.startswith("pbkdf2_sha256$")

    assert obtained.status_code == 200
    assert [api_status(token) for token in tokens["alice"]] == [200, 200]


def test_a_deactivated_users_tokens_stop_working(alice, tokens):
    alice.is_active = False
    alice.save()

    assert [api_status(token) for token in tokens["alice"]] == [401, 401]
    alice.is_active = True
    alice.save()
    assert api_status(tokens["alice"][0]) == 200


def test_expired_tokens_are_deleted_by_the_periodic_task(alice):
    with time_machine.travel(START, tick=False):
        token_for(alice, expiry=dt.timedelta(days=1))
        token_for(alice, expiry=dt.timedelta(days=30))
        token_for(alice, expiry=None)
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "governance.tasks.delete_expired_tokens"
    )
    assert entry["schedule"] <= 24 * 3600

    with time_machine.travel(START + dt.timedelta(days=2), tick=False):
        deleted = tasks.delete_expired_tokens.delay()
    with time_machine.travel(START + dt.timedelta(days=2), tick=False):
        assert tasks.delete_expired_tokens() == 0

    assert deleted.get() == 1
    remaining = get_token_model().objects.filter(user=alice)
    assert sorted(t.expiry is None for t in remaining) == [False, True]
