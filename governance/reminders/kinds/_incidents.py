"""What the SLA warning and breach share: an open incident's targets, each reminded on its own
(the response target, the resolution target)."""

import datetime as dt

from django.conf import settings
from django.db import connection
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Q, Value

from governance.models import Incident, Vendor
from governance.reminders import messages
from governance.reminders.due import lacking, reminders_of

# (due time, done time) of each target.
TARGETS = (("response_due_at", "acknowledged_at"), ("resolution_due_at", "resolved_at"))


def warned_by(due_field, ratio):
    """When the warning of the target ``due_field`` falls: ``ratio`` of the way from the
    incident's opening to the target, in SQL."""
    elapsed = ExpressionWrapper(
        (F(due_field) - F("opened_at")) * Value(ratio), output_field=DurationField()
    )
    return ExpressionWrapper(F("opened_at") + elapsed, output_field=DateTimeField())


def open_targets(sweep, kind, *, passed, warn_ratio=None):
    """(incident id, vendor id, owner id, opened at, [(due time, done time)]) of the open
    incidents with a target not done (passed by now, or not yet) whose ``kind`` reminder to
    the relationship owner is not in the outbox yet; targets older than the SLA look-back are
    no longer announced."""
    since = lookback_start(sweep.now)
    conditions = Q(pk__in=[])
    aliases = {}
    for due_field, done_field in TARGETS:
        if passed:
            window = Q(**{f"{due_field}__gte": since, f"{due_field}__lte": sweep.now})
        else:
            window = Q(**{f"{due_field}__gt": sweep.now})
            if warn_ratio is not None and connection.vendor == "postgresql":
                # Only the targets whose warning time has come: the others (most open
                # incidents') were read by every sweep and dropped in Python, which still
                # decides (SQLite, whose interval arithmetic differs, reads them all).
                alias = f"warn_{due_field}"
                aliases[alias] = warned_by(due_field, warn_ratio)
                window &= Q(**{f"{alias}__lte": sweep.now})
        rows = reminders_of(kind, Incident, occurrence=due_field)
        conditions |= (
            Q(**{f"{done_field}__isnull": True}) & window & lacking(rows, ["vendor__owner_id"])
        )
    # incident_status_respdue_idx / incident_status_resdue_idx
    rows = (
        Incident.objects.filter(status__in=Incident.OPEN_STATUSES)
        .alias(**aliases)
        .filter(conditions)
        .exclude(vendor__status=Vendor.Status.ENDED)
        .order_by()
        .values_list(
            "pk",
            "vendor_id",
            "vendor__owner_id",
            "opened_at",
            *(name for target in TARGETS for name in target),
        )
    )
    rows = list(rows)
    sweep.recipients.load(row[2] for row in rows)
    for pk, vendor_id, owner_id, opened_at, response_due, acked, resolution_due, resolved in rows:
        targets = [
            due_at
            for due_at, done in ((response_due, acked), (resolution_due, resolved))
            if due_at is not None and done is None and due_at >= since
        ]
        yield pk, vendor_id, owner_id, opened_at, targets


def lookback_start(now):
    """A breach older than this, that no sweep saw (beat down for a week), is not announced."""
    return now - dt.timedelta(days=settings.GOVERNANCE_REMINDER_SLA_LOOKBACK_DAYS)


def targets_of(reminder, incident):
    """(due, done) of the incident's targets this reminder is about."""
    return [
        (due_at, done)
        for due_at, done in (
            (incident.response_due_at, incident.acknowledged_at),
            (incident.resolution_due_at, incident.resolved_at),
        )
        if due_at == reminder.occurrence
    ]


def message(reminder, incident):
    due_at = reminder.occurrence
    targets = []
    if incident.response_due_at == due_at:
        targets.append("response")
    if incident.resolution_due_at == due_at:
        targets.append("resolution")
    return messages.email(
        reminder,
        {
            "incident": incident,
            "vendor": incident.vendor,
            "due_at": due_at,
            "targets": " and ".join(targets) or "SLA",
        },
        url=messages.url_of(incident),
    )
