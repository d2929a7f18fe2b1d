"""Outbound webhooks (administrators): subscriptions, their secret's rotation, their delivery
log and manual redelivery. Every write goes through ``services.webhooks``."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from governance.domain import access
from governance.models import WebhookDeliveryStatus
from governance.selectors import webhooks as selectors
from governance.services import webhooks

from ..serializers.webhooks import (
    WebhookDeliveryDetailSerializer,
    WebhookDeliverySerializer,
    WebhookSecretShownSerializer,
    WebhookSubscriptionSerializer,
)
from .base import GovernanceAPIMixin

DELIVERY_ID = OpenApiParameter(
    "delivery_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="A delivery's id."
)


class ManagesWebhooks(BasePermission):
    """Administrators only (``access.can_manage_webhooks``), reading and writing alike."""

    message = "Only administrators manage webhooks."

    def has_permission(self, request, view):
        return access.can_manage_webhooks(request.user)


@extend_schema_view(
    list=extend_schema(
        summary="List webhook subscriptions",
        description="Each with its deliveries counted by status and its newest delivery's "
        "status. The secret is never shown.",
    ),
    retrieve=extend_schema(summary="A webhook subscription"),
    create=extend_schema(
        summary="Subscribe a URL to events",
        description="`url` (http or https; its host must resolve to public addresses only, "
        "unless the setting `WEBHOOK_ALLOWED_HOSTS` allows it: otherwise a 400 on `url`), "
        "`events` (a non-empty list of event types), `vendor` (optional: one vendor's events "
        "only), `secret` (optional: generated when omitted), `is_active`. The response "
        "carries the secret once, as `signing_secret`: each delivery is signed with it per "
        "the Standard Webhooks specification (headers `webhook-id`, `webhook-timestamp`, "
        "`webhook-signature`; JSON body with `type`, `timestamp` and `data`).",
        responses={201: WebhookSecretShownSerializer},
    ),
    update=extend_schema(
        summary="Change a webhook subscription",
        description="`secret` may be given to replace the secret (or use `rotate-secret/`). "
        "Setting `is_active` true again re-enables a disabled subscription and starts its "
        "failure count afresh.",
    ),
    partial_update=extend_schema(summary="Change part of a webhook subscription"),
    destroy=extend_schema(summary="Delete a webhook subscription (with its delivery log)"),
)
class WebhookSubscriptionViewSet(GovernanceAPIMixin, viewsets.ModelViewSet):
    """Outbound webhooks: where events are delivered, signed, retried and logged."""

    permission_classes = [ManagesWebhooks]
    serializer_class = WebhookSubscriptionSerializer
    filter_backends = []
    ordering = ["url", "id"]

    def get_queryset(self):
        return selectors.webhook_subscriptions().order_by(*self.ordering)

    def get_serializer_class(self):
        if self.action == "create":
            return WebhookSecretShownSerializer
        return super().get_serializer_class()

    def perform_create(self, serializer):
        serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        webhooks.delete_subscription(instance, by=self.request.user)

    @extend_schema(
        summary="Give a subscription a new signing secret",
        description="The old secret stops signing at once; deliveries not sent yet are signed "
        "with the new one. The response carries it once, as `signing_secret`.",
        request=None,
        responses=WebhookSecretShownSerializer,
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret", url_name="rotate-secret")
    def rotate_secret(self, request, pk=None):
        subscription = self.get_object()
        webhooks.rotate_secret(subscription, by=request.user)
        subscription = self.get_queryset().get(pk=subscription.pk)
        return Response(
            WebhookSecretShownSerializer(subscription, context={"request": request}).data
        )

    @extend_schema(
        summary="A subscription's delivery log",
        description="Its deliveries, newest first: the event (`event_id` is the `webhook-id` "
        "header), status, attempts, the next attempt's time, and the last attempt's status "
        "code, latency, error and the start of its answer. Filter by `status`.",
        parameters=[
            OpenApiParameter(
                "status", str, enum=WebhookDeliveryStatus.values, description="Only these."
            )
        ],
        responses=WebhookDeliverySerializer(many=True),
    )
    @action(detail=True, methods=["get"], serializer_class=WebhookDeliverySerializer)
    def deliveries(self, request, pk=None):
        subscription = self.get_object()
        wanted = request.query_params.get("status") or None
        if wanted is not None and wanted not in WebhookDeliveryStatus.values:
            return Response(
                {"status": [f"Choose one of: {', '.join(WebhookDeliveryStatus.values)}."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        rows = selectors.subscription_deliveries(subscription, status=wanted)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        summary="One delivery with its attempts",
        parameters=[DELIVERY_ID],
        responses=WebhookDeliveryDetailSerializer,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"deliveries/(?P<delivery_id>[0-9]{1,18})",
        url_name="delivery",
        serializer_class=WebhookDeliveryDetailSerializer,
    )
    def delivery(self, request, pk=None, delivery_id=None):
        delivery = self._delivery(delivery_id)
        delivery.attempts_log = selectors.delivery_attempts(delivery)
        return Response(WebhookDeliveryDetailSerializer(delivery).data)

    @extend_schema(
        summary="Send a delivery again",
        description="Now, whatever its status, with its retries afresh; the attempt records "
        "who asked. 400 when the subscription is disabled (enable it first).",
        parameters=[DELIVERY_ID],
        request=None,
        responses=WebhookDeliverySerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"deliveries/(?P<delivery_id>[0-9]{1,18})/redeliver",
        url_name="redeliver",
        serializer_class=WebhookDeliverySerializer,
    )
    def redeliver(self, request, pk=None, delivery_id=None):
        delivery = self._delivery(delivery_id)
        webhooks.redeliver(delivery, by=request.user)
        return Response(WebhookDeliverySerializer(self._delivery(delivery_id)).data)

    def _delivery(self, delivery_id):
        subscription = self.get_object()
        return get_object_or_404(
            selectors.subscription_deliveries(subscription), pk=int(delivery_id)
        )
