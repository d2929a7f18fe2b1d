"""Outbound webhooks: subscriptions saved by every door, events written to the outbox in the
transaction of the change, and their delivery by the workers, signed, retried, logged.

The path of one event, top to bottom:

1. A service calls ``emit(type, vendor=..., data=...)`` inside its transaction. One query
   reads the active subscriptions; when none wants the event nothing is written. Otherwise
   one ``WebhookEvent`` and one ``WebhookDelivery`` per subscription that wants it are
   inserted, and a ``deliver_webhooks`` task is published once the transaction commits (a
   rolled-back change sends nothing). Time-made events (an SLA breached, a clause expired)
   are written by ``webhook_sweep`` once per ``key``.
2. A worker runs ``deliver(ids)``: each delivery is claimed (``select_for_update(skip_locked)``
   and ``claimed_until``, so two workers never send it at once), the target is checked again,
   the body is signed (Standard Webhooks) and POSTed to the checked address, and the attempt
   is logged. Success is a 2xx answer. A failure is retried after ``retry_delay(attempts)``;
   after ``WEBHOOK_MAX_ATTEMPTS`` the delivery is failed.
3. Beat runs ``retry_due()``: it queues what is due for a retry, what a lost worker left
   claimed past ``claimed_until`` and what a lost broker message left pending.

A subscription whose attempts keep failing is disabled (``_record_failure``), its pending
deliveries failed, and its owner (or every administrator) told by email.
"""

import datetime as dt
import json
import logging
import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from governance.infra import broker, webhook_http
from governance.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookEventType,
    WebhookSubscription,
)
from governance.models import new_webhook_secret as _new_secret

log = logging.getLogger(__name__)

Status = WebhookDelivery.Status
EventType = WebhookEventType

# The Celery tasks (governance.tasks), published by name: the engine never imports them.
DELIVER_TASK = "governance.tasks.deliver_webhooks"
RETRY_TASK = "governance.tasks.retry_webhooks"
# Deliveries per task message: one fan-out of many subscriptions spreads over the workers.
DELIVER_CHUNK = 10
API_VERSION = "v1"
# The delay before each retry, in seconds (attempt 1 failed: wait 5 s; ...), about 22 hours in
# all; WEBHOOK_RETRY_SCHEDULE overrides it. Attempts past its end wait as long as its last.
DEFAULT_RETRY_SCHEDULE = (5, 30, 120, 600, 1800, 3600, 7200, 14400, 21600, 28800)
# Each delay is stretched by a random 0 to 20 %: retries of many deliveries that failed
# together (a receiver's outage) spread out instead of arriving in one burst, while the
# schedule as a whole stays about a day (a "full" jitter from zero could shrink it to minutes).
JITTER = 0.2
# Pending deliveries younger than this are left to the task queued at their commit.
LOST_AFTER = dt.timedelta(seconds=30)
# Rows one beat run queues at most, so a long outage drains in bounded steps.
RECOVERY_LIMIT = 5_000
# A retry due within this is queued by the worker with a countdown instead of waiting for beat.
SHORT_RETRY = dt.timedelta(minutes=5)


# --- subscriptions (every door: web form, API serializer, admin) -----------------------------


def check_target(url):
    """Raise ``ValidationError`` unless ``url``'s host resolves to public addresses only (or
    is allowed by ``WEBHOOK_ALLOWED_HOSTS``); returns the address a delivery would call."""
    try:
        return webhook_http.resolve(url, allowed=allowed_hosts())
    except webhook_http.Refused as refused:
        raise ValidationError(str(refused), code="target_refused") from None


def allowed_hosts():
    return webhook_http.parse_allowed(settings.WEBHOOK_ALLOWED_HOSTS)


