"""The reminder kinds: each one described once, and found here by its code.

Each module of ``governance.reminders.kinds`` describes one kind (``Kind``) and registers it
when it is imported. The sweep, delivery, the emails and the preferences page find the kinds
here; nothing else keeps a list of them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models

from governance.models import Reminder


@dataclass(frozen=True)
class Kind:
    """One kind of reminder.

    ``due(sweep)`` yields a ``due.Due`` for each reminder of this kind due at ``sweep.now``
    that may not be in the outbox yet (the sweep leaves out those that are).
    ``still_due(reminder, obj)`` returns why a pending reminder must not be sent any more, or
    "" when it still should. ``message(reminder, obj)`` builds its email (unsent) from
    ``templates/emails/<template>-subject.txt``, ``-body.txt`` and ``-body.html``.
    """

    code: str  # a value of Reminder.Kind, the outbox's column
    model: type[models.Model]  # what the reminder is about
    template: str
    due: Callable[..., Iterable]
    still_due: Callable[[Reminder, models.Model], str]
    message: Callable
    # For a kind sent ahead of a date or time, the site's lead times (days, or "90m", "24h",
    # "2d", "1w"), which GOVERNANCE_REMINDER_LEAD_TIMES overrides and people may set for
    # themselves; None for a kind that keeps its own time (overdue, SLA, digest).
    default_lead_times: tuple | None = None
    # Related rows its checks and its email read, fetched with the object when it is sent.
    related: tuple[str, ...] = ()
    # Whether people can mute it on their preferences page (the digest is switched on instead).
    can_mute: bool = True
    # An escalation waits while anybody snoozed its object (they said they are handling it);
    # any other reminder waits only for its own recipient's snooze.
    escalates: bool = False

    @property
    def label(self):
        return Reminder.Kind(self.code).label

    @property
    def has_lead_times(self):
        return self.default_lead_times is not None


_registered: dict[str, Kind] = {}


def register(kind):
    """Add ``kind``; returns it. Its code must be a value of Reminder.Kind (the outbox's
    column refuses any other), registered once."""
    if kind.code not in Reminder.Kind.values:
        raise ValueError(f"{kind.code!r} is not a value of Reminder.Kind: add it there first")
    if kind.code in _registered:
        raise ValueError(f"the reminder kind {kind.code!r} is registered twice")
    _registered[kind.code] = kind
    return kind


def get(code):
    """The kind of ``code``; KeyError when no module registers it."""
    return _registered[code]


def kinds():
    """Every registered kind, in the order of Reminder.Kind."""
    return sorted(_registered.values(), key=lambda kind: Reminder.Kind.values.index(kind.code))


def lead_time_kinds():
    """The kinds sent ahead of a date or time, by lead times."""
    return [kind for kind in kinds() if kind.has_lead_times]


def mutable_kinds():
    """The kinds a person can mute."""
    return [kind for kind in kinds() if kind.can_mute]
