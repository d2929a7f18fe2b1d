"""Stored derived figures, kept fresh: each vendor's ``VendorFigures`` (health, its parts, the
next review, the notice deadline) and each meeting's ``next_occurrence_at``.

The lists (the dashboard's health table, the vendor list, ``/api/v1/vendors/``) read these
rows instead of computing every visible vendor's figures on each request, so they sort by
health in the database and cost the same at 10 and at 10,000 vendors. The figures are
written here and nowhere else:

- ``stale(vendor_ids)``, whenever a record they are computed from is saved or deleted
  (reviews, incidents, goals, security clauses, SLA targets, the vendor itself, whose tier
  decides the required clauses): inside a use case (``services.saving.use_case``) the ids
  are collected and each vendor is refreshed once, at the end of the use case, in its
  transaction; outside one (the admin's bulk delete, a cascade, a shell) at once;
- ``refresh_all()`` every ``GOVERNANCE_FIGURES_REFRESH_SECONDS`` (a beat task), for what
  changes with the clock alone: an open incident passing its resolution target, the SLA
  window moving on, a clause expiring at midnight;
- ``refresh_missing()`` after ``migrate``, for vendors that have no figures yet.

The totals of the API lists (``RowCount``) are kept by database triggers (migration 0008):
every insert and delete by any door appends a delta, in the same transaction; the periodic
run folds them (``row_counts_compact``). The portfolio's credits of each year
(``CreditYearTotal``) are kept the same way (migration 0029; ``credit_totals_compact``).

The notification deadlines of the security incidents still awaiting a notification (stored
on the incident, for the lists that filter and order by them) are written with their vendor's
figures (``notice_deadlines_refresh``): the clause in force at detection, the vendor's time
zone, the detection and notification times all come from records whose writes refresh them.

A meeting's next occurrence is computed when it is saved and, by the same periodic run, for
the meetings whose stored next occurrence has begun (``meetings_advance``); readers treat a
meeting whose stored value is already past as one to expand themselves.

Why receivers rather than calls from each service: the figures are a cache of reads, and
every door that changes their inputs (the services, the admin's bulk delete, cascades) must
refresh them; one missed call would show a stale health figure without anyone noticing.
The few writes that bypass signals (``QuerySet.update``) call ``stale`` themselves.
"""

import contextlib
import logging
import threading
from collections import defaultdict
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils import timezone

from governance import selectors
from governance.domain import notification, recurrence, scheduling
from governance.models import (
    ActionItem,
    Contact,
    CreditStatement,
    CreditYearTotal,
    EscalationContact,
    Goal,
    Incident,
    Meeting,
    MeetingOccurrence,
    Reminder,
    RequiredClause,
    Review,
    RowCount,
    SecurityClause,
    SLATarget,
    Vendor,
    VendorFigures,
)

log = logging.getLogger(__name__)

# VendorFigures field -> the annotation of ``selectors.vendors_with_metrics`` it stores.
STORED = {
    "next_review_date": "next_review_date",
    "latest_score": "latest_score",
    "previous_score": "previous_score",
    "sla_met": "sla_met_90d",
    "sla_breached": "sla_breached_90d",
    "goals_measured": "goals_measured",
    "goals_good": "goals_good",
    "clauses_required": "clauses_required",
    "clauses_covered": "clauses_covered",
}
# The stored figures a refresh compares with what it computes.
COMPARED = ["health_score", "notice_deadline", *STORED]
# The models whose rows belonging to a vendor ``RowCount`` counts (triggers of migration 0008;
# action items and credit statements, 0027; escalation contacts, 0030).
COUNTED = (
    Contact,
    Goal,
    Review,
    Meeting,
    SLATarget,
    Incident,
    SecurityClause,
    Reminder,
    ActionItem,
    CreditStatement,
    EscalationContact,
)
BATCH_SIZE = 1000


