"""The admin's webhooks: the secret never shown, a private target refused on the form with
nothing written, the delivery log read only with a Redeliver action."""

import pytest
from django.test import Client

from governance.models import WebhookDelivery, WebhookSubscription
from tests.admin.helpers import admin_url, messages_of
from tests.properties.doors import form_data, page_forms
from tests.webhooks_doors.conftest import PRIVATE_URL, PUBLIC_URL, deliveries, subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_site(admin_person):
    client = Client()
    client.force_login(admin_person)
    return client


def test_the_secret_is_never_shown_in_the_admin(admin_site):
    hook = subscription()

    change = admin_site.get(admin_url(WebhookSubscription, "change", hook.pk)).content.decode()
    listed = admin_site.get(admin_url(WebhookSubscription, "changelist")).content.decode()

    assert hook.secret not in change and hook.secret not in listed
    assert 'name="secret"' not in change


def test_an_admin_edit_to_a_private_target_is_a_form_error_and_changes_nothing(admin_site):
    hook = subscription()
    url = admin_url(WebhookSubscription, "change", hook.pk)
    data = {**form_data(page_forms(admin_site.get(url))), "url": PRIVATE_URL}

    response = admin_site.post(url, data)

    assert response.status_code == 200
    assert "public addresses only" in " ".join(response.context["adminform"].form.errors["url"])
    hook.refresh_from_db()
    assert hook.url == PUBLIC_URL


def test_an_admin_add_saves_through_the_service(admin_site, admin_person):
    response = admin_site.post(
        admin_url(WebhookSubscription, "add"),
        {"url": PUBLIC_URL, "events": ["clause.expired"], "is_active": "on"},
    )

    assert response.status_code == 302
    hook = WebhookSubscription.objects.get()
    assert (hook.events, hook.owner) == (["clause.expired"], admin_person)


def test_the_redeliver_action_queues_the_selected_deliveries_again(admin_site):
    hook = subscription()
    made = deliveries(hook, 2)

    response = admin_site.post(
        admin_url(WebhookDelivery, "changelist"),
        {"action": "redeliver", "_selected_action": [d.pk for d in made]},
        follow=True,
    )

    assert "2 deliveries queued to be sent again." in messages_of(response)
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {("pending", 0)}


def test_a_delivery_is_read_only_with_its_attempts(admin_site):
    hook = subscription()
    [delivery] = deliveries(hook, 1)

    page = admin_site.get(admin_url(WebhookDelivery, "change", delivery.pk))

    assert page.status_code == 200
    assert "still busy" in page.content.decode()
    assert admin_site.post(admin_url(WebhookDelivery, "change", delivery.pk), {}).status_code == 403
