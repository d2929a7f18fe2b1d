import datetime as dt

import pytest
import time_machine
from django.core import mail

from governance import reminders
from governance.models import UserProfile
from tests.factories import UserFactory

# A Wednesday; Europe/Warsaw is on summer time (UTC+2).
NOW = dt.datetime(2026, 4, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    """Site defaults pinned to the documented values, whatever the environment says."""
    settings.SITE_URL = "https://governance.example.com"
    settings.DEFAULT_FROM_EMAIL = "Vendor governance <governance@example.com>"
    settings.GOVERNANCE_DEFAULT_USER_TIME_ZONE = "UTC"
    settings.GOVERNANCE_REMINDER_LEAD_TIMES = {
        "review_upcoming": [14, 3, 0],
        "meeting": ["24h"],
        "clause_expiry": [60, 30, 7],
        "goal_due": [7],
        "contract_notice": [90, 30, 7],
    }
    settings.GOVERNANCE_REMINDER_SEND_HOUR = 8
    settings.GOVERNANCE_REMINDER_OVERDUE_EVERY_DAYS = 7
    settings.GOVERNANCE_REMINDER_SLA_WARNING_RATIO = 0.75
    settings.GOVERNANCE_REMINDER_SLA_LOOKBACK_DAYS = 7
    settings.GOVERNANCE_REMINDER_DIGEST_WEEKDAY = 0
    settings.GOVERNANCE_REMINDER_BATCH_SIZE = 1000
    settings.GOVERNANCE_REMINDER_MAX_ATTEMPTS = 3
    settings.GOVERNANCE_REMINDER_RETRY_BASE_SECONDS = 0.2
    settings.GOVERNANCE_REMINDER_RETRY_MAX_SECONDS = 1
    settings.GOVERNANCE_REMINDER_REQUEUE_AFTER_SECONDS = 300
    settings.GOVERNANCE_REMINDER_STUCK_AFTER_SECONDS = 900
    settings.GOVERNANCE_REMINDER_RESEND_UNCONFIRMED = True
    return settings


def set_profile(user, time_zone="Europe/Warsaw", **fields):
    profile, _ = UserProfile.objects.get_or_create(user=user)
    profile.time_zone = time_zone
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    return profile


@pytest.fixture
def owner(db):
    user = UserFactory(username="owner", first_name="Olga", last_name="Owner")
    set_profile(user, "Europe/Warsaw")
    return user


@pytest.fixture
def member(db):
    user = UserFactory(username="member", first_name="Marek", last_name="Member")
    set_profile(user, "Europe/Warsaw")
    return user


@pytest.fixture
def outsider(db):
    user = UserFactory(username="outsider")
    set_profile(user, "America/New_York")
    return user


@pytest.fixture
def run_sweep(django_capture_on_commit_callbacks):
    """One sweep with the clock at ``now`` and Celery eager: returns the emails it sent."""

    def run(now):
        before = len(mail.outbox)
        with (
            time_machine.travel(now, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            reminders.sweep()
        return mail.outbox[before:]

    return run


def recipients_of(messages):
    return sorted(address for message in messages for address in message.to)