def refresh(vendor_ids, *, now=None):
    """Recompute the figures of these vendors and store those that changed; returns how many
    rows were written. Ids of vendors that no longer exist are skipped.

    Rows whose figures are unchanged are not rewritten: the periodic refresh touches only the
    vendors whose health moved, which keeps the table small for the list totals summed over it.
    """
    ids = sorted({pk for pk in vendor_ids if pk is not None})
    if not ids:
        return 0
    now = now or timezone.now()
    stored = {
        row.pop("vendor_id"): row
        for row in VendorFigures.objects.filter(vendor_id__in=ids).values("vendor_id", *COMPARED)
    }
    rows = list(
        selectors.vendors_with_metrics(Vendor.objects.filter(pk__in=ids), now=now)
        .order_by()
        .values("pk", "contract_end", "renewal_notice_days", *STORED.values())
    )
    figures = []
    for row in rows:
        vendor = SimpleNamespace(**row)
        values = {
            "health_score": selectors.vendor_health(vendor),
            "notice_deadline": scheduling.notice_deadline(
                vendor.contract_end, vendor.renewal_notice_days
            ),
            **{field: row[annotation] for field, annotation in STORED.items()},
        }
        if stored.get(vendor.pk) == values:
            continue
        figures.append(VendorFigures(vendor_id=vendor.pk, computed_at=now, **values))
    VendorFigures.objects.bulk_create(
        figures,
        update_conflicts=True,
        unique_fields=["vendor"],
        update_fields=["computed_at", *COMPARED],
    )
    notice_deadlines_refresh(ids, now=now)
    return len(figures)


# What a notification deadline is computed from, and the two stored.
CLOCK_FIELDS = (
    "vendor_id",
    "category",
    "opened_at",
    "detected_at",
    "vendor_notified_at",
    "personal_data_affected",
    "authority_notified_at",
    "vendor_notice_due_at",
    "authority_notice_due_at",
)


def notice_deadlines_refresh(vendor_ids, *, now=None):
    """Store the two notification deadlines (``selectors.notification_clocks``) of the
    security incidents of these vendors still awaiting a notification; returns how many
    incidents changed. One query when there are none; otherwise two more (the clocks) and
    the update of those that changed.

    An incident notified keeps the deadlines it had: nothing reads them any more."""
    incidents = list(
        Incident.objects.filter(notification.awaiting_notification(), vendor_id__in=vendor_ids)
        .order_by("pk")
        .only(*CLOCK_FIELDS)
    )
    if not incidents:
        return 0
    clocks = selectors.notification_clocks(incidents, now=now)
    changed = []
    for incident in incidents:
        vendor, authority = clocks[incident.pk].vendor, clocks[incident.pk].authority
        due = (
            vendor.due_at if vendor is not None else None,
            authority.due_at if authority is not None else None,
        )
        if due != (incident.vendor_notice_due_at, incident.authority_notice_due_at):
            incident.vendor_notice_due_at, incident.authority_notice_due_at = due
            changed.append(incident)
    # An UPDATE of the two columns: no signal, no history row, no refresh again.
    Incident.objects.bulk_update(
        changed, ["vendor_notice_due_at", "authority_notice_due_at"], batch_size=BATCH_SIZE
    )
    return len(changed)


class _Pending(threading.local):
    """The vendors gone stale in the use case running on this thread."""

    depth = 0
    vendor_ids = None


_pending = _Pending()


@contextlib.contextmanager
def deferred():
    """Collect the vendors whose figures go stale inside the block and refresh each of them
    once when the outermost block ends (inside the caller's transaction); nothing when it
    fails, since its transaction rolls back."""
    if _pending.depth == 0:
        _pending.vendor_ids = set()
    _pending.depth += 1
    try:
        yield
    except BaseException:
        _pending.depth -= 1
        if _pending.depth == 0:
            _pending.vendor_ids = None
        raise
    _pending.depth -= 1
    if _pending.depth == 0:
        vendor_ids, _pending.vendor_ids = _pending.vendor_ids, None
        refresh(vendor_ids)


