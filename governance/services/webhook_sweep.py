"""The sweep for webhook events that time makes happen: an SLA warned of or breached, a
security notification overdue, an action item overdue, a clause expiring or expired, a
service credit due.

Each event is written once ever, by its ``key`` (``incident.sla_breached:42:response``):
``emit`` inserts with ``ON CONFLICT DO NOTHING`` on the key, so repeated and concurrent
sweeps never write a second one. A type is looked for only when an active subscription
wants it, and only moments within the last ``LOOKBACK`` are announced, so a new subscription
(or a beat that was down) does not flood a receiver with history.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from governance.domain import notification
from governance.domain.bounds import MAX_NOTIFICATION_HOURS
from governance.models import (
    ActionItem,
    CreditStatement,
    Incident,
    SecurityClause,
    Vendor,
    WebhookEvent,
)
from governance.selectors.notification import notification_clocks
from governance.services import webhooks
from governance.services.webhooks import EventType

log = logging.getLogger(__name__)

SWEEP_TASK = "governance.tasks.sweep_webhooks"
LOOKBACK = dt.timedelta(days=7)
# clause.expiring is announced this many days before the clause's expiry date.
CLAUSE_EXPIRING_DAYS = 30
# (due time, done time) of an incident's two SLA targets, by name.
TARGETS = {
    "response": ("response_due_at", "acknowledged_at"),
    "resolution": ("resolution_due_at", "resolved_at"),
}


def sweep(now=None):
    """Emit the time-made events due at ``now`` not emitted before; returns how many."""
    now = now or timezone.now()
    subscriptions = webhooks.active_subscriptions()
    wanted = {event_type for subscription in subscriptions for event_type in subscription.events}
    finders = {
        EventType.INCIDENT_SLA_WARNING: _sla_warnings,
        EventType.INCIDENT_SLA_BREACHED: _sla_breaches,
        EventType.SECURITY_INCIDENT_NOTIFICATION_OVERDUE: _notifications_overdue,
        EventType.ACTION_ITEM_OVERDUE: _action_items_overdue,
        EventType.CLAUSE_EXPIRING: _clauses_expiring,
        EventType.CLAUSE_EXPIRED: _clauses_expired,
        EventType.CREDIT_DUE: _credits_due,
    }
    written = 0
    for event_type, find in finders.items():
        if event_type not in wanted:
            continue
        candidates = list(find(now))
        done = set(
            WebhookEvent.objects.filter(key__in=[key for key, *_ in candidates]).values_list(
                "key", flat=True
            )
        )
        for key, vendor_id, occurred_at, data in candidates:
            if key in done:
                continue
            with transaction.atomic():
                event = webhooks.emit(
                    event_type,
                    vendor=vendor_id,
                    data=data,
                    key=key,
                    occurred_at=occurred_at,
                    subscriptions=subscriptions,
                )
            written += event is not None
    if written:
        log.info("Webhook sweep: %d event(s) written", written)
    return written


def _open_incidents():
    return (
        Incident.objects.filter(status__in=Incident.OPEN_STATUSES)
        .exclude(vendor__status=Vendor.Status.ENDED)
        .select_related("vendor")
    )


def _sla_breaches(now):
    since = now - LOOKBACK
    for name, (due_field, done_field) in TARGETS.items():
        # incident_status_respdue_idx / incident_status_resdue_idx
        incidents = _open_incidents().filter(
            **{f"{due_field}__gte": since, f"{due_field}__lte": now, f"{done_field}__isnull": True}
        )
        for incident in incidents:
            yield (
                f"{EventType.INCIDENT_SLA_BREACHED}:{incident.pk}:{name}",
                incident.vendor_id,
                getattr(incident, due_field),
                {**webhooks.incident_data(incident), "target": name},
            )


def _sla_warnings(now):
    """A target is warned of once ``GOVERNANCE_REMINDER_SLA_WARNING_RATIO`` of its time from
    opening has passed (the reminders' warning moment), until it is due."""
    ratio = settings.GOVERNANCE_REMINDER_SLA_WARNING_RATIO
    for name, (due_field, done_field) in TARGETS.items():
        incidents = _open_incidents().filter(
            **{f"{due_field}__gt": now, f"{done_field}__isnull": True}
        )
        for incident in incidents:
            due_at = getattr(incident, due_field)
            warn_at = incident.opened_at + (due_at - incident.opened_at) * ratio
            if not now - LOOKBACK <= warn_at <= now:
                continue
            yield (
                f"{EventType.INCIDENT_SLA_WARNING}:{incident.pk}:{name}",
                incident.vendor_id,
                warn_at,
                {**webhooks.incident_data(incident), "target": name},
            )


def _notifications_overdue(now):
    """The security incidents whose notification clock (the vendor's to us, or ours to the
    authority) passed its deadline with no notification recorded."""
    # A clock ends at most this long after its start (the detection, or our awareness).
    longest = max(MAX_NOTIFICATION_HOURS, settings.GOVERNANCE_AUTHORITY_NOTIFICATION_HOURS)
    incidents = list(
        Incident.objects.filter(notification.awaiting_notification())
        .filter(detected_at__gte=now - LOOKBACK - dt.timedelta(hours=longest))
        .exclude(vendor__status=Vendor.Status.ENDED)
        .select_related("vendor")
    )
    clocks = notification_clocks(incidents, now=now)
    for incident in incidents:
        for whose in ("vendor", "authority"):
            clock = getattr(clocks[incident.pk], whose)
            if clock is None or clock.status != notification.NotificationStatus.OVERDUE:
                continue
            if clock.due_at < now - LOOKBACK:
                continue
            yield (
                f"{EventType.SECURITY_INCIDENT_NOTIFICATION_OVERDUE}:{incident.pk}:{whose}",
                incident.vendor_id,
                clock.due_at,
                {
                    **webhooks.incident_data(incident),
                    "clock": whose,
                    "notification_due_at": clock.due_at.isoformat(),
                },
            )


def _today(now):
    return timezone.localdate(now)


def _start_of(day):
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _action_items_overdue(now):
    today = _today(now)
    items = (
        ActionItem.objects.filter(
            status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS],
            due_date__lt=today,
            due_date__gte=today - LOOKBACK,
        )
        .exclude(vendor__status=Vendor.Status.ENDED)
        .select_related("vendor", "owner")
    )
    for item in items:
        yield (
            f"{EventType.ACTION_ITEM_OVERDUE}:{item.pk}:{item.due_date.isoformat()}",
            item.vendor_id,
            _start_of(item.due_date + dt.timedelta(days=1)),
            webhooks.action_item_data(item),
        )