@transaction.atomic
def save_subscription(subscription, *, by):
    """Validate (fields, then the target's addresses) and save ``subscription``; a new one is
    owned by ``by`` unless an owner was given. Raises ``ValidationError`` (``url`` for a
    refused target).

    The target is checked whenever the subscription is to be active (a disabled one can
    always be saved: switching off a webhook whose host no longer resolves must work).
    Enabling a disabled one starts its failure count afresh; disabling one fails its
    pending deliveries.
    """
    if subscription.pk is None and subscription.owner_id is None and by is not None:
        subscription.owner = by
    subscription.full_clean()
    if subscription.is_active:
        try:
            check_target(subscription.url)
        except ValidationError as error:
            raise ValidationError({"url": error.messages}) from None
    was_active = (
        subscription.pk is not None
        and WebhookSubscription.objects.filter(pk=subscription.pk, is_active=True).exists()
    )
    if subscription.is_active and not was_active:
        subscription.consecutive_failures = 0
        subscription.disabled_at = None
        subscription.disabled_reason = ""
    subscription.save()
    if not subscription.is_active:
        _fail_pending(subscription, "The subscription was disabled.")
    return subscription


@transaction.atomic
def delete_subscription(subscription, *, by):
    """Delete ``subscription`` with its deliveries and their log."""
    subscription.delete()


@transaction.atomic
def rotate_secret(subscription, *, by):
    """Give ``subscription`` a new secret and return it (the doors show it once). Deliveries
    not sent yet are signed with the new one."""
    subscription.secret = _new_secret()
    subscription.save(update_fields=["secret", "updated_at"])
    return subscription.secret