def stale(vendor_ids):
    """These vendors' figures no longer hold: refreshed at the end of the use case, or now."""
    if _pending.depth:
        _pending.vendor_ids.update(pk for pk in vendor_ids if pk is not None)
    else:
        refresh(vendor_ids)


def meetings_refresh(meetings, *, now=None):
    """Store the next occurrence of each of ``meetings`` (objects); returns how many changed."""
    now = now or timezone.now()
    meetings = list(meetings)
    # Their cancelled and moved instances, in one query.
    overrides = {}
    exceptions = MeetingOccurrence.objects.filter(
        selectors.exceptions_only(), meeting_id__in=[meeting.pk for meeting in meetings]
    ).filter(Q(original_start__gte=now) | Q(starts_at__gte=now))
    for record in exceptions:
        overrides.setdefault(record.meeting_id, []).append(record.as_override())
    changed = []
    for meeting in meetings:
        upcoming = recurrence.next_occurrence(
            starts_at=meeting.starts_at,
            duration_minutes=meeting.duration_minutes,
            time_zone=meeting.time_zone,
            recurrence=meeting.recurrence,
            after=now,
            overrides=overrides.get(meeting.pk, ()),
        )
        if upcoming != meeting.next_occurrence_at:
            meeting.next_occurrence_at = upcoming
            changed.append(meeting)
    Meeting.objects.bulk_update(changed, ["next_occurrence_at"], batch_size=BATCH_SIZE)
    return len(changed)


def meetings_advance(*, now=None, batch_size=BATCH_SIZE):
    """Move on the meetings whose stored next occurrence has begun; returns how many."""
    now = now or timezone.now()
    fields = ["pk", "starts_at", "duration_minutes", "time_zone", "recurrence"]
    done = 0
    while True:
        with transaction.atomic():
            batch = list(
                Meeting.objects.filter(next_occurrence_at__lt=now)
                .order_by("next_occurrence_at", "pk")
                .only(*fields, "next_occurrence_at")[:batch_size]
            )
            if not batch:
                return done
            meetings_refresh(batch, now=now)
            done += len(batch)


