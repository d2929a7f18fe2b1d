"""Setting aside an item of the dashboard's "Needs attention": for good ("Handled") or for a
while (snoozed a day or a week), for the person alone; and undoing it."""

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance.domain import access
from governance.models import AttentionDismissal, Goal, Incident, Review, SecurityClause, Vendor
from governance.selectors.attention import REASONS
from governance.services.saving import use_case, validated_save

# How long each snooze lasts; "handled" sets an item aside for good.
SNOOZES = {"day": dt.timedelta(days=1), "week": dt.timedelta(days=7)}
HANDLED = "handled"
CHOICES = (HANDLED, *SNOOZES)

# ``<kind>:<id>:<reason>``, the kinds the selector keys its items by.
KINDS = {
    "incident": Incident,
    "review": Review,
    "clause": SecurityClause,
    "goal": Goal,
    "vendor": Vendor,
}
KEY = re.compile(r"^(?P<kind>[a-z]+):(?P<pk>[1-9][0-9]{0,17}):(?P<reason>[a-z_]{1,60})$")


def attention_subject(user, key):
    """The record ``key`` names, if ``user`` may see its vendor; else a ``ValidationError`` on
    ``key`` (an unknown record reads the same as one of a vendor the user may not see)."""
    match = KEY.match(key or "")
    if match is None or match["kind"] not in KINDS or match["reason"] not in REASONS:
        raise ValidationError({"key": "This is not an item of “Needs attention”."})
    model = KINDS[match["kind"]]
    visible = access.vendors_for(user)
    records = (visible if model is Vendor else model.objects.filter(vendor__in=visible)).filter(
        pk=int(match["pk"])
    )
    record = records.first()
    if record is None:
        raise ValidationError({"key": "There is no such item among the vendors you can see."})
    return record


@use_case
def attention_dismiss(user, *, key, choice, now=None):
    """Set aside the item ``key`` for ``user``: ``handled`` for good, ``day`` or ``week`` for
    that long from ``now``. Setting aside an item again replaces the earlier choice.
    Returns the ``AttentionDismissal``."""
    if not access.is_internal(user):
        raise PermissionDenied
    if choice not in CHOICES:
        raise ValidationError({"choice": "Choose handled, a day or a week."})
    attention_subject(user, key)
    now = now or timezone.now()
    dismissal = AttentionDismissal.objects.select_for_update().filter(
        user=user, key=key
    ).first() or AttentionDismissal(user=user, key=key)
    dismissal.until = None if choice == HANDLED else now + SNOOZES[choice]
    dismissal.created_at = now
    return validated_save(dismissal)


@use_case
def attention_undo(user, *, key):
    """Bring the item ``key`` back for ``user`` (nothing happens if it was not set aside)."""
    AttentionDismissal.objects.filter(user=user, key=key).delete()