@transaction.atomic
def redeliver(delivery, *, by):
    """Send ``delivery`` again now, whatever its status, with its retries afresh; the attempt
    records ``by``. Raises ``ValidationError`` when its subscription is disabled."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    subscription = delivery.subscription
    if not subscription.is_active:
        raise ValidationError("Enable the subscription before sending its deliveries again.")
    now = timezone.now()
    delivery.status = Status.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.claimed_until = None
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_until"])
    requested_by = getattr(by, "pk", None)
    transaction.on_commit(lambda: enqueue([delivery.pk], requested_by=requested_by), robust=True)
    return delivery


# --- emission --------------------------------------------------------------------------------


def emit(event_type, *, vendor, data, key=None, occurred_at=None, subscriptions=None):
    """Write ``event_type`` for ``vendor`` to the outbox, one delivery per active subscription
    that wants it, and queue their delivery once the current transaction commits.

    ``data`` is the payload's ``data`` (a dict, or a callable returning one, called only when
    some subscription wants the event). With a ``key`` the event is written at most once
    ever (time-made events). ``subscriptions``: the active ones, when the caller read them
    already (``active_subscriptions()``) for several events. Returns the event, or None when
    nobody wants it (or its key was written before).
    """
    event_type = EventType(event_type)
    vendor_id = getattr(vendor, "pk", vendor)
    if subscriptions is None:
        subscriptions = active_subscriptions()
    subscriptions = [s for s in subscriptions if s.wants(event_type, vendor_id)]
    if not subscriptions:
        return None
    occurred_at = occurred_at or timezone.now()
    with transaction.atomic():
        event = WebhookEvent(
            type=event_type,
            vendor_id=vendor_id,
            data=data() if callable(data) else data,
            occurred_at=occurred_at,
            key=key,
        )
        if key is None:
            event.save()
        else:
            # ON CONFLICT DO NOTHING: a concurrent sweep's insert of the same key waits for
            # that one's commit, then writes nothing, and finds its deliveries below.
            WebhookEvent.objects.bulk_create([event], ignore_conflicts=True)
            event = WebhookEvent.objects.get(key=key)
            if event.deliveries.exists():
                return None
        ids = _fan_out(event, subscriptions)
    transaction.on_commit(lambda: enqueue(ids), robust=True)
    return event


def active_subscriptions():
    """The active subscriptions, with only what matching needs (one query)."""
    return list(WebhookSubscription.objects.filter(is_active=True).only("id", "events", "vendor"))


def _fan_out(event, subscriptions):
    now = timezone.now()
    deliveries = [
        WebhookDelivery(event=event, subscription_id=s.pk, next_attempt_at=now)
        for s in subscriptions
    ]
    if event.key is None:
        return [d.pk for d in WebhookDelivery.objects.bulk_create(deliveries)]
    # A keyed event may be fanned out by two sweeps at once: the second writes nothing.
    WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return list(
        event.deliveries.filter(status=Status.PENDING, attempts=0).values_list("pk", flat=True)
    )


def body(event):
    """The JSON body of ``event``, the same text on every attempt (it is what is signed)."""
    return json.dumps(
        {"type": event.type, "timestamp": event.occurred_at.isoformat(), "data": event.data},
        separators=(",", ":"),
        sort_keys=True,
    )


# --- payloads ---------------------------------------------------------------------------------


def absolute(path):
    return settings.SITE_URL + path


def links(*, api, web):
    return {"api": absolute(api), "web": absolute(web)}


def vendor_ref(vendor):
    return {"id": vendor.pk, "name": vendor.name}


def _iso(value):
    return value.isoformat() if value is not None else None


def incident_data(incident):
    data = {
        "api_version": API_VERSION,
        "id": incident.pk,
        "vendor": vendor_ref(incident.vendor),
        "external_id": incident.external_id,
        "title": incident.title,
        "priority": incident.priority,
        "category": incident.category,
        "status": incident.status,
        "opened_at": _iso(incident.opened_at),
        "acknowledged_at": _iso(incident.acknowledged_at),
        "resolved_at": _iso(incident.resolved_at),
        "response_due_at": _iso(incident.response_due_at),
        "resolution_due_at": _iso(incident.resolution_due_at),
        "links": links(
            api=reverse("api:incident-detail", args=[incident.pk]),
            web=incident.get_absolute_url(),
        ),
    }
    if incident.category == incident.Category.SECURITY:
        data.update(
            detected_at=_iso(incident.detected_at),
            vendor_notified_at=_iso(incident.vendor_notified_at),
            personal_data_affected=incident.personal_data_affected,
        )
    return data


def review_data(review):
    return {
        "api_version": API_VERSION,
        "id": review.pk,
        "vendor": vendor_ref(review.vendor),
        "status": review.status,
        "scheduled_for": _iso(review.scheduled_for),
        "period_start": _iso(review.period_start),
        "period_end": _iso(review.period_end),
        "overall_score": str(review.overall_score) if review.overall_score is not None else None,
        "completed_at": _iso(review.completed_at),
        "vendor_acknowledged_at": _iso(review.vendor_acknowledged_at),
        "dispute_status": review.dispute_status,
        "links": links(
            api=reverse("api:review-detail", args=[review.pk]), web=review.get_absolute_url()
        ),
    }


def vendor_data(vendor, *, previous_status):
    return {
        "api_version": API_VERSION,
        "id": vendor.pk,
        "vendor": vendor_ref(vendor),
        "name": vendor.name,
        "status": vendor.status,
        "previous_status": previous_status,
        "tier": vendor.tier,
        "links": links(
            api=reverse("api:vendor-detail", args=[vendor.pk]), web=vendor.get_absolute_url()
        ),
    }


def action_item_data(item):
    return {
        "api_version": API_VERSION,
        "id": item.pk,
        "vendor": vendor_ref(item.vendor),
        "description": item.description[:500],
        "status": item.status,
        "due_date": _iso(item.due_date),
        "owner": item.owner.get_username() if item.owner_id else None,
        "links": links(
            api=reverse("api:action-item-detail", args=[item.pk]), web=item.get_absolute_url()
        ),
    }


def clause_data(clause):
    return {
        "api_version": API_VERSION,
        "id": clause.pk,
        "vendor": vendor_ref(clause.vendor),
        "clause_type": clause.clause_type,
        "status": clause.status,
        "expires_on": _iso(clause.expires_on),
        "links": links(
            api=reverse("api:clause-detail", args=[clause.pk]), web=clause.get_absolute_url()
        ),
    }


def credit_data(statement):
    return {
        "api_version": API_VERSION,
        "id": statement.pk,
        "vendor": vendor_ref(statement.vendor),
        "month": _iso(statement.month),
        "credit_due": str(statement.credit_due),
        "currency": statement.currency,
        "status": statement.status,
        "compliance_percent": (
            str(statement.compliance_percent) if statement.compliance_percent is not None else None
        ),
        "links": links(
            api=reverse("api:credit-statement-detail", args=[statement.pk]),
            web=statement.get_absolute_url(),
        ),
    }


# --- the services' events ---------------------------------------------------------------------


def incident_saved(incident, *, created, was_resolved, subscriptions=None):
    """Emit what saving ``incident`` means: created (and, for a security incident, reported),
    resolved when it became resolved or closed. ``subscriptions``: the active ones, when
    ``incident_was_resolved`` read them before the save."""
    resolved = incident.status in (incident.Status.RESOLVED, incident.Status.CLOSED)
    types = []
    if created:
        types.append(EventType.INCIDENT_CREATED)
        if incident.category == incident.Category.SECURITY:
            types.append(EventType.SECURITY_INCIDENT_REPORTED)
    if resolved and not was_resolved:
        types.append(EventType.INCIDENT_RESOLVED)
    if not types:
        return
    if subscriptions is None:
        subscriptions = active_subscriptions()
    for event_type in types:
        emit(
            event_type,
            vendor=incident.vendor_id,
            data=lambda: incident_data(incident),
            subscriptions=subscriptions,
        )


def incident_was_resolved(incident):
    """``(resolved, subscriptions)``: whether the stored ``incident`` is resolved or closed
    (read only when some subscription wants ``incident.resolved``: the check before a save
    that may resolve it), and the active subscriptions read for it, for ``incident_saved``
    (one query for both)."""
    subscriptions = active_subscriptions()
    if not any(s.wants(EventType.INCIDENT_RESOLVED, incident.vendor_id) for s in subscriptions):
        return True, subscriptions  # nobody listens: nothing to compare
    resolved = (
        type(incident)
        .objects.filter(
            pk=incident.pk, status__in=[incident.Status.RESOLVED, incident.Status.CLOSED]
        )
        .exists()
    )
    return resolved, subscriptions


def review_event(event_type, review):
    emit(event_type, vendor=review.vendor_id, data=lambda: review_data(review))


def vendor_stored_status(vendor):
    """The stored status of ``vendor`` before a change (None for a new one, or when no
    subscription wants ``vendor.status_changed``)."""
    if vendor.pk is None or not wants(EventType.VENDOR_STATUS_CHANGED, vendor.pk):
        return None
    return type(vendor).objects.filter(pk=vendor.pk).values_list("status", flat=True).first()


def vendor_saved(vendor, *, previous_status):
    if previous_status is not None and previous_status != vendor.status:
        emit(
            EventType.VENDOR_STATUS_CHANGED,
            vendor=vendor.pk,
            data=lambda: vendor_data(vendor, previous_status=previous_status),
        )


def wants(event_type, vendor_id):
    """Whether some active subscription wants ``event_type`` of ``vendor_id`` (one query)."""
    return any(s.wants(event_type, vendor_id) for s in active_subscriptions())


# --- delivery (the workers) -------------------------------------------------------------------


def enqueue(ids, *, requested_by=None):
    """Publish ``deliver_webhooks`` tasks for ``ids``. A broker outage is logged: the rows
    stay pending and beat's ``retry_due`` queues them again."""
    ids = list(ids)
    batches = [ids[i : i + DELIVER_CHUNK] for i in range(0, len(ids), DELIVER_CHUNK)]
    extra = () if requested_by is None else (requested_by,)
    published = broker.publish(broker.task(DELIVER_TASK, batch, *extra) for batch in batches)
    if published.error is not None:
        log.warning("Broker unavailable: webhook deliveries left for beat (%s)", published.error)


