"""The webhook pages: administrators only; a private target refused with a form error and
nothing written; the secret shown once; redelivery, enabling again, rotation, deletion."""

import pytest
from django.urls import reverse
from standardwebhooks.webhooks import Webhook

from governance.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from tests.webhooks_doors.conftest import (
    PRIVATE_URL,
    PUBLIC_URL,
    browser_for,
    deliveries,
    subscription,
)

pytestmark = pytest.mark.django_db


def form(**overrides):
    data = {
        "url": PUBLIC_URL,
        "description": "SIEM",
        "events": ["incident.created", "incident.sla_breached"],
        "vendor_name": "",
        "is_active": "on",
    }
    return {**data, **overrides}


@pytest.mark.parametrize("role", ["manager", "viewer", "auditor", "rep"])
def test_only_administrators_reach_the_webhook_pages(people, role):
    hook = subscription()
    [delivery] = deliveries(hook, 1)
    client = browser_for(people[role])
    pages = [
        reverse("governance:webhook-list"),
        reverse("governance:webhook-create"),
        reverse("governance:webhook-detail", args=[hook.pk]),
        reverse("governance:webhook-edit", args=[hook.pk]),
        reverse("governance:webhook-delete", args=[hook.pk]),
    ]
    posts = [
        (reverse("governance:webhook-create"), form()),
        (reverse("governance:webhook-edit", args=[hook.pk]), form(url="https://93.184.216.35/")),
        (reverse("governance:webhook-delete", args=[hook.pk]), {}),
        (reverse("governance:webhook-rotate-secret", args=[hook.pk]), {}),
        (reverse("governance:webhook-enable", args=[hook.pk]), {}),
        (reverse("governance:webhook-redeliver", args=[hook.pk, delivery.pk]), {}),
    ]
    secret = hook.secret

    assert {client.get(url).status_code for url in pages} == {403}
    assert {client.post(url, data).status_code for url, data in posts} == {403}
    hook.refresh_from_db()
    assert (hook.url, hook.secret) == (PUBLIC_URL, secret)
    assert WebhookSubscription.objects.count() == 1
    assert WebhookDelivery.objects.get().status == "failed"


def test_the_navigation_offers_webhooks_to_administrators_only(browser, people):
    link = reverse("governance:webhook-list")

    assert f'href="{link}">Webhooks</a>' in browser.get("/imports/").content.decode()
    assert link not in browser_for(people["manager"]).get("/imports/").content.decode()


def test_an_administrator_adds_a_webhook_and_sees_its_secret_once(browser, admin_person):
    response = browser.post(reverse("governance:webhook-create"), form())

    hook = WebhookSubscription.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:webhook-detail", args=[hook.pk])
    assert hook.events == ["incident.created", "incident.sla_breached"]
    assert hook.owner == admin_person
    assert hook.secret.startswith("whsec_")
    first = browser.get(response["Location"]).content.decode()
    again = browser.get(response["Location"]).content.decode()
    assert hook.secret in first
    assert "standardwebhooks" in first  # how to verify a signature
    assert hook.secret not in again
    assert hook.secret not in browser.get(reverse("governance:webhook-list")).content.decode()
    assert (
        hook.secret
        not in browser.get(reverse("governance:webhook-edit", args=[hook.pk])).content.decode()
    )


def test_a_private_target_is_a_form_error_and_nothing_is_written(browser):
    response = browser.post(reverse("governance:webhook-create"), form(url=PRIVATE_URL))

    assert response.status_code == 200
    errors = response.context["form"].errors["url"]
    assert any("10.1.2.3" in error and "public addresses only" in error for error in errors)
    assert not WebhookSubscription.objects.exists()


def test_an_edit_to_a_private_target_changes_nothing(browser):
    hook = subscription(description="SIEM")

    response = browser.post(
        reverse("governance:webhook-edit", args=[hook.pk]),
        form(url="http://169.254.169.254/latest/meta-data/", description="Changed"),
    )

    assert response.status_code == 200
    assert "metadata" in " ".join(response.context["form"].errors["url"])
    hook.refresh_from_db()
    assert (hook.url, hook.description) == (PUBLIC_URL, "SIEM")


def test_no_event_or_an_unknown_event_is_refused(browser):
    none = browser.post(reverse("governance:webhook-create"), form(events=[]))
    unknown = browser.post(reverse("governance:webhook-create"), form(events=["incident.eaten"]))

    assert none.context["form"].errors["events"]
    assert unknown.context["form"].errors["events"]
    assert not WebhookSubscription.objects.exists()


def test_the_vendor_is_typed_by_name(browser, vendor):
    unknown = browser.post(reverse("governance:webhook-create"), form(vendor_name="Nobody Ltd"))
    known = browser.post(reverse("governance:webhook-create"), form(vendor_name="acme hosting"))

    assert unknown.context["form"].errors["vendor_name"] == ["No vendor is named “Nobody Ltd”."]
    assert known.status_code == 302
    assert WebhookSubscription.objects.get().vendor == vendor