def _id_batches(queryset, batch_size=BATCH_SIZE):
    """The primary keys of ``queryset`` in ascending lists of up to ``batch_size``."""
    last = 0
    while True:
        ids = list(
            queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def _in_batches(vendors, *, now=None, batch_size=BATCH_SIZE):
    """Refresh ``vendors`` (a queryset) a batch at a time, each batch in its own transaction."""
    done = 0
    for ids in _id_batches(vendors, batch_size):
        with transaction.atomic():
            done += refresh(ids, now=now)
    return done


def row_counts_compact():
    """Fold each counted table's deltas into one row; returns how many rows went.

    Exact under concurrent writers: only the rows this call locked are replaced; a delta
    appended meanwhile stays beside the new sum.
    """
    gone = 0
    for model in COUNTED:
        table = model._meta.db_table
        with transaction.atomic():
            rows = list(
                RowCount.objects.select_for_update()
                .filter(table_name=table)
                .values_list("pk", "delta")
            )
            if len(rows) < 2:
                continue
            RowCount.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
            RowCount.objects.create(table_name=table, delta=sum(delta for _, delta in rows))
            gone += len(rows) - 1
    return gone


def credit_totals_compact():
    """Fold the credit total deltas of each year, currency and status into one row (none
    where nothing is left); returns how many rows went. Exact under concurrent writers, as
    ``row_counts_compact``."""
    with transaction.atomic():
        groups = defaultdict(list)
        for row in CreditYearTotal.objects.select_for_update().order_by("pk"):
            groups[row.year, row.currency, row.status].append(row)
        gone, folded = [], []
        for (year, currency, status), rows in groups.items():
            statements = sum(row.statements for row in rows)
            if len(rows) == 1 and statements:
                continue
            gone += [row.pk for row in rows]
            if statements:
                amount = sum(row.amount for row in rows)
                folded.append(
                    CreditYearTotal(
                        year=year,
                        currency=currency,
                        status=status,
                        amount=amount,
                        statements=statements,
                    )
                )
        CreditYearTotal.objects.filter(pk__in=gone).delete()
        CreditYearTotal.objects.bulk_create(folded)
        return len(gone) - len(folded)


def refresh_all(*, now=None, batch_size=BATCH_SIZE):
    """The periodic refresh: every vendor's figures (and the notification deadlines of its
    incidents), the meetings whose next occurrence has begun and the row count and credit
    total deltas; returns how many vendors' figures changed."""
    now = now or timezone.now()
    row_counts_compact()
    credit_totals_compact()
    meetings_advance(now=now, batch_size=batch_size)
    return _in_batches(Vendor.objects.all(), now=now, batch_size=batch_size)


def refresh_missing(*, now=None, batch_size=BATCH_SIZE):
    """Compute the figures of vendors that have none (after an upgrade); returns how many."""
    return _in_batches(Vendor.objects.filter(figures__isnull=True), now=now, batch_size=batch_size)


# --- what keeps them fresh -----------------------------------------------------------------


def _vendor_record_changed(sender, instance, raw=False, origin=None, **kwargs):
    if raw:
        return  # loaddata: the stored figures are refreshed by the next periodic run
    if isinstance(origin, Vendor) and origin.pk == instance.vendor_id:
        return  # the vendor itself is being deleted, its figures with it
    if isinstance(origin, QuerySet) and origin.model is Vendor:
        return  # vendors deleted in bulk: their figures go with them (SLA targets cascade)
    stale([instance.vendor_id])


def _meeting_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        # An UPDATE of the one column (bulk_update), not a save: no history row, no recursion.
        meetings_refresh([instance])


def _vendor_changed(sender, instance, created=False, raw=False, **kwargs):
    if not raw:
        stale([instance.pk])


def _required_clauses_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _in_batches(Vendor.objects.filter(tier=instance.tier))


def _after_migrate(sender, app_config=None, using="default", **kwargs):
    if app_config is None or app_config.label != "governance":
        return
    if VendorFigures._meta.db_table not in connection.introspection.table_names():
        return  # migrated back to before the figures existed
    written = refresh_missing()
    if written:
        log.info("Computed the figures of %d vendors that had none", written)
    # The deadlines of the incidents awaiting a notification (stored since migration 0029).
    if CreditYearTotal._meta.db_table in connection.introspection.table_names():
        awaiting = Incident.objects.filter(notification.awaiting_notification())
        with transaction.atomic():
            notice_deadlines_refresh(awaiting.values("vendor_id"))
    now = timezone.now()
    never_computed = Meeting.objects.filter(next_occurrence_at__isnull=True).filter(
        ~Q(recurrence="") | Q(starts_at__gte=now)
    )
    for batch in _id_batches(never_computed):
        with transaction.atomic():
            meetings_refresh(Meeting.objects.filter(pk__in=batch), now=now)


def connect():
    """Wire the receivers (from ``GovernanceConfig.ready``)."""
    for model in (Review, Incident, Goal, SecurityClause, SLATarget):
        post_save.connect(_vendor_record_changed, sender=model, dispatch_uid=f"figures-{model}")
        post_delete.connect(
            _vendor_record_changed, sender=model, dispatch_uid=f"figures-del-{model}"
        )
    post_save.connect(_vendor_changed, sender=Vendor, dispatch_uid="figures-vendor")
    post_save.connect(_meeting_changed, sender=Meeting, dispatch_uid="figures-meeting")
    post_save.connect(
        _required_clauses_changed, sender=RequiredClause, dispatch_uid="figures-required"
    )
    post_delete.connect(
        _required_clauses_changed, sender=RequiredClause, dispatch_uid="figures-required-del"
    )
    post_migrate.connect(_after_migrate, dispatch_uid="figures-migrate")
