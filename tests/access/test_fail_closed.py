"""Access fails closed: users in odd states get nothing, and no door leaves a user in one.

The privilege escalation this guards against: deleting a vendor cascaded away its
representative's profile, and a user without a profile was then treated as a manager who
could read the whole portfolio and create vendors over the API.
"""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import checks
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from governance import services
from governance.domain import access
from governance.models import Role, UserProfile, Vendor
from tests.api.conftest import token_for
from tests.factories import UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

NEW_VENDOR = {"name": "Sneaky Vendor", "services": ["hosting"], "time_zone": "UTC"}


def signed_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


def api_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def fresh(user):
    """``user`` as the next request loads it (no profile cached from before a change)."""
    return get_user_model().objects.get(pk=user.pk)


def representative(vendor, username="rep"):
    user = UserFactory(username=username)
    services.user_role_set(user, role=Role.VENDOR_REP, vendor=vendor)
    return fresh(user)


def assert_gets_nothing(user):
    """The internal application, the API and the portal all refuse ``user``."""
    browser, api = signed_in(user), api_for(user)
    assert browser.get("/").status_code in (302, 403)
    assert browser.get("/vendors/").status_code == 403
    assert api.get("/api/v1/vendors/").status_code == 403
    assert api.post("/api/v1/vendors/", NEW_VENDOR, format="json").status_code == 403
    assert not Vendor.objects.filter(name=NEW_VENDOR["name"]).exists()


# --- deleting a vendor with representatives -----------------------------------------------


def test_deleting_a_vendor_with_a_representative_is_refused_in_the_web_ui(owner):
    vendor = VendorFactory(name="Quiet Vendor", owner=owner)
    rep = representative(vendor)

    response = signed_in(owner).post(f"/vendors/{vendor.pk}/delete/", follow=True)

    assert Vendor.objects.filter(pk=vendor.pk).exists()
    assert "vendor representatives (rep)" in response.content.decode()
    assert access.role_of(rep) == Role.VENDOR_REP
    assert api_for(rep).get("/api/v1/vendors/").status_code == 403


def test_deleting_a_vendor_with_a_representative_is_refused_over_the_api(owner):
    vendor = VendorFactory(name="Quiet Vendor", owner=owner)
    rep = representative(vendor)

    response = api_for(owner).delete(f"/api/v1/vendors/{vendor.pk}/")

    assert response.status_code == 409
    assert "representatives" in response.json()["detail"]
    assert UserProfile.objects.get(user=rep).vendor == vendor


def test_deleting_a_vendor_with_a_representative_is_refused_in_the_admin(owner):
    vendor = VendorFactory(name="Quiet Vendor", owner=owner)
    representative(vendor)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    url = reverse("admin:governance_vendor_delete", args=[vendor.pk])

    signed_in(admin).post(url, {"post": "yes"})
    signed_in(admin).post(
        reverse("admin:governance_vendor_changelist"),
        {"action": "delete_selected", "_selected_action": [vendor.pk], "post": "yes"},
    )

    assert Vendor.objects.filter(pk=vendor.pk).exists()
    assert UserProfile.objects.filter(vendor=vendor).count() == 1


def test_a_vendor_whose_representatives_got_another_role_can_be_deleted(owner):
    vendor = VendorFactory(name="Quiet Vendor", owner=owner)
    rep = representative(vendor)
    services.user_role_set(rep, role=Role.NONE)

    services.vendor_delete(vendor)

    assert not Vendor.objects.filter(pk=vendor.pk).exists()
    assert access.role_of(fresh(rep)) is None


# --- users in odd states --------------------------------------------------------------------


def test_a_user_without_a_profile_gets_nothing_and_reading_writes_nothing(db):
    orphan = UserFactory(username="orphan")
    UserProfile.objects.filter(user=orphan).delete()
    orphan = get_user_model().objects.get(pk=orphan.pk)

    assert access.role_of(orphan) is None
    assert_gets_nothing(orphan)
    assert not UserProfile.objects.filter(user=orphan).exists()


def test_a_user_with_the_role_none_or_an_unknown_role_gets_nothing(db):
    nobody = UserFactory(username="nobody", role=Role.NONE)
    assert_gets_nothing(nobody)

    # A role this code does not know (a downgrade, a hand-edited row): nothing either.
    UserProfile.objects.filter(user=nobody).update(role=Role.MANAGER)
    profile = UserProfile.objects.get(user=nobody)
    profile.role = "superhero"
    nobody.profile = profile
    assert access.role_of(nobody) is None


