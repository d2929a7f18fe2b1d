"""What every kind's due query shares: the ``Due`` key, the sweep's moment and readers, the
date-based rule (the nearest lead time that has passed), and the check against the outbox.

The cost of a sweep follows what is due, not what exists: each kind reads only the objects
in its window (an index on the due date or time) whose reminder is not in the outbox yet, a
``NOT EXISTS`` on the leading columns of ``reminder_once_per_key``. An object whose current
reminder went out yesterday is not read again until its next lead time comes.
"""

import datetime as dt
import functools
import operator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    DateField,
    DateTimeField,
    DurationField,
    Exists,
    Func,
    OuterRef,
    Q,
    Value,
    When,
)

from governance.models import Reminder
from governance.reminders.preferences import LeadTimes, Recipients

# Local dates (UTC-12 to UTC+14) differ from the UTC date by at most a day either way.
DATE_MARGIN = dt.timedelta(days=1)


class Due(NamedTuple):
    """One reminder that should exist: the fields of its ``reminder_once_per_key``."""

    kind: str
    model: type
    object_id: int
    vendor_id: int | None
    occurrence: dt.datetime
    lead_time: dt.timedelta
    recipient_id: int | None
    # An escalation to the vendor's side goes to one of its contacts instead of a user.
    recipient_contact_id: int | None = None

    @property
    def key(self):
        """Its place in the outbox's once-per-key constraints, less kind and object type."""
        return (
            self.object_id,
            self.occurrence,
            self.lead_time,
            self.recipient_id,
            self.recipient_contact_id,
        )


# The outbox columns of ``Due.key``.
KEY_COLUMNS = ("object_id", "occurrence", "lead_time", "recipient_id", "recipient_contact_id")


@dataclass(frozen=True)
class Sweep:
    """What a kind's ``due()`` works from: the moment, the lead times, and the recipients
    (loaded as the kinds name them)."""

    now: dt.datetime
    lead_times: LeadTimes
    recipients: Recipients
    # What two kinds read alike (the unanswered security clocks, the open credit claims),
    # read once a sweep: ``shared()``.
    _shared: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def at(cls, now):
        lead_times = LeadTimes.load()
        return cls(now=now, lead_times=lead_times, recipients=Recipients(lead_times))

    def shared(self, read):
        """``list(read(self))``, read once in this sweep whichever kind asks first."""
        if read not in self._shared:
            self._shared[read] = list(read(self))
        return self._shared[read]

    @property
    def today(self):
        """The UTC date: every recipient's local date is within a day of it."""
        return self.now.astimezone(dt.UTC).date()


# --- date-based kinds ----------------------------------------------------------------------


def dated_objects(sweep, kind, queryset, date_field, *, recipients, vendor="vendor_id"):
    """The reminders of ``kind`` due for the objects of ``queryset`` dated by ``date_field``
    (a field or an annotation): those whose date falls in the kind's window and that the
    outbox does not hold yet, for each of ``recipients`` (user id fields)."""
    first, last = date_window(sweep, kind)
    queryset = queryset.filter(**{f"{date_field}__gte": first, f"{date_field}__lte": last})
    queryset = not_yet_reminded(
        queryset,
        kind,
        occurrence=Midnight(date_field),
        recipients=recipients,
        lead_bound=date_lead_bound(date_field, sweep, kind),
    )
    rows = queryset.order_by().values_list("pk", vendor, date_field, *recipients)
    return dated(
        kind,
        queryset.model,
        ((pk, vendor_id, day, tuple(people)) for pk, vendor_id, day, *people in rows),
        sweep,
    )


def dated(kind, model, rows, sweep):
    """Date-based reminders from ``(object_id, vendor_id, due_date, recipient_ids)`` rows.

    A lead time of N days fires on the recipient's local date ``due_date - N`` from the send
    hour on, and no longer once the due date has passed for them. When several have passed
    (a review created three days ahead), only the nearest counts: one reminder, not a burst.
    """
    rows = list(rows)
    sweep.recipients.load(pk for *_, ids in rows for pk in ids)
    for object_id, vendor_id, due_date, recipient_ids in rows:
        for recipient in sweep.recipients.each(recipient_ids, kind):
            today = recipient.send_date(sweep.now)
            if today is None or today > due_date:
                continue
            passed = [
                lead
                for lead in recipient.lead_times(kind)
                if due_date - dt.timedelta(days=lead.days) <= today
            ]
            if passed:
                lead = min(passed)
                yield Due(
                    kind, model, object_id, vendor_id, midnight(due_date), lead, recipient.user_id
                )


