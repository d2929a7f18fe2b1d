"""Outbound webhooks: subscriptions (the secret written, never read back but once), their
deliveries and each delivery's attempts."""

from rest_framework import serializers

from governance.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEventType,
    WebhookSubscription,
)
from governance.services import webhooks

from ..scoping import VisibleVendorField
from .base import ModelSerializer


class WebhookSubscriptionSerializer(ModelSerializer):
    """A subscription; saving it checks where its URL leads (``services.save_subscription``):
    a private, loopback, link-local or metadata target is a 400 on ``url``."""

    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices),
        allow_empty=False,
        help_text="The event types to deliver, each once.",
    )
    vendor = VisibleVendorField(
        required=False,
        allow_null=True,
        help_text="Only this vendor's events; null (default): every vendor's.",
    )
    secret = serializers.CharField(
        write_only=True,
        required=False,
        max_length=200,
        help_text="The signing secret (Standard Webhooks: `whsec_` and base64 of 24 to 64 "
        "bytes). Generated when omitted on create; never returned except as `signing_secret` "
        "in the response of the create and of `rotate-secret/`.",
    )
    owner = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="Who is emailed when the subscription is disabled (null: every administrator).",
    )
    pending_count = serializers.IntegerField(read_only=True)
    succeeded_count = serializers.IntegerField(read_only=True)
    failed_count = serializers.IntegerField(read_only=True)
    last_status = serializers.ChoiceField(
        choices=WebhookDeliveryStatus.choices,
        read_only=True,
        allow_null=True,
        help_text="The newest delivery's status (null: none yet).",
    )
    last_delivery_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "url",
            "description",
            "events",
            "vendor",
            "secret",
            "is_active",
            "owner",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "pending_count",
            "succeeded_count",
            "failed_count",
            "last_status",
            "last_delivery_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]

    def save_with(self, subscription):
        return webhooks.save_subscription(subscription, by=self.context["request"].user)


class WebhookSecretShownSerializer(WebhookSubscriptionSerializer):
    """A subscription as the create and ``rotate-secret/`` answer it: with its secret, once."""

    signing_secret = serializers.CharField(
        source="secret",
        read_only=True,
        help_text="The signing secret, shown in this response only: store it now.",
    )

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "signing_secret"]


class WebhookAttemptSerializer(serializers.ModelSerializer):
    requested_by = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="Who asked for a manual redelivery (null: the schedule).",
    )

    class Meta:
        model = WebhookAttempt
        fields = [
            "id",
            "at",
            "status_code",
            "latency_ms",
            "response_excerpt",
            "error",
            "requested_by",
        ]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One event for one subscription, as its log shows it."""

    event_id = serializers.CharField(
        source="event.message_id",
        read_only=True,
        help_text="The `webhook-id` header: the same on every attempt (the idempotency key).",
    )
    type = serializers.ChoiceField(
        source="event.type", choices=WebhookEventType.choices, read_only=True
    )
    occurred_at = serializers.DateTimeField(source="event.occurred_at", read_only=True)
    last_response_excerpt = serializers.CharField(
        read_only=True, allow_null=True, help_text="The start of the newest attempt's answer."
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "type",
            "occurred_at",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_latency_ms",
            "last_error",
            "last_response_excerpt",
            "delivered_at",
            "created_at",
        ]
        read_only_fields = fields


class WebhookDeliveryDetailSerializer(WebhookDeliverySerializer):
    attempts_log = WebhookAttemptSerializer(
        many=True,
        read_only=True,
        help_text="The newest attempts (up to 50), newest first.",
    )

    class Meta(WebhookDeliverySerializer.Meta):
        fields = [*WebhookDeliverySerializer.Meta.fields, "attempts_log"]
        read_only_fields = fields
