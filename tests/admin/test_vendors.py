"""Vendors in the admin: created and changed through the services, deleted only without history."""

import pytest

from governance import services
from governance.models import Role, Vendor
from tests.admin.helpers import admin_url, messages_of, vendor_form
from tests.factories import (
    ClauseFactory,
    ContactFactory,
    GoalFactory,
    IncidentFactory,
    ReviewFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


def test_the_vendor_list_shows_the_derived_figures(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user, tier=Vendor.Tier.LOW)
    ClauseFactory(vendor=vendor, clause_type="confidentiality", status="verified")
    ClauseFactory(vendor=vendor, clause_type="data_protection", status="missing")

    response = admin_client.get(admin_url(Vendor, "changelist"))

    # Low tier requires two clause types, one of them in force.
    assert "50.0%" in response.content.decode()


def test_adding_a_vendor_gives_it_the_cadence_of_its_tier(admin_client, admin_user):
    response = admin_client.post(admin_url(Vendor, "add"), vendor_form(admin_user))

    assert response.status_code == 302
    vendor = Vendor.objects.get(name="Bluepeak Networks GmbH")
    assert vendor.review_cadence == "monthly"
    assert vendor.services == ["network_management", "security"]
    assert vendor.sla_targets.get().resolution_minutes == 240


def test_the_managers_chosen_in_the_admin_are_assigned_to_the_vendor(admin_client, admin_user):
    manager = UserFactory(username="mara")
    services.user_role_set(manager, role=Role.MANAGER)

    response = admin_client.post(
        admin_url(Vendor, "add"), vendor_form(admin_user, managers=[manager.pk])
    )

    assert response.status_code == 302
    assert list(Vendor.objects.get().managers.all()) == [manager]


def test_a_new_primary_contact_replaces_the_old_one(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user, name="Granite Hosting Ltd")
    old = ContactFactory(vendor=vendor, name="Old Primary", is_primary=True)
    data = vendor_form(
        admin_user,
        name=vendor.name,
        **{
            "contacts-TOTAL_FORMS": "2",
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": str(old.pk),
            "contacts-0-vendor": str(vendor.pk),
            "contacts-0-name": "Old Primary",
            "contacts-0-email": "old@vendor.test",
            "contacts-1-vendor": str(vendor.pk),
            "contacts-1-name": "New Primary",
            "contacts-1-email": "new@vendor.test",
            "contacts-1-is_primary": "on",
            "sla_targets-TOTAL_FORMS": "0",
        },
    )

    response = admin_client.post(admin_url(Vendor, "change", vendor.pk), data)

    assert response.status_code == 302
    assert list(vendor.contacts.filter(is_primary=True).values_list("name", flat=True)) == [
        "New Primary"
    ]


def test_a_contact_deleted_inline_is_gone(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user, name="Granite Hosting Ltd")
    contact = ContactFactory(vendor=vendor, name="Leaving Soon")
    data = vendor_form(
        admin_user,
        name=vendor.name,
        **{
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": str(contact.pk),
            "contacts-0-vendor": str(vendor.pk),
            "contacts-0-name": contact.name,
            "contacts-0-email": contact.email,
            "contacts-0-DELETE": "on",
            "sla_targets-TOTAL_FORMS": "0",
        },
    )

    response = admin_client.post(admin_url(Vendor, "change", vendor.pk), data)

    assert response.status_code == 302
    assert not vendor.contacts.exists()


def test_deleting_a_vendor_with_history_is_refused_with_a_message(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    ReviewFactory(vendor=vendor)
    IncidentFactory(vendor=vendor)

    response = admin_client.post(
        admin_url(Vendor, "delete", vendor.pk), {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == admin_url(Vendor, "change", vendor.pk)
    (message,) = messages_of(response)
    assert "has history (1 reviews, 1 incidents)" in message
    assert "set its status to ended" in message
    assert Vendor.objects.filter(pk=vendor.pk).exists()


def test_the_delete_page_of_a_vendor_with_history_explains_instead(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    GoalFactory(vendor=vendor)

    response = admin_client.get(admin_url(Vendor, "delete", vendor.pk), follow=True)

    # The service's own words: the page asks it before anyone confirms.
    (message,) = messages_of(response)
    assert "has history (1 goals)" in message
    assert Vendor.objects.filter(pk=vendor.pk).exists()


def test_a_vendor_without_history_can_be_deleted(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    ContactFactory(vendor=vendor)

    response = admin_client.post(admin_url(Vendor, "delete", vendor.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Vendor.objects.filter(pk=vendor.pk).exists()


def test_ending_vendors_from_the_list_keeps_them_and_their_history(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    ReviewFactory(vendor=vendor)

    response = admin_client.post(
        admin_url(Vendor, "changelist"),
        {"action": "end_vendors", "_selected_action": [vendor.pk]},
        follow=True,
    )

    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.ENDED
    assert vendor.reviews.count() == 1
    assert messages_of(response) == ["Ended 1 vendor(s)."]
