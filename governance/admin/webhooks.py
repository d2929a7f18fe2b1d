"""Outbound webhooks: subscriptions (saved through the service that checks where the URL
leads; the secret never shown) and the delivery log, read only, with a Redeliver action."""

from django import forms
from django.contrib import admin, messages

from governance.admin.base import EMPTY, AdministratorsOnly, RecordErrorsShown, Writes
from governance.domain import access
from governance.domain.models.webhooks import WEBHOOK_URL_MAX
from governance.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEventType,
    WebhookSubscription,
)
from governance.services import webhooks


class WebhookSubscriptionForm(RecordErrorsShown, forms.ModelForm):
    url = forms.URLField(max_length=WEBHOOK_URL_MAX, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=WebhookEventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        # Never the secret: it is made when the subscription is, and replaced by rotating it
        # (the web page and the API show a new one once).
        fields = ["url", "description", "events", "vendor", "is_active", "owner"]

    def clean_url(self):
        # The service checks again when saving; here the refusal lands on the field (the
        # admin shows a service's refusal as a message above a form emptied of the edit).
        url = self.cleaned_data["url"]
        webhooks.check_target(url)
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = [
        "url",
        "description",
        "vendor",
        "is_active",
        "consecutive_failures",
        "disabled_at",
        "owner",
    ]
    list_filter = ["is_active"]
    search_fields = ["url", "description", "vendor__name"]
    autocomplete_fields = ["vendor", "owner"]
    list_select_related = ["vendor", "owner"]
    readonly_fields = ["consecutive_failures", "disabled_at", "disabled_reason", "created_at"]
    show_full_result_count = False
    # Both need the person acting: ``save_row`` and ``delete_model`` below pass them on.
    writes = Writes(webhooks.save_subscription, webhooks.delete_subscription)

    def save_row(self, request, obj):
        webhooks.save_subscription(obj, by=request.user)

    def delete_model(self, request, obj):
        webhooks.delete_subscription(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        self.write_each(
            request, queryset, lambda row: webhooks.delete_subscription(row, by=request.user)
        )


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["at", "status_code", "latency_ms", "error", "response_excerpt", "requested_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-at", "-id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return access.can_use_admin(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AdministratorsOnly, admin.ModelAdmin):
    """The delivery log, read only: rows are written by the delivery engine alone."""

    list_display = [
        "event_type",
        "subscription",
        "status",
        "attempts",
        "last_status_code",
        "last_latency_ms",
        "next_attempt_at",
        "error",
        "created_at",
    ]
    list_filter = ["status", "event__type"]
    search_fields = ["subscription__url", "last_error"]
    date_hierarchy = "created_at"
    list_select_related = ["event", "subscription"]
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_redeliver_permission(self, request):
        return access.can_use_admin(request.user)

    @admin.display(description="Event", ordering="event__type")
    def event_type(self, delivery):
        return delivery.event.get_type_display()

    @admin.display(description="Last error")
    def error(self, delivery):
        return delivery.last_error[:80] or EMPTY

    @admin.action(description="Redeliver the selected deliveries", permissions=["redeliver"])
    def redeliver(self, request, queryset):
        count = self.write_each(
            request, queryset, lambda row: webhooks.redeliver(row, by=request.user)
        )
        self.message_user(
            request,
            f"{count} deliver{'y' if count == 1 else 'ies'} queued to be sent again.",
            messages.SUCCESS,
        )
