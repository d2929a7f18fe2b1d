"""The snoozes a sweep respects: a person's reminders about an object wait while their
snooze runs, and an escalation about an object waits while anybody's does.

A snooze runs up to the day before its ``until`` date, judged on the UTC date (a person's
own date is within a day of it).
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from governance.models import Snooze


@dataclass(frozen=True)
class Held:
    """The snoozes running on one day, as the sweep checks them (read in one query)."""

    personal: frozenset  # (user id, content type id, object id)
    objects: frozenset  # (content type id, object id)

    @classmethod
    def on(cls, day):
        rows = list(
            Snooze.objects.filter(until__gt=day).values_list(
                "user_id", "content_type_id", "object_id"
            )
        )
        return cls(personal=frozenset(rows), objects=frozenset((ct, pk) for _, ct, pk in rows))

    def holds(self, kind, due):
        """Whether the reminder ``due`` (of ``kind``) waits for a snooze."""
        if not self.personal:
            return False
        content_type = ContentType.objects.get_for_model(due.model).pk
        if kind.escalates:
            return (content_type, due.object_id) in self.objects
        return (due.recipient_id, content_type, due.object_id) in self.personal


def snoozed_ids(user, model, day):
    """The ids of the ``model`` objects ``user`` snoozed, as of ``day`` (a subquery)."""
    return Snooze.objects.filter(
        user=user, content_type=ContentType.objects.get_for_model(model), until__gt=day
    ).values("object_id")
