"""The reminder outbox in the admin: read-only; failed reminders can be sent again."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.models import Reminder, Role
from tests.admin.helpers import admin_url, portfolio
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reminders_are_read_only_in_the_admin(admin_client, admin_user):
    portfolio(1, admin_user)
    reminder = Reminder.objects.get()

    assert admin_client.get(admin_url(Reminder, "add")).status_code == 403
    page = admin_client.get(admin_url(Reminder, "change", reminder.pk))
    assert "SMTPServerDisconnected" in page.content.decode()
    assert admin_client.post(admin_url(Reminder, "change", reminder.pk), {}).status_code == 403
    assert (
        admin_client.post(admin_url(Reminder, "delete", reminder.pk), {"post": "yes"}).status_code
        == 403
    )


def test_retrying_failed_reminders_resets_them_to_pending(admin_client, admin_user):
    portfolio(2, admin_user)
    failed, sent = Reminder.objects.order_by("pk")
    sent_at = timezone.now()
    Reminder.objects.filter(pk=sent.pk).update(status=Reminder.Status.SENT, sent_at=sent_at)

    admin_client.post(
        admin_url(Reminder, "changelist"),
        {"action": "retry_failed", "_selected_action": [failed.pk, sent.pk]},
    )

    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts) == (Reminder.Status.PENDING, 0)
    assert (sent.status, sent.sent_at) == (Reminder.Status.SENT, sent_at)


def test_staff_who_are_not_administrators_cannot_retry_reminders(client, admin_user):
    # Roles decide (governance.domain.access): staff status and Django permissions are not enough.
    portfolio(1, admin_user)
    [failed] = Reminder.objects.all()
    viewer = UserFactory(username="viewer", is_staff=True)
    services.user_role_set(viewer, role=Role.VIEWER)
    viewer.user_permissions.add(
        *ContentType.objects.get_for_model(Reminder).permission_set.filter(codename="view_reminder")
    )
    client.force_login(viewer)

    page = client.get(admin_url(Reminder, "changelist"))
    retry = client.post(
        admin_url(Reminder, "changelist"),
        {"action": "retry_failed", "_selected_action": [failed.pk]},
    )

    assert page.status_code == 302
    assert page["Location"].startswith(reverse("admin:login"))
    assert retry.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Reminder.Status.FAILED
