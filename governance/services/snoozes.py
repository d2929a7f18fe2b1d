"""Snoozes: a person holds their reminders about one object until a date."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.domain import access
from governance.models import MAX_SNOOZE_DAYS, Snooze
from governance.services.saving import record_delete, use_case, validated_save


@use_case
def snooze_set(user, obj, *, until, note="", today=None):
    """Hold ``user``'s reminders about ``obj`` until the date ``until`` (a later snooze of
    the same object replaces the earlier one). ``until`` is after today (the user's date) and
    at most ``MAX_SNOOZE_DAYS`` ahead."""
    today = today or timezone.localdate()
    if until is None or until <= today:
        raise ValidationError({"until": "Snooze until a day after today."})
    if until > today + dt.timedelta(days=MAX_SNOOZE_DAYS):
        raise ValidationError(
            {"until": f"Snooze for at most {MAX_SNOOZE_DAYS} days; mute the kind instead."}
        )
    content_type = ContentType.objects.get_for_model(obj)
    snooze = Snooze.objects.select_for_update().filter(
        user=user, content_type=content_type, object_id=obj.pk
    ).first() or Snooze(user=user, content_type=content_type, object_id=obj.pk)
    snooze.vendor_id = access.vendor_id_of(obj)
    snooze.until = until
    snooze.note = note
    return validated_save(snooze)


@use_case
def snooze_end(snooze):
    """End a snooze now: what is still due is reminded at the next sweep."""
    record_delete(snooze)
