"""Escalation paths: a vendor's matrix of who to turn to, by level and topic, on each side."""

from django.core.exceptions import ValidationError

from governance.domain import access
from governance.services.saving import use_case, validated_save

ESCALATION_FIELDS = (
    "vendor",
    "level",
    "topic",
    "side",
    "user",
    "contact",
    "response_minutes",
    "reach",
)


@use_case
def escalation_contact_save(entry):
    """Save one step of a vendor's escalation matrix; our side is one of our users."""
    if entry.user_id is not None and not access.internal_users().filter(pk=entry.user_id).exists():
        raise ValidationError({"user": "Choose one of the organisation's users."})
    return validated_save(entry)