def short_retries(outcomes):
    """(delivery id, seconds) of the retries in ``outcomes`` due within ``SHORT_RETRY``: the
    worker queues them with a countdown, since beat's period is longer than the first
    delays. Later ones are beat's (``retry_due``)."""
    limit = SHORT_RETRY.total_seconds()
    return [
        (o.delivery_id, o.retry_in)
        for o in outcomes
        if o.retry_in is not None and o.retry_in <= limit
    ]


def retry_delay(attempts, *, rng=random):
    """Seconds to wait after the ``attempts``-th failed attempt (1-based), jittered."""
    schedule = retry_schedule()
    base = schedule[min(attempts, len(schedule)) - 1]
    return base * (1 + JITTER * rng.random())


def retry_schedule():
    value = settings.WEBHOOK_RETRY_SCHEDULE
    if isinstance(value, str):
        value = [float(part) for part in value.split(",") if part.strip()]
    return tuple(value) or DEFAULT_RETRY_SCHEDULE


@dataclass
class Outcome:
    delivery_id: int
    status: str  # "succeeded", "retry", "failed", "skipped"
    retry_in: float | None = None


def deliver(ids, *, requested_by=None):
    """Attempt each pending, due, unclaimed delivery of ``ids`` once; returns their outcomes.

    Safe to run twice and concurrently: a delivery another worker holds, or one not due, is
    skipped. The deliveries are claimed together (one transaction for a task's batch), then
    sent one by one, each recorded in its own transaction.
    """
    claimed = _claim(ids)
    outcomes = [Outcome(pk, "skipped") for pk in ids if pk not in claimed]
    for delivery in claimed.values():
        outcomes.append(_deliver_one(delivery, requested_by=requested_by))
    return outcomes


