"""An import that changes a vendor's status emits ``vendor.status_changed`` as every other
door does (``vendor_update``), in the import's transaction."""

import pytest

from governance.models import (
    Vendor,
    WebhookDelivery,
    WebhookEvent,
    WebhookEventType,
    WebhookSubscription,
)
from governance.services import imports
from tests.factories import VendorFactory
from tests.imports.helpers import as_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscription(owner, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1"
    return WebhookSubscription.objects.create(
        owner=owner,
        url="http://127.0.0.1:9/hook",
        events=[WebhookEventType.VENDOR_STATUS_CHANGED],
    )


def register(*rows):
    return [["name", "status", "notes"], *rows]


def run(user, rows, *, dry_run):
    name, content = as_file(rows, "csv")
    return imports.import_create(
        user=user, kind="vendors", file_name=name, content=content, dry_run=dry_run
    )


def test_a_status_changed_by_import_emits_one_event_with_a_delivery(owner, subscription):
    changed = VendorFactory(owner=owner, name="Northwind", status="active")
    VendorFactory(owner=owner, name="Contoso", status="active")
    rows = register(["Northwind", "On watch", ""], ["Contoso", "active", "New notes"])

    job = run(owner, rows, dry_run=False)

    assert job.status == "applied"
    event = WebhookEvent.objects.get()
    assert event.type == WebhookEventType.VENDOR_STATUS_CHANGED
    assert event.vendor_id == changed.pk
    assert event.data["status"] == Vendor.objects.get(pk=changed.pk).status != "active"
    assert event.data["previous_status"] == "active"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event_id, delivery.subscription_id) == (event.pk, subscription.pk)


def test_a_dry_run_emits_nothing(owner, subscription):
    VendorFactory(owner=owner, name="Northwind", status="active")

    job = run(owner, register(["Northwind", "On watch", ""]), dry_run=True)

    assert job.status == "previewed"
    assert job.summary["changed"] == 1
    assert not WebhookEvent.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_an_unchanged_status_or_a_new_vendor_emits_nothing(owner, subscription):
    VendorFactory(owner=owner, name="Northwind", status="active")
    rows = register(["Northwind", "Active", "Other notes"], ["Fabrikam", "On watch", ""])

    job = run(owner, rows, dry_run=False)

    assert job.status == "applied"
    assert job.summary == {"new": 1, "changed": 1, "unchanged": 0, "errors": 0}
    assert not WebhookEvent.objects.exists()


def test_a_refused_import_emits_nothing(owner, subscription):
    VendorFactory(owner=owner, name="Northwind", status="active")
    rows = register(["Northwind", "On watch", ""], ["Contoso", "no such status", ""])

    job = run(owner, rows, dry_run=False)

    assert job.status == "invalid"
    assert Vendor.objects.get(name="Northwind").status == "active"
    assert not WebhookEvent.objects.exists()