def test_the_list_shows_state_reason_last_delivery_and_failures(browser):
    hook = subscription(
        is_active=False, disabled_reason="Disabled after 20 failed delivery attempts in a row."
    )
    deliveries(hook, 3)

    page = browser.get(reverse("governance:webhook-list")).content.decode()

    assert "Disabled" in page
    assert "Disabled after 20 failed delivery attempts in a row." in page
    assert "3 failed" in page
    assert "HTTP 503" in page


def test_the_detail_page_shows_the_delivery_log(browser):
    hook = subscription()
    [delivery] = deliveries(hook, 1)

    page = browser.get(reverse("governance:webhook-detail", args=[hook.pk])).content.decode()

    assert delivery.event.message_id in page
    assert "Incident created" in page
    assert "HTTP 503" in page
    assert "120 ms" in page
    assert "still busy" in page  # the newest attempt's answer


def test_redeliver_sends_the_delivery_again_and_records_who_asked(
    browser, admin_person, receiver, django_capture_on_commit_callbacks
):
    hook = subscription(url=receiver.url("/hook"))
    [delivery] = deliveries(hook, 1)
    url = reverse("governance:webhook-redeliver", args=[hook.pk, delivery.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(url)

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert delivery.attempts == 1  # its retries start afresh
    newest = WebhookAttempt.objects.filter(delivery=delivery).order_by("-at", "-id").first()
    assert newest.requested_by == admin_person
    assert newest.status_code == 200
    [(_path, headers, body)] = receiver.received()
    Webhook(hook.secret).verify(body, headers)


def test_redeliver_resets_the_delivery_to_pending_until_a_worker_sends_it(browser):
    hook = subscription()
    [delivery] = deliveries(hook, 1)

    browser.post(reverse("governance:webhook-redeliver", args=[hook.pk, delivery.pk]))

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)


def test_redeliver_of_a_disabled_webhook_says_why_and_changes_nothing(browser):
    hook = subscription(is_active=False)
    [delivery] = deliveries(hook, 1)

    response = browser.post(
        reverse("governance:webhook-redeliver", args=[hook.pk, delivery.pk]), follow=True
    )

    assert "Enable the subscription" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_a_delivery_of_another_webhook_is_not_found(browser):
    mine, theirs = subscription(), subscription(url="https://93.184.216.35/")
    [delivery] = deliveries(theirs, 1)

    response = browser.post(reverse("governance:webhook-redeliver", args=[mine.pk, delivery.pk]))

    assert response.status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_enable_again_starts_the_failures_afresh(browser):
    hook = subscription(is_active=False, consecutive_failures=20, disabled_reason="Failing")

    browser.post(reverse("governance:webhook-enable", args=[hook.pk]))

    hook.refresh_from_db()
    assert (hook.is_active, hook.consecutive_failures, hook.disabled_reason) == (True, 0, "")


def test_rotating_the_secret_shows_the_new_one_once(browser):
    hook = subscription()
    old = hook.secret

    response = browser.post(reverse("governance:webhook-rotate-secret", args=[hook.pk]))

    hook.refresh_from_db()
    assert hook.secret != old
    page = browser.get(response["Location"]).content.decode()
    assert hook.secret in page and old not in page
    assert hook.secret not in browser.get(response["Location"]).content.decode()


def test_rotate_and_redeliver_take_no_get(browser):
    hook = subscription()
    [delivery] = deliveries(hook, 1)

    assert (
        browser.get(reverse("governance:webhook-rotate-secret", args=[hook.pk])).status_code == 405
    )
    assert (
        browser.get(
            reverse("governance:webhook-redeliver", args=[hook.pk, delivery.pk])
        ).status_code
        == 405
    )


def test_delete_asks_first_then_deletes_the_webhook_and_its_log(browser):
    hook = subscription()
    deliveries(hook, 2)
    url = reverse("governance:webhook-delete", args=[hook.pk])

    assert "Delete the webhook" in browser.get(url).content.decode()
    assert WebhookSubscription.objects.exists()
    response = browser.post(url)

    assert response["Location"] == reverse("governance:webhook-list")
    assert not WebhookSubscription.objects.exists()
    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize("count", [2, 30])
def test_the_pages_run_a_bounded_number_of_queries(browser, count, django_assert_max_num_queries):
    for n in range(count):
        deliveries(subscription(url=f"https://93.184.216.{n + 1}/"), 1)
    hook = WebhookSubscription.objects.order_by("pk").first()
    deliveries(hook, count)

    with django_assert_max_num_queries(8):
        listed = browser.get(reverse("governance:webhook-list"))
    with django_assert_max_num_queries(9):
        detail = browser.get(reverse("governance:webhook-detail", args=[hook.pk]))

    assert listed.status_code == detail.status_code == 200
    assert len(listed.context["rows"]) == min(count, 25)
    assert len(detail.context["rows"]) == min(count + 1, 25)


def test_the_edit_form_shows_the_vendor_by_name_and_clearing_it_means_every_vendor(browser, vendor):
    hook = subscription(vendor=vendor)
    url = reverse("governance:webhook-edit", args=[hook.pk])

    assert browser.get(url).context["form"]["vendor_name"].value() == "Acme Hosting"
    browser.post(url, form(vendor_name=""))

    hook.refresh_from_db()
    assert hook.vendor is None