def test_a_deactivated_user_gets_nothing_with_a_live_token_or_session(owner):
    vendor = VendorFactory(owner=owner)
    api, browser = api_for(owner), signed_in(owner)
    assert api.get("/api/v1/vendors/").status_code == 200

    owner.is_active = False
    owner.save()

    assert api.get("/api/v1/vendors/").status_code == 401
    assert browser.get(f"/vendors/{vendor.pk}/")["Location"].startswith("/accounts/login/")


def test_a_representative_of_an_ended_vendor_loses_the_portal(owner):
    vendor = VendorFactory(owner=owner)
    rep = representative(vendor)
    browser = signed_in(rep)
    assert browser.get("/portal/").status_code == 200

    services.vendor_update(vendor, status=Vendor.Status.ENDED)

    response = browser.get("/portal/")
    assert response.status_code == 403
    assert "closed when the relationship ended" in response.content.decode()
    assert api_for(rep).get("/api/v1/vendors/").status_code == 403
    services.vendor_update(vendor, status=Vendor.Status.ACTIVE)
    assert browser.get("/portal/").status_code == 200


def test_a_role_change_applies_to_a_token_already_issued(owner):
    api = api_for(owner)
    assert api.post("/api/v1/vendors/", NEW_VENDOR, format="json").status_code == 201
    member = UserFactory(username="second-manager")
    member_api = api_for(member)

    services.user_role_set(member, role=Role.VIEWER)
    refused = member_api.post("/api/v1/vendors/", {**NEW_VENDOR, "name": "Another"}, format="json")
    services.user_role_set(member, role=Role.NONE)
    closed = member_api.get("/api/v1/vendors/")

    assert refused.status_code == 403
    assert closed.status_code == 403
    assert not Vendor.objects.filter(name="Another").exists()


# --- the role of a new account --------------------------------------------------------------


def test_a_new_account_is_a_viewer_by_default_whichever_door_creates_it(db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    signed_in(admin).post(
        reverse("admin:auth_user_add"),
        {
            "username": "from-admin",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "usable_password": "true",
        },
    )
    scripted = get_user_model().objects.create_user("from-script", password="x" * 12)
    call_command("createsuperuser", username="boss", email="", interactive=False, verbosity=0)

    roles = dict(UserProfile.objects.values_list("user__username", "role"))
    assert roles["from-admin"] == Role.VIEWER
    assert roles["from-script"] == Role.VIEWER
    assert roles["boss"] == Role.ADMINISTRATOR
    assert access.can_create_vendor(scripted) is False


@override_settings(GOVERNANCE_NEW_USER_ROLE="manager")
def test_the_site_decides_the_role_of_new_accounts(db):
    user = get_user_model().objects.create_user("newcomer")

    assert UserProfile.objects.get(user=user).role == Role.MANAGER


@override_settings(GOVERNANCE_NEW_USER_ROLE="vendor_rep")
def test_a_misconfigured_new_user_role_is_reported_and_grants_nothing(db):
    errors = [e for e in checks.run_checks() if e.id == "governance.E001"]
    user = get_user_model().objects.create_user("newcomer")

    assert len(errors) == 1 and "vendor_rep" in errors[0].msg
    assert UserProfile.objects.get(user=user).role == Role.NONE


def test_the_upgrade_keeps_evident_access_and_gives_the_rest_none(db):
    """Migration 0010 gives profile-less users a profile: superusers administer, owners and
    assigned managers manage, everyone else (an orphaned representative) gets no access."""
    migration = importlib.import_module(
        "governance.migrations.0010_bounded_fields_fail_closed_profiles"
    )
    owner = UserFactory(username="old-owner")
    assigned = UserFactory(username="old-assigned")
    orphan = UserFactory(username="old-rep")
    root = UserFactory(username="old-root", is_superuser=True)
    vendor = VendorFactory(owner=owner)
    vendor.managers.add(assigned)
    UserProfile.objects.filter(user__in=[owner, assigned, orphan, root]).delete()

    migration.give_every_user_a_profile(apps, None)

    roles = dict(UserProfile.objects.values_list("user__username", "role"))
    assert roles["old-owner"] == Role.MANAGER
    assert roles["old-assigned"] == Role.MANAGER
    assert roles["old-root"] == Role.ADMINISTRATOR
    assert roles["old-rep"] == Role.NONE
