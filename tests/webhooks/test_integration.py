"""End to end: a real Celery worker (subprocess) on Redis delivers webhooks to a real HTTP
receiver on 127.0.0.1, and tells the owner by a real SMTP server when it gives up.

Runs where CI runs the reminder integration tests (``CELERY_BROKER_URL`` a redis:// URL and
PostgreSQL), with the same worker set-up: its own queue on the shared Redis, the test
database through ``DATABASE_URL``, short retries through the environment. Every wait is
bounded and names what it waited for.
"""

import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from governance import services
from governance.models import (
    Incident,
    ReviewScore,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEventType,
    WebhookSubscription,
)
from governance.services import webhooks
from tests.factories import ReviewFactory, UserFactory
from tests.reminders.smtp import wait_for
from tests.reminders.test_integration import Lab, running_lab
from tests.webhooks.receiver import Receiver

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.xdist_group("celery-worker"),  # one worker (the module's lab) per run
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(120),
]
E = WebhookEventType
Status = WebhookDelivery.Status
WAIT = 30
MAX_ATTEMPTS = 3


class WebhookLab(Lab):
    """The reminder lab's worker, with webhook settings for quick retries."""

    def env(self):
        return {
            **super().env(),
            "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
            "WEBHOOK_TIMEOUT_SECONDS": "5",
            "WEBHOOK_RETRY_SCHEDULE": "0.2,0.3,0.4",
            "WEBHOOK_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
            "WEBHOOK_DISABLE_AFTER_FAILURES": "20",
        }


@pytest.fixture(scope="module")
def lab(django_db_setup):
    with running_lab(WebhookLab, "webhooks-it") as lab:
        yield lab


@pytest.fixture
def receiver(lab, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1"
    lab.smtp.handler.reset()
    if not lab.alive():
        lab.start_worker()
    with Receiver() as running:
        yield running


@pytest.fixture
def admin(db):
    return UserFactory(username="hookadmin", is_superuser=True, is_staff=True)


def subscribe(receiver, owner, events, path="/hook"):
    return webhooks.save_subscription(
        WebhookSubscription(url=receiver.url(path), events=list(events)), by=owner
    )


def wait_for_requests(lab, receiver, count, path=None):
    return wait_for(
        lambda: len(receiver.received(path)) >= count,
        timeout=WAIT,
        message=f"expected {count} request(s), got {len(receiver.received(path))}",
        details=lab.log_tail,
    )


def wait_for_delivery(lab, status, **filters):
    return wait_for(
        lambda: WebhookDelivery.objects.filter(status=status, **filters).exists(),
        timeout=WAIT,
        message=f"no delivery {status}: "
        f"{list(WebhookDelivery.objects.values_list('status', 'attempts', 'last_error'))}",
        details=lab.log_tail,
    )


def settle():
    """Long enough for a duplicate task or a retry (under a second here) to show."""
    time.sleep(2)


def report_incident(vendor, title="Database down"):
    return services.incident_save(
        Incident(vendor=vendor, title=title, priority="P1", opened_at=timezone.now())
    )


def test_each_subscribed_event_arrives_once_with_a_valid_signature(lab, receiver, vendor, admin):
    subscription = subscribe(
        receiver, admin, [E.INCIDENT_CREATED, E.INCIDENT_RESOLVED, E.REVIEW_COMPLETED]
    )
    other = subscribe(receiver, admin, [E.INCIDENT_CREATED], path="/other")
    started = time.monotonic()

    incident = report_incident(vendor)
    services.incident_resolve(incident, root_cause="A full disk")
    review = ReviewFactory(vendor=vendor)
    ReviewScore.objects.create(review=review, criterion="quality", score=4)
    services.review_complete(review)  # review.scheduled (the next one) is not subscribed

    wait_for_requests(lab, receiver, 1, path="/other")
    first_arrival = time.monotonic() - started
    wait_for_requests(lab, receiver, 3, path="/hook")
    settle()
    hook = receiver.received("/hook")
    assert len(hook) == 3
    payloads = [Webhook(subscription.secret).verify(body, headers) for _, headers, body in hook]
    assert sorted(p["type"] for p in payloads) == [
        "incident.created",
        "incident.resolved",
        "review.completed",
    ]
    assert len({headers["webhook-id"] for _, headers, _ in hook}) == 3
    [(_, headers, body)] = receiver.received("/other")
    assert Webhook(other.secret).verify(body, headers)["data"]["id"] == incident.pk
    assert first_arrival < 10  # queued on commit, not waiting for beat
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {Status.SUCCEEDED}


def test_a_500_is_retried_until_it_succeeds(lab, receiver, vendor, admin):
    subscription = subscribe(receiver, admin, [E.INCIDENT_CREATED])
    receiver.script.extend([500, 502])

    report_incident(vendor)

    wait_for_delivery(lab, Status.SUCCEEDED)
    settle()
    requests = receiver.received()
    assert len(requests) == 3
    assert len({headers["webhook-id"] for _, headers, _ in requests}) == 1
    for _, headers, body in requests:
        Webhook(subscription.secret).verify(body, headers)
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 3
    codes = list(WebhookAttempt.objects.order_by("at").values_list("status_code", flat=True))
    assert codes == [500, 502, 200]


def test_a_receiver_that_keeps_failing_gets_the_subscription_disabled_and_the_owner_emailed(
    lab, receiver, vendor, admin, owner
):
    receiver.default = 500
    subscription = webhooks.save_subscription(
        WebhookSubscription(url=receiver.url(), events=[E.INCIDENT_CREATED], owner=owner),
        by=admin,
    )

    report_incident(vendor)

    wait_for_delivery(lab, Status.FAILED)
    wait_for(
        lambda: len(lab.smtp.handler.messages()) >= 1,
        timeout=WAIT,
        message="no email about the disabled subscription",
        details=lab.log_tail,
    )
    settle()
    assert len(receiver.received()) == MAX_ATTEMPTS
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert subscription.disabled_reason
    [message] = lab.smtp.handler.messages()
    assert message["To"] == owner.email
    assert message["Subject"] == f"Webhook disabled: {subscription.url}"
    assert "kept failing" in message.get_body(("plain",)).get_content()
    report_incident(vendor, title="After the disabling")
    settle()
    assert len(receiver.received()) == MAX_ATTEMPTS  # nothing more is sent


def test_a_private_target_is_refused_at_save_and_at_send_time(lab, receiver, vendor, admin):
    private = WebhookSubscription(url="http://10.1.2.3/hook", events=[E.REVIEW_COMPLETED])
    with pytest.raises(ValidationError) as error:
        webhooks.save_subscription(private, by=admin)
    assert "private address" in error.value.message_dict["url"][0]

    # A subscription saved while its address was allowed: the worker, which allows only
    # 127.0.0.1, refuses 127.0.0.2 when it comes to send (and a second receiver listening
    # there proves nothing reached it).
    with Receiver(host="127.0.0.2") as elsewhere:
        WebhookSubscription.objects.create(
            url=elsewhere.url(), events=[E.INCIDENT_CREATED], owner=admin
        )
        report_incident(vendor)

        wait_for(
            lambda: WebhookAttempt.objects.filter(error__startswith="Refused").exists(),
            timeout=WAIT,
            message="the worker never refused the target",
            details=lab.log_tail,
        )
        settle()
        assert elsewhere.received() == []
    attempt = WebhookAttempt.objects.filter(error__startswith="Refused").first()
    assert "127.0.0.2, a loopback address" in attempt.error
    assert attempt.status_code is None
