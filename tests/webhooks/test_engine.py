"""The webhook engine with Celery eager and a real HTTP receiver on 127.0.0.1: what is
emitted (and when nothing is), the signed body that arrives, retries, disabling."""

import datetime as dt
import json
import random

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from governance import services
from governance.models import (
    Incident,
    Review,
    ReviewScore,
    Vendor,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookEventType,
    WebhookSubscription,
)
from governance.services import webhooks
from tests.factories import IncidentFactory, ReviewFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status
E = WebhookEventType


def report_incident(vendor, **fields):
    incident = Incident(
        vendor=vendor, title="Database down", priority="P1", opened_at=timezone.now(), **fields
    )
    return services.incident_save(incident)


# --- emission ---------------------------------------------------------------------------------


def test_an_incident_writes_one_event_and_one_delivery_per_subscription_that_wants_it(
    vendor, subscribe
):
    first = subscribe([E.INCIDENT_CREATED])
    second = subscribe([E.INCIDENT_CREATED, E.INCIDENT_RESOLVED], vendor=vendor)
    subscribe([E.REVIEW_COMPLETED])  # another type
    subscribe([E.INCIDENT_CREATED], vendor=VendorFactory())  # another vendor
    subscribe([E.INCIDENT_CREATED], is_active=False)

    incident = report_incident(vendor)

    event = WebhookEvent.objects.get()
    assert event.type == E.INCIDENT_CREATED
    assert event.vendor == vendor
    assert event.data["id"] == incident.pk
    assert event.data["vendor"] == {"id": vendor.pk, "name": "Acme Hosting"}
    assert {d.subscription_id for d in event.deliveries.all()} == {first.pk, second.pk}
    assert set(event.deliveries.values_list("status", flat=True)) == {Status.PENDING}


def test_a_rolled_back_change_emits_nothing_and_queues_nothing(
    vendor, subscribe, receiver, django_capture_on_commit_callbacks
):
    subscribe([E.INCIDENT_CREATED])

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        report_incident(vendor)
        assert WebhookEvent.objects.count() == 1  # inside the change's transaction
        raise RuntimeError("the request failed after the incident was saved")

    assert WebhookEvent.objects.count() == 0
    assert WebhookDelivery.objects.count() == 0
    assert callbacks == []
    assert receiver.received() == []


def test_nobody_subscribed_means_one_query_and_nothing_written(
    vendor, subscribe, django_assert_num_queries
):
    subscribe([E.REVIEW_COMPLETED])

    with django_assert_num_queries(1):
        event = webhooks.emit(E.INCIDENT_CREATED, vendor=vendor, data=lambda: 1 / 0)

    assert event is None
    assert WebhookEvent.objects.count() == 0


def test_an_incident_resolved_once_emits_resolved_once(vendor, subscribe):
    subscribe([E.INCIDENT_RESOLVED])
    incident = report_incident(vendor)
    assert WebhookEvent.objects.count() == 0

    services.incident_resolve(incident, root_cause="A full disk")
    incident.title = "Database down (disk)"
    services.incident_save(incident)  # an edit of a resolved incident

    event = WebhookEvent.objects.get()
    assert event.type == E.INCIDENT_RESOLVED
    assert event.data["status"] == "resolved"
    assert event.data["resolved_at"] is not None


def test_resolving_an_incident_reads_the_subscriptions_once(vendor, subscribe):
    subscribe([E.INCIDENT_RESOLVED])
    incident = report_incident(vendor)

    with CaptureQueriesContext(connection) as queries:
        services.incident_resolve(incident, root_cause="A full disk")

    table = WebhookSubscription._meta.db_table
    reads = [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]]
    assert len(reads) == 1, reads
    assert WebhookEvent.objects.get().type == E.INCIDENT_RESOLVED


def test_a_security_incident_is_created_and_reported(vendor, subscribe):
    subscribe([E.INCIDENT_CREATED, E.SECURITY_INCIDENT_REPORTED])

    report_incident(vendor, category=Incident.Category.SECURITY, detected_at=timezone.now())

    assert sorted(WebhookEvent.objects.values_list("type", flat=True)) == [
        E.INCIDENT_CREATED,
        E.SECURITY_INCIDENT_REPORTED,
    ]


def test_an_upserted_incident_is_created_once(vendor, subscribe):
    subscribe([E.INCIDENT_CREATED])

    for _ in range(2):
        services.incident_upsert(
            vendor=vendor,
            external_id="TICKET-7",
            title="Login failing",
            priority="P2",
            opened_at=timezone.now(),
        )

    assert WebhookEvent.objects.filter(type=E.INCIDENT_CREATED).count() == 1