def _deliver_one(delivery, *, requested_by):
    subscription = delivery.subscription
    if not subscription.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=Status.FAILED, claimed_until=None, last_error="The subscription is disabled."
        )
        return Outcome(delivery.pk, Status.FAILED)
    sent_at = timezone.now()
    try:
        address = webhook_http.resolve(subscription.url, allowed=allowed_hosts())
    except webhook_http.Refused as refused:
        response = webhook_http.Response(None, "", f"Refused: {refused}"[:500], 0)
    else:
        text = body(delivery.event)
        headers = webhook_http.signed_headers(
            secret=subscription.secret,
            message_id=delivery.event.message_id,
            body=text,
            at=sent_at,
        )
        response = webhook_http.post(
            subscription.url,
            address=address,
            body=text,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        )
    return _record(delivery, response, at=sent_at, requested_by=requested_by)


def _claim(ids):
    """``{id: delivery}`` of those of ``ids`` claimed for this worker: pending, due, and not
    held by another worker (``skip_locked``: a concurrent claim skips, never waits).

    The claim lasts long enough for each of them to time out twice (connect, then read); a
    worker that dies leaves it to expire, and beat's ``retry_due`` then queues them again.
    """
    ids = list(ids)
    now = timezone.now()
    hold = dt.timedelta(seconds=len(ids) * settings.WEBHOOK_TIMEOUT_SECONDS * 2 + 30)
    with transaction.atomic():
        free = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "subscription")
            .filter(pk__in=ids, status=Status.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("pk")
        )
        deliveries = {delivery.pk: delivery for delivery in free}
        if deliveries:
            WebhookDelivery.objects.filter(pk__in=list(deliveries)).update(claimed_until=now + hold)
    for delivery in deliveries.values():
        delivery.claimed_until = now + hold
    return deliveries


def _record(delivery, response, *, at, requested_by):
    """Log the attempt and move the delivery on: succeeded, due again later, or failed."""
    ok = response.ok
    error = response.error or ("" if ok else f"HTTP {response.status_code}")
    attempts = delivery.attempts + 1
    outcome = Outcome(delivery.pk, Status.SUCCEEDED if ok else "retry")
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            at=at,
            status_code=response.status_code,
            latency_ms=response.latency_ms,
            response_excerpt=response.excerpt[: webhook_http.EXCERPT_MAX],
            error=error[:500],
            requested_by_id=requested_by,
        )
        fields = {
            "attempts": attempts,
            "claimed_until": None,
            "last_attempt_at": at,
            "last_status_code": response.status_code,
            "last_latency_ms": response.latency_ms,
            "last_error": error[:500],
        }
        if ok:
            fields.update(status=Status.SUCCEEDED, delivered_at=at, next_attempt_at=None)
        elif attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            fields.update(status=Status.FAILED, next_attempt_at=None)
            outcome.status = Status.FAILED
        else:
            outcome.retry_in = retry_delay(attempts)
            fields.update(next_attempt_at=timezone.now() + dt.timedelta(seconds=outcome.retry_in))
        # Conditional on our claim: a redelivery asked for meanwhile, a disabling, or another
        # worker that took over an expired claim is not overwritten (the attempt is logged).
        WebhookDelivery.objects.filter(
            pk=delivery.pk, status=Status.PENDING, claimed_until=delivery.claimed_until
        ).update(**fields)
        if ok:
            # Written only when there is a run to end: a busy subscription's row is not
            # rewritten (and locked) by every success.
            WebhookSubscription.objects.filter(
                pk=delivery.subscription_id, consecutive_failures__gt=0
            ).update(consecutive_failures=0)
            disabled = None
        else:
            disabled = _record_failure(delivery.subscription_id, exhausted=not outcome.retry_in)
    if disabled is not None:
        _notify_disabled(disabled)
    return outcome


