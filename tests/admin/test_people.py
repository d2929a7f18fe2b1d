"""Users in the admin: the profile inline, its role changed through the service."""

import pytest
from django.contrib.auth import get_user_model

from governance import services
from governance.models import Role, UserProfile
from tests.admin.helpers import admin_url, messages_of
from tests.factories import UserFactory, VendorFactory
from tests.properties.doors import form_data, page_forms

pytestmark = pytest.mark.django_db


def _user_form(client, user, **profile):
    """The user's change form as the page shows it, with ``profile`` fields changed."""
    data = form_data(page_forms(client.get(admin_url(get_user_model(), "change", user.pk))))
    data.update({f"profile-0-{name}": value for name, value in profile.items()})
    return data


def test_the_user_admin_edits_the_profile_inline(admin_client, admin_user):
    services.profile_for(admin_user)
    page = admin_client.get(admin_url(get_user_model(), "change", admin_user.pk))

    assert "profile-0-time_zone" in page.content.decode()
    assert "user_permissions" not in page.context["adminform"].form.fields


def test_a_role_given_in_the_admin_is_saved_through_the_service(admin_client):
    manager = UserFactory(username="mara")
    services.user_role_set(manager, role=Role.MANAGER)
    data = _user_form(admin_client, manager, role=Role.VIEWER, time_zone="Europe/Warsaw")

    response = admin_client.post(admin_url(get_user_model(), "change", manager.pk), data)

    assert response.status_code == 302
    profile = UserProfile.objects.get(user=manager)
    assert (profile.role, profile.time_zone) == (Role.VIEWER, "Europe/Warsaw")


def test_the_role_of_a_user_who_owns_vendors_is_kept_with_the_services_reason(admin_client):
    owner = UserFactory(username="olga")
    services.user_role_set(owner, role=Role.MANAGER)
    VendorFactory(owner=owner)
    url = admin_url(get_user_model(), "change", owner.pk)

    response = admin_client.post(
        url, _user_form(admin_client, owner, role=Role.VIEWER), follow=True
    )

    assert response.redirect_chain[-1][0] == url
    (message,) = messages_of(response)
    assert "owns 1 vendor(s)" in message
    assert UserProfile.objects.get(user=owner).role == Role.MANAGER
