"""Meetings in the admin: their attendees and contacts through the service."""

import pytest

from governance.models import Meeting
from tests.admin.helpers import admin_url, messages_of
from tests.factories import ContactFactory, MeetingFactory, VendorFactory
from tests.properties.doors import form_data, page_forms

pytestmark = pytest.mark.django_db


def _meeting_form(client, meeting, **changes):
    data = form_data(page_forms(client.get(admin_url(Meeting, "change", meeting.pk))))
    data.update(changes)
    return data


def test_contacts_of_another_vendor_are_refused_with_the_services_reason(admin_client, admin_user):
    meeting = MeetingFactory(vendor=VendorFactory(owner=admin_user))
    stranger = ContactFactory(vendor=VendorFactory(owner=admin_user))
    url = admin_url(Meeting, "change", meeting.pk)

    response = admin_client.post(
        url, _meeting_form(admin_client, meeting, contacts=[stranger.pk]), follow=True
    )

    assert messages_of(response) == ["Contacts must belong to the meeting's vendor."]
    assert not meeting.contacts.exists()


def test_a_duration_the_model_refuses_is_a_field_error_on_a_page_that_still_renders(
    admin_client, admin_user
):
    meeting = MeetingFactory(vendor=VendorFactory(owner=admin_user), duration_minutes=60)
    url = admin_url(Meeting, "change", meeting.pk)

    response = admin_client.post(
        url, _meeting_form(admin_client, meeting, duration_minutes=24 * 60 + 1)
    )

    assert response.status_code == 200
    assert "between 1 minute and 24 hours" in str(response.context["adminform"].form.errors)
    meeting.refresh_from_db()
    assert meeting.duration_minutes == 60