def date_window(sweep, kind):
    """(first, last) due date of the objects that may have a ``kind`` reminder due."""
    today = sweep.today
    return today - DATE_MARGIN, today + sweep.lead_times.longest(kind) + DATE_MARGIN


def date_lead_bound(date_alias, sweep, kind):
    """Per due date, the shortest lead time (of any recipient) whose day has come for
    somebody: the current reminder of an object, and no shorter one, may already exist."""
    tomorrow = sweep.today + DATE_MARGIN
    return Case(
        *(
            When(
                **{f"{date_alias}__lte": tomorrow + dt.timedelta(days=lead.days)}, then=Value(lead)
            )
            for lead in sweep.lead_times.every[kind]
        ),
        default=None,
        output_field=DurationField(),
    )


def midnight(day):
    """A date as the ``occurrence`` of a date-based reminder: that date, 00:00 UTC."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


class Midnight(Func):
    """``midnight()`` in SQL: a date column as 00:00 UTC of that day, as the outbox stores it."""

    arity = 1
    output_field = DateTimeField()
    template = "((%(expressions)s)::timestamp AT TIME ZONE 'UTC')"

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite stores a datetime as text, "YYYY-MM-DD HH:MM:SS" in UTC.
        return self.as_sql(
            compiler, connection, template="(%(expressions)s || ' 00:00:00')", **extra_context
        )


class DaysBefore(Func):
    """``date - days`` (an integer column) as a date, in each database's own syntax."""

    arity = 2
    output_field = DateField()
    # PostgreSQL: date - integer is a date.
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="date(%(expressions)s || ' days')",
            arg_joiner=", '-' || ",
            **extra_context,
        )


# --- the outbox ----------------------------------------------------------------------------


def reminders_of(kind, model, *, occurrence="reminder_occurrence", lead_bound=None, pk="pk"):
    """The outbox rows of ``kind`` about the outer query's object (``pk``) and ``occurrence``
    (the name of an outer alias), with a lead time up to the outer alias ``lead_bound`` if
    given: filter them by recipient and wrap them in ``Exists``. Uses the leading columns
    of ``reminder_once_per_key``."""
    rows = Reminder.objects.filter(
        kind=kind,
        content_type=ContentType.objects.get_for_model(model),
        object_id=OuterRef(pk),
        occurrence=OuterRef(occurrence),
    )
    if lead_bound is not None:
        rows = rows.filter(lead_time__lte=OuterRef(lead_bound))
    return rows


def lacking(rows, recipient_fields):
    """A condition on the outer query: one of ``recipient_fields`` (user id columns, possibly
    NULL) names somebody without one of ``rows``."""
    return functools.reduce(
        operator.or_,
        (
            Q(**{f"{name}__isnull": False}) & ~Q(Exists(rows.filter(recipient_id=OuterRef(name))))
            for name in recipient_fields
        ),
    )


def not_yet_reminded(queryset, kind, *, occurrence, recipients, lead_bound=None):
    """``queryset`` without the objects whose every recipient already has the current
    ``kind`` reminder for ``occurrence`` (an expression on the object) in the outbox.

    ``lead_bound``: an expression, the shortest lead time that can be current for the
    object; an outbox row with a longer one is an earlier reminder, not the current one.
    Recipients who never get the reminder (muted, no email address) leave their objects in:
    the sweep reads them and finds nothing to create.
    """
    queryset = queryset.alias(reminder_occurrence=occurrence)
    if lead_bound is not None:
        queryset = queryset.alias(reminder_lead_bound=lead_bound)
    rows = reminders_of(
        kind,
        queryset.model,
        lead_bound="reminder_lead_bound" if lead_bound is not None else None,
    )
    return queryset.filter(lacking(rows, recipients))


def not_in_outbox(kind, model, dues):
    """``dues`` (of ``kind``, about ``model``) less those the outbox holds already.

    For the kinds whose due time is worked out in Python (a notification clock, a claim
    window) and so cannot be matched against the outbox in the query that reads their
    objects: one query per batch of objects.
    """
    dues = list(dues)
    held = set()
    content_type = ContentType.objects.get_for_model(model)
    for batch in chunks({due.object_id for due in dues}, settings.GOVERNANCE_REMINDER_BATCH_SIZE):
        held.update(
            Reminder.objects.filter(
                kind=kind, content_type=content_type, object_id__in=batch
            ).values_list(*KEY_COLUMNS)
        )
    return [due for due in dues if due.key not in held]


def chunks(items, size):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]
