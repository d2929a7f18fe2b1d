"""Personas, a receiver on 127.0.0.1 and a subscription with a delivery log, for the doors
of the webhooks (web pages, API, admin)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from governance.models import (
    Role,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookEventType,
    WebhookSubscription,
)
from tests.api.conftest import client_for
from tests.factories import VendorFactory
from tests.webhooks.receiver import Receiver
from tests.world import person

# A public address literal: accepted at save with no DNS lookup (nothing is sent to it).
PUBLIC_URL = "https://93.184.216.34/hooks/governance"
PRIVATE_URL = "http://10.1.2.3/hooks/governance"


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    """Only the receiver's own address is allowed besides public ones."""
    settings.SITE_URL = "https://governance.example.com"
    settings.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1"
    settings.WEBHOOK_TIMEOUT_SECONDS = 5
    return settings


@pytest.fixture
def admin_person(db):
    return person("ada", Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def people(db, admin_person):
    """Every role but administrator, by name: none of them may manage webhooks."""
    return {
        "manager": person("manny", Role.MANAGER),
        "viewer": person("vera", Role.VIEWER),
        "auditor": person("audrey", Role.AUDITOR),
        "rep": person("rita", Role.VENDOR_REP, vendor=VendorFactory(name="Portal Vendor")),
    }


def browser_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def browser(admin_person):
    return browser_for(admin_person)


@pytest.fixture
def admin_api(admin_person):
    return client_for(admin_person)


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def subscription(url=PUBLIC_URL, **fields):
    """A subscription as stored (test data: the doors under test save through the service)."""
    fields.setdefault("events", [WebhookEventType.INCIDENT_CREATED])
    return WebhookSubscription.objects.create(url=url, **fields)


def deliveries(subscription, count, *, status=WebhookDelivery.Status.FAILED):
    """``count`` deliveries of ``subscription``, each with two attempts logged."""
    now = timezone.now()
    made = []
    for n in range(count):
        event = WebhookEvent.objects.create(
            type=WebhookEventType.INCIDENT_CREATED,
            data={"id": n},
            occurred_at=now - dt.timedelta(minutes=n),
        )
        delivery = WebhookDelivery.objects.create(
            event=event,
            subscription=subscription,
            status=status,
            attempts=2,
            last_status_code=503,
            last_latency_ms=120,
            last_error="HTTP 503",
        )
        for answer in ("busy", "still busy"):
            WebhookAttempt.objects.create(
                delivery=delivery, status_code=503, latency_ms=120, response_excerpt=answer
            )
        made.append(delivery)
    return made