def _record_failure(subscription_id, *, exhausted):
    """Count a failed attempt; disable the subscription when its failures run too long.

    The rule: disabled after ``WEBHOOK_DISABLE_AFTER_FAILURES`` failed attempts in a row
    (across deliveries, a success resets the count), or when a delivery runs out of retries
    with nothing succeeding since its first attempt (a day of failures). Returns the
    subscription when this call disabled it.
    """
    WebhookSubscription.objects.filter(pk=subscription_id).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    subscription = (
        WebhookSubscription.objects.select_for_update(of=("self",))
        .select_related("owner")
        .filter(pk=subscription_id, is_active=True)
        .first()
    )
    if subscription is None:
        return None
    failures = subscription.consecutive_failures
    if failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES:
        reason = f"Disabled after {failures} failed delivery attempts in a row."
    elif exhausted and failures >= settings.WEBHOOK_MAX_ATTEMPTS:
        reason = (
            f"Disabled after a delivery failed all {settings.WEBHOOK_MAX_ATTEMPTS} attempts "
            "with no success in between."
        )
    else:
        return None
    subscription.is_active = False
    subscription.disabled_at = timezone.now()
    subscription.disabled_reason = reason
    subscription.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])
    _fail_pending(subscription, reason)
    log.warning("Webhook subscription %s disabled: %s", subscription.pk, reason)
    return subscription


def _fail_pending(subscription, reason):
    subscription.deliveries.filter(status=Status.PENDING).update(
        status=Status.FAILED, next_attempt_at=None, claimed_until=None, last_error=reason[:500]
    )


def _notify_disabled(subscription):
    """Email the owner (or, with none, every active administrator) that ``subscription`` was
    disabled. A mail failure is logged: the subscription's page shows it disabled anyway."""
    if subscription.owner is not None and subscription.owner.email:
        recipients = [subscription.owner.email]
    else:
        recipients = list(
            get_user_model()
            .objects.filter(is_active=True, is_superuser=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    if not recipients:
        return
    context = {"subscription": subscription, "object_url": _subscription_url(subscription)}
    subject = render_to_string("emails/webhook-disabled-subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("emails/webhook-disabled-body.txt", context),
        to=recipients,
    )
    message.attach_alternative(
        render_to_string("emails/webhook-disabled-body.html", context), "text/html"
    )
    try:
        message.send()
    except OSError as error:
        log.warning("Webhook %s disabled; the email was not sent (%s)", subscription.pk, error)


def _subscription_url(subscription):
    """The subscription's page with its delivery log: the web UI's, else the admin's."""
    for name in ("governance:webhook-detail", "admin:governance_webhooksubscription_change"):
        try:
            return absolute(reverse(name, args=[subscription.pk]))
        except NoReverseMatch:
            continue
    return absolute("/")


# --- beat: retries and recovery ---------------------------------------------------------------


def retry_due(now=None):
    """Queue every pending delivery that is due and not held: retries whose time came, ones a
    lost worker left claimed past ``claimed_until``, and fresh ones whose task was lost.
    Returns how many were queued."""
    now = now or timezone.now()
    due = (
        WebhookDelivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        # A fresh delivery is its commit task's for a while; one retried before is due now.
        .filter(Q(attempts__gt=0) | Q(next_attempt_at__lt=now - LOST_AFTER))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:RECOVERY_LIMIT]
    )
    ids = list(due)
    if ids:
        enqueue(ids)
    return len(ids)