def _clauses(now, **window):
    return (
        SecurityClause.objects.filter(**window)
        .exclude(vendor__status=Vendor.Status.ENDED)
        .select_related("vendor")
    )


def _clauses_expiring(now):
    """Clauses expiring within ``CLAUSE_EXPIRING_DAYS`` (announced once per expiry date)."""
    today = _today(now)
    lead = dt.timedelta(days=CLAUSE_EXPIRING_DAYS)
    for clause in _clauses(now, expires_on__gte=today, expires_on__lte=today + lead):
        yield (
            f"{EventType.CLAUSE_EXPIRING}:{clause.pk}:{clause.expires_on.isoformat()}",
            clause.vendor_id,
            max(_start_of(clause.expires_on - lead), now - LOOKBACK),
            {**webhooks.clause_data(clause), "days_left": (clause.expires_on - today).days},
        )


def _clauses_expired(now):
    """A clause expires at the end of its ``expires_on`` day."""
    today = _today(now)
    for clause in _clauses(now, expires_on__lt=today, expires_on__gte=today - LOOKBACK):
        yield (
            f"{EventType.CLAUSE_EXPIRED}:{clause.pk}:{clause.expires_on.isoformat()}",
            clause.vendor_id,
            _start_of(clause.expires_on + dt.timedelta(days=1)),
            webhooks.clause_data(clause),
        )


def _credits_due(now):
    """Statements computed with a credit due (the month's close), within the look-back."""
    statements = CreditStatement.objects.filter(
        status=CreditStatement.Status.DUE, computed_at__gte=now - LOOKBACK, computed_at__lte=now
    ).select_related("vendor")
    for statement in statements:
        yield (
            f"{EventType.CREDIT_DUE}:{statement.pk}:{statement.month.isoformat()}",
            statement.vendor_id,
            statement.computed_at,
            webhooks.credit_data(statement),
        )