def test_a_vendor_status_change_is_emitted_with_the_previous_status(vendor, subscribe):
    subscribe([E.VENDOR_STATUS_CHANGED])

    services.vendor_update(vendor, notes="Renewal talks started")  # no status change
    services.vendor_update(vendor, status=Vendor.Status.OFFBOARDING)

    event = WebhookEvent.objects.get()
    assert event.data["status"] == "offboarding"
    assert event.data["previous_status"] == "active"
    assert event.data["links"] == {
        "api": f"https://governance.example.com/api/v1/vendors/{vendor.pk}/",
        "web": f"https://governance.example.com/vendors/{vendor.pk}/",
    }


def test_a_completed_review_emits_completed_and_the_next_one_scheduled(vendor, subscribe):
    subscribe([E.REVIEW_COMPLETED, E.REVIEW_SCHEDULED])
    review = ReviewFactory(vendor=vendor)
    ReviewScore.objects.create(review=review, criterion="quality", score=4)

    following = services.review_complete(review)

    events = {e.type: e for e in WebhookEvent.objects.all()}
    assert set(events) == {E.REVIEW_COMPLETED, E.REVIEW_SCHEDULED}
    assert events[E.REVIEW_COMPLETED].data["id"] == review.pk
    assert events[E.REVIEW_SCHEDULED].data["id"] == following.pk


def test_a_disputed_review_emits_disputed_not_acknowledged(vendor, subscribe):
    subscribe([E.REVIEW_ACKNOWLEDGED, E.REVIEW_DISPUTED])
    review = ReviewFactory(
        vendor=vendor, status=Review.Status.COMPLETED, completed_at=timezone.now()
    )
    representative = UserFactory(username="rep")

    services.review_acknowledge(review, by=representative, comment="Wrong month", dispute=True)

    assert list(WebhookEvent.objects.values_list("type", flat=True)) == [E.REVIEW_DISPUTED]


# --- what arrives -------------------------------------------------------------------------------


def test_the_delivery_arrives_signed_as_standard_webhooks_says(
    vendor, subscribe, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe([E.INCIDENT_CREATED])

    with django_capture_on_commit_callbacks(execute=True):
        incident = report_incident(vendor)

    [(_, headers, body)] = receiver.received()
    payload = Webhook(subscription.secret).verify(body, headers)
    event = WebhookEvent.objects.get()
    assert headers["webhook-id"] == event.message_id
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"].startswith("governance-webhooks/")
    assert payload["type"] == "incident.created"
    assert dt.datetime.fromisoformat(payload["timestamp"]) == event.occurred_at
    assert payload["data"]["api_version"] == "v1"
    assert payload["data"]["id"] == incident.pk
    assert payload["data"]["priority"] == "P1"
    assert payload["data"]["links"]["web"] == (
        f"https://governance.example.com/vendors/{vendor.pk}/incidents/{incident.pk}/"
    )
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks._new_secret()).verify(body, headers)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.SUCCEEDED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code == 200
    assert attempt.response_excerpt == "answer 200"
    assert attempt.latency_ms >= 0


