"""Outbound webhooks (administrators): the subscriptions, one's form and delivery log, its
secret shown once after it is made or rotated, redelivery, enabling again, deletion.

Every write is one call of ``services.webhooks``; the reads are ``selectors.webhooks``.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from governance.domain import access
from governance.models import WebhookDeliveryStatus
from governance.selectors import webhooks as selectors
from governance.services import webhooks
from governance.web.forms.webhooks import WebhookForm
from governance.web.pages import act, paginate
from governance.web.views.base import internal_view

ONLY_ADMINISTRATORS = "Only administrators manage webhooks."
# The session key of secrets waiting to be shown once: {subscription id: secret}.
SHOWN_ONCE = "webhook_secrets"


def webhook_view(view):
    """A page for those who manage webhooks (``access.can_manage_webhooks``)."""

    @internal_view
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.can_manage_webhooks(request.user):
            raise PermissionDenied(ONLY_ADMINISTRATORS)
        return view(request, *args, **kwargs)

    return wrapper


def _subscription(pk):
    return get_object_or_404(selectors.webhook_subscriptions(), pk=pk)


def _show_secret_once(request, subscription_pk, secret):
    """Keep ``secret`` for the subscription's next page view only (server side, never in a
    cookie or a URL)."""
    waiting = request.session.get(SHOWN_ONCE, {})
    waiting[str(subscription_pk)] = secret
    request.session[SHOWN_ONCE] = waiting


def _take_secret(request, subscription_pk):
    waiting = request.session.get(SHOWN_ONCE)
    if not waiting or str(subscription_pk) not in waiting:
        return None
    secret = waiting.pop(str(subscription_pk))
    request.session[SHOWN_ONCE] = waiting
    return secret


@webhook_view
def webhook_list(request):
    """Every subscription: where to, which events, enabled or why not, its last delivery and
    its failures."""
    page = paginate(request, selectors.webhook_subscriptions().order_by("url", "id"))
    return render(
        request,
        "governance/webhooks/list.html",
        {"page": page, "rows": page.object_list, "event_labels": _event_labels()},
    )


@webhook_view
def webhook_form(request, webhook_pk=None):
    """A new subscription (its secret shown once on its page next) or a change to one."""
    subscription = _subscription(webhook_pk) if webhook_pk is not None else None
    form = WebhookForm(request.POST or None, instance=subscription)
    if request.method == "POST":
        saved = form.save_with(lambda: webhooks.save_subscription(form.instance, by=request.user))
        if saved is not None:
            if subscription is None:
                _show_secret_once(request, saved.pk, saved.secret)
                messages.success(request, "The webhook was added.")
            else:
                messages.success(request, "The webhook was saved.")
            return redirect("governance:webhook-detail", webhook_pk=saved.pk)
    return render(
        request,
        "governance/webhooks/form.html",
        {
            "form": form,
            "subscription": subscription,
            "page_title": "Edit webhook" if subscription else "New webhook",
        },
    )


@webhook_view
def webhook_detail(request, webhook_pk):
    """One subscription and its delivery log, newest first (``?status=`` narrows it)."""
    subscription = _subscription(webhook_pk)
    status = request.GET.get("status", "")
    if status not in WebhookDeliveryStatus.values:
        status = ""
    page = paginate(request, selectors.subscription_deliveries(subscription, status=status))
    return render(
        request,
        "governance/webhooks/detail.html",
        {
            "subscription": subscription,
            "secret": _take_secret(request, subscription.pk),
            "page": page,
            "rows": page.object_list,
            "status": status,
            "statuses": WebhookDeliveryStatus.choices,
            "event_labels": _event_labels(),
        },
    )


@webhook_view
def webhook_delete(request, webhook_pk):
    """Ask, then delete the subscription with its delivery log."""
    subscription = _subscription(webhook_pk)
    if request.method == "POST":
        deleted = act(
            request,
            lambda: webhooks.delete_subscription(subscription, by=request.user) or True,
            f"The webhook to {subscription.url} was deleted.",
        )
        if deleted:
            return redirect("governance:webhook-list")
        return redirect("governance:webhook-detail", webhook_pk=webhook_pk)
    return render(request, "governance/webhooks/delete.html", {"subscription": subscription})


@require_POST
@webhook_view
def webhook_rotate_secret(request, webhook_pk):
    """A new signing secret, shown once on the subscription's page."""
    subscription = _subscription(webhook_pk)
    secret = act(
        request,
        lambda: webhooks.rotate_secret(subscription, by=request.user),
        "The secret was replaced: the old one no longer signs deliveries.",
    )
    if secret is not None:
        _show_secret_once(request, subscription.pk, secret)
    return redirect("governance:webhook-detail", webhook_pk=subscription.pk)


@require_POST
@webhook_view
def webhook_enable(request, webhook_pk):
    """Enable a disabled subscription again (its failure count starts afresh)."""
    subscription = _subscription(webhook_pk)
    if subscription.is_active:
        messages.info(request, "This webhook is enabled already.")
    else:
        subscription.is_active = True
        act(
            request,
            lambda: webhooks.save_subscription(subscription, by=request.user),
            "The webhook is enabled again.",
        )
    return redirect("governance:webhook-detail", webhook_pk=subscription.pk)


@require_POST
@webhook_view
def webhook_redeliver(request, webhook_pk, delivery_pk):
    """Send one delivery again now, with its retries afresh."""
    subscription = _subscription(webhook_pk)
    delivery = get_object_or_404(subscription.deliveries.all(), pk=delivery_pk)
    act(
        request,
        lambda: webhooks.redeliver(delivery, by=request.user),
        "The delivery is queued to be sent again.",
    )
    return redirect(
        reverse("governance:webhook-detail", kwargs={"webhook_pk": subscription.pk})
        + f"#delivery-{delivery.pk}"
    )


def _event_labels():
    return dict(webhooks.EventType.choices)


urlpatterns = [
    path("", webhook_list, name="webhook-list"),
    path("new/", webhook_form, name="webhook-create"),
    path("<int:webhook_pk>/", webhook_detail, name="webhook-detail"),
    path("<int:webhook_pk>/edit/", webhook_form, name="webhook-edit"),
    path("<int:webhook_pk>/delete/", webhook_delete, name="webhook-delete"),
    path("<int:webhook_pk>/rotate-secret/", webhook_rotate_secret, name="webhook-rotate-secret"),
    path("<int:webhook_pk>/enable/", webhook_enable, name="webhook-enable"),
    path(
        "<int:webhook_pk>/deliveries/<int:delivery_pk>/redeliver/",
        webhook_redeliver,
        name="webhook-redeliver",
    ),
]
