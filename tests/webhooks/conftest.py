import pytest

from governance.models import WebhookEventType, WebhookSubscription
from tests.webhooks.receiver import Receiver


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    """The documented defaults, whatever the environment says; the receiver's host allowed."""
    settings.SITE_URL = "https://governance.example.com"
    settings.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1"
    settings.WEBHOOK_TIMEOUT_SECONDS = 5
    settings.WEBHOOK_RETRY_SCHEDULE = [5, 30, 120, 600, 1800, 3600, 7200, 14400, 21600, 28800]
    settings.WEBHOOK_MAX_ATTEMPTS = 11
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 20
    return settings


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def subscribe(owner, receiver):
    """A subscription to ``events`` (all by default) at the receiver, saved as it is by a
    door (no address check: the receiver is allowed)."""

    def make(events=None, *, vendor=None, path="/hook", **fields):
        fields.setdefault("owner", owner)
        return WebhookSubscription.objects.create(
            url=receiver.url(path),
            events=list(events or WebhookEventType.values),
            vendor=vendor,
            **fields,
        )

    return make