def test_a_500_is_retried_with_the_same_id_until_it_succeeds(
    vendor, subscribe, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe([E.INCIDENT_CREATED])
    receiver.script.extend([500, 503])
    start = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        report_incident(vendor)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.PENDING
    assert delivery.attempts == 1
    assert delivery.last_status_code == 500
    wait = delivery.next_attempt_at - start
    assert dt.timedelta(seconds=5) <= wait <= dt.timedelta(seconds=7)

    assert webhooks.deliver([delivery.pk])[0].status == "skipped"  # not due yet
    for minutes in (1, 5):
        with time_machine.travel(start + dt.timedelta(minutes=minutes)):
            webhooks.retry_due()

    delivery.refresh_from_db()
    assert delivery.status == Status.SUCCEEDED
    assert delivery.attempts == 3
    ids = {headers["webhook-id"] for _, headers, _ in receiver.received()}
    assert ids == {delivery.event.message_id}
    assert len(receiver.received()) == 3
    assert list(delivery.attempt_log.order_by("at").values_list("status_code", flat=True)) == [
        500,
        503,
        200,
    ]
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0


def test_a_redirect_is_not_followed_and_counts_as_a_failure(
    vendor, subscribe, receiver, django_capture_on_commit_callbacks
):
    subscribe([E.INCIDENT_CREATED])
    receiver.script.append(("redirect", receiver.url("/elsewhere")))

    with django_capture_on_commit_callbacks(execute=True):
        report_incident(vendor)

    assert [path for path, _, _ in receiver.received()] == ["/hook"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.PENDING
    assert delivery.last_status_code == 302
    assert "not followed" in delivery.last_error


def test_the_response_excerpt_is_cut_at_1000_characters(vendor, subscribe, monkeypatch):
    subscribe([E.INCIDENT_CREATED])
    report_incident(vendor)
    long = webhooks.webhook_http.Response(200, "x" * 5000, "", 3)
    monkeypatch.setattr(webhooks.webhook_http, "post", lambda *a, **k: long)

    webhooks.deliver(WebhookDelivery.objects.values_list("pk", flat=True))

    assert len(WebhookAttempt.objects.get().response_excerpt) == 1000


# --- retries and disabling ---------------------------------------------------------------------


def test_the_backoff_grows_to_about_a_day_with_bounded_jitter(settings):
    assert webhooks.retry_delay(1, rng=_Fixed(0.0)) == 5
    assert webhooks.retry_delay(1, rng=_Fixed(0.999)) == pytest.approx(6, abs=0.01)
    rng = random.Random(7)
    for attempts, base in enumerate(webhooks.DEFAULT_RETRY_SCHEDULE, start=1):
        for _ in range(50):
            assert base <= webhooks.retry_delay(attempts, rng=rng) <= base * 1.2
    assert webhooks.retry_delay(25, rng=_Fixed(0.0)) == 28800  # past the end: the last
    lowest = sum(webhooks.DEFAULT_RETRY_SCHEDULE)
    assert 21 * 3600 <= lowest <= lowest * 1.2 <= 27 * 3600
    assert len(webhooks.DEFAULT_RETRY_SCHEDULE) + 1 == settings.WEBHOOK_MAX_ATTEMPTS


class _Fixed:
    def __init__(self, value):
        self.value = value

    def random(self):
        return self.value


def _fail_through(delivery_ids, start, hours=30):
    """Run beat's retries every minute, then every 10 minutes, for ``hours``."""
    moment = start
    while moment < start + dt.timedelta(hours=hours):
        moment += dt.timedelta(minutes=1 if moment < start + dt.timedelta(hours=1) else 10)
        with time_machine.travel(moment):
            webhooks.retry_due()


def test_a_delivery_failing_a_whole_day_is_failed_and_the_subscription_disabled_with_an_email(
    vendor, subscribe, receiver, owner, django_capture_on_commit_callbacks
):
    receiver.default = 500
    subscription = subscribe([E.INCIDENT_CREATED], description="SIEM")
    other = subscribe([E.INCIDENT_RESOLVED], path="/other")
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        report_incident(vendor)

    _fail_through([], start)

    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.status == Status.FAILED
    assert delivery.attempts == 11
    span = delivery.last_attempt_at - delivery.attempt_log.order_by("at").first().at
    assert dt.timedelta(hours=21) <= span <= dt.timedelta(hours=27)
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert subscription.disabled_at is not None
    assert "11 attempts" in subscription.disabled_reason
    other.refresh_from_db()
    assert other.is_active
    [message] = mail.outbox
    assert message.to == [owner.email]
    assert message.subject == f"Webhook disabled: {subscription.url}"
    assert subscription.disabled_reason in message.body
    assert f"https://governance.example.com/webhooks/{subscription.pk}/" in message.body
    assert message.alternatives[0].mimetype == "text/html"


def test_failures_in_a_row_across_deliveries_disable_the_subscription_and_fail_the_rest(
    vendor, subscribe, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    receiver.default = 500
    subscription = subscribe([E.INCIDENT_CREATED], owner=None)
    UserFactory(username="admin", is_superuser=True, is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            report_incident(vendor)

    subscription.refresh_from_db()
    assert not subscription.is_active
    assert subscription.consecutive_failures == 3
    assert len(receiver.received()) == 3  # the fourth was failed without an attempt
    assert WebhookDelivery.objects.filter(status=Status.FAILED).count() == 4
    [message] = mail.outbox
    assert message.to == ["admin@example.com"]  # no owner: the administrators


def test_a_success_resets_the_failures_in_a_row(
    vendor, subscribe, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    subscription = subscribe([E.INCIDENT_CREATED])
    receiver.script.extend([500, 500, 200, 500, 500])
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            report_incident(vendor)

    subscription.refresh_from_db()
    assert subscription.is_active
    assert subscription.consecutive_failures == 2
    assert mail.outbox == []


def test_a_redelivery_sends_a_succeeded_delivery_again_now_and_records_who_asked(
    vendor, subscribe, receiver, member, django_capture_on_commit_callbacks
):
    subscribe([E.INCIDENT_CREATED])
    with django_capture_on_commit_callbacks(execute=True):
        report_incident(vendor)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.SUCCEEDED

    with django_capture_on_commit_callbacks(execute=True):
        webhooks.redeliver(delivery, by=member)

    delivery.refresh_from_db()
    assert delivery.status == Status.SUCCEEDED
    assert len(receiver.received()) == 2
    latest = delivery.attempt_log.order_by("-at", "-id").first()
    assert latest.requested_by == member
    first_id, second_id = (h["webhook-id"] for _, h, _ in receiver.received())
    assert first_id == second_id  # the receiver can tell it is the same event


def test_a_disabled_subscription_is_not_redelivered(vendor, subscribe, member):
    subscription = subscribe([E.INCIDENT_CREATED])
    report_incident(vendor)
    subscription.is_active = False
    webhooks.save_subscription(subscription, by=member)

    with pytest.raises(ValidationError, match="Enable the subscription"):
        webhooks.redeliver(WebhookDelivery.objects.get(), by=member)
    assert WebhookDelivery.objects.get().status == Status.FAILED


def test_a_claimed_delivery_is_not_sent_by_a_second_worker_until_its_claim_expires(
    vendor, subscribe, receiver
):
    subscribe([E.INCIDENT_CREATED])
    report_incident(vendor)
    delivery = WebhookDelivery.objects.get()
    assert list(webhooks._claim([delivery.pk])) == [delivery.pk]  # a worker took it, died

    assert webhooks.deliver([delivery.pk])[0].status == "skipped"
    assert webhooks.retry_due() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        assert webhooks.retry_due() == 1

    delivery.refresh_from_db()
    assert delivery.status == Status.SUCCEEDED
    assert len(receiver.received()) == 1


def test_beat_queues_a_fresh_delivery_whose_task_was_lost(vendor, subscribe, receiver):
    subscribe([E.INCIDENT_CREATED])
    report_incident(vendor)  # no on_commit here: the message never went out

    assert webhooks.retry_due() == 0  # young: its own task may still be on its way
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=40)):
        assert webhooks.retry_due() == 1

    assert WebhookDelivery.objects.get().status == Status.SUCCEEDED
    assert len(receiver.received()) == 1


# --- subscriptions -----------------------------------------------------------------------------


def test_save_subscription_validates_owns_and_resets_a_reenabled_one(member, receiver):
    subscription = WebhookSubscription(url=receiver.url(), events=[E.INCIDENT_CREATED])

    webhooks.save_subscription(subscription, by=member)

    assert subscription.owner == member
    subscription.is_active = False
    subscription.consecutive_failures = 9
    subscription.disabled_reason = "Disabled after 9 failed delivery attempts in a row."
    webhooks.save_subscription(subscription, by=member)
    subscription.is_active = True
    webhooks.save_subscription(subscription, by=member)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0
    assert subscription.disabled_reason == ""
    WebhookSubscription.objects.update(consecutive_failures=4)
    subscription.refresh_from_db()
    subscription.description = "SIEM"
    webhooks.save_subscription(subscription, by=member)  # an edit keeps the run of failures
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 4
    with pytest.raises(ValidationError) as error:
        webhooks.save_subscription(WebhookSubscription(url="ftp://x", events=[]), by=member)
    assert set(error.value.message_dict) == {"url", "events"}


def test_rotate_secret_gives_a_new_verifiable_secret(member, receiver, subscribe):
    subscription = subscribe([E.INCIDENT_CREATED])
    old = subscription.secret

    new = webhooks.rotate_secret(subscription, by=member)

    assert new != old
    assert WebhookSubscription.objects.get().secret == new
    Webhook(new)  # a valid Standard Webhooks secret


def test_delete_subscription_deletes_its_deliveries(vendor, subscribe, member):
    subscription = subscribe([E.INCIDENT_CREATED])
    report_incident(vendor)

    webhooks.delete_subscription(subscription, by=member)

    assert WebhookSubscription.objects.count() == 0
    assert WebhookDelivery.objects.count() == 0


def test_the_body_is_compact_json_with_type_timestamp_and_data(vendor, subscribe):
    subscribe([E.INCIDENT_CREATED])
    incident = IncidentFactory(vendor=vendor)
    event = webhooks.emit(
        E.INCIDENT_CREATED, vendor=vendor, data=lambda: webhooks.incident_data(incident)
    )

    parsed = json.loads(webhooks.body(event))

    assert set(parsed) == {"type", "timestamp", "data"}
    assert parsed["data"]["links"]["api"] == (
        f"https://governance.example.com/api/v1/incidents/{incident.pk}/"
    )


def test_an_answer_recorded_after_a_redelivery_was_asked_for_does_not_undo_it(
    vendor, subscribe, member
):
    subscribe([E.INCIDENT_CREATED])
    report_incident(vendor)
    [delivery] = webhooks._claim(WebhookDelivery.objects.values_list("pk", flat=True)).values()
    webhooks.redeliver(delivery, by=member)  # while the worker waits for the answer

    failed = webhooks.webhook_http.Response(500, "busy", "", 12)
    webhooks._record(delivery, failed, at=timezone.now(), requested_by=None)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.claimed_until) == (Status.PENDING, 0, None)
    assert delivery.attempt_log.get().status_code == 500  # the attempt is in the log
