"""Outbound webhooks as the pages, the API and the admin read them: subscriptions with what
their deliveries did, a subscription's delivery log, a delivery's attempts.

Each list is one query whatever its length: the counts and the last delivery are correlated
subqueries (each served by ``webhook_delivery_sub_idx``), never a query per row.
"""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from governance.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookSubscription,
)

# A delivery's attempts shown at once (a delivery redelivered by hand again and again could
# have many): the newest ones.
ATTEMPTS_SHOWN = 50


def _delivery_count(status):
    rows = (
        WebhookDelivery.objects.filter(subscription=OuterRef("pk"), status=status)
        .order_by()
        .values("subscription")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _last_delivery(field):
    newest = WebhookDelivery.objects.filter(subscription=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    return Subquery(newest.values(field)[:1])


def webhook_subscriptions():
    """Every subscription with its vendor and owner, and ``pending_count``,
    ``succeeded_count``, ``failed_count`` (its deliveries by status), ``last_status``,
    ``last_delivery_at`` and ``last_status_code`` (its newest delivery's). One query."""
    return WebhookSubscription.objects.select_related("vendor", "owner").annotate(
        pending_count=_delivery_count(WebhookDeliveryStatus.PENDING),
        succeeded_count=_delivery_count(WebhookDeliveryStatus.SUCCEEDED),
        failed_count=_delivery_count(WebhookDeliveryStatus.FAILED),
        last_status=_last_delivery("status"),
        last_delivery_at=_last_delivery("created_at"),
        last_status_code=_last_delivery("last_status_code"),
    )


def subscription_deliveries(subscription, *, status=None):
    """``subscription``'s deliveries, newest first (``webhook_delivery_sub_idx``), with their
    event and ``last_response_excerpt`` (the newest attempt's answer); of one ``status`` when
    given. One query per page."""
    newest_attempt = WebhookAttempt.objects.filter(delivery=OuterRef("pk")).order_by("-at", "-id")
    deliveries = (
        WebhookDelivery.objects.filter(subscription=subscription)
        .select_related("event")
        .annotate(last_response_excerpt=Subquery(newest_attempt.values("response_excerpt")[:1]))
        .order_by("-created_at", "-id")
    )
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries


def delivery_attempts(delivery):
    """The newest ``ATTEMPTS_SHOWN`` attempts of ``delivery``, newest first, with who asked
    for each one sent by hand (``webhook_attempt_delivery_idx``)."""
    return list(
        WebhookAttempt.objects.filter(delivery=delivery)
        .select_related("requested_by")
        .order_by("-at", "-id")[:ATTEMPTS_SHOWN]
    )
