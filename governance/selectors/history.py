"""The audit trail: who changed what and when, with the values before and after.

Every governance model keeps its history with django-simple-history (``history =
HistoricalRecords()``): one historical row per create, change and delete, stamped with the
user of the request. This module reads those rows for one vendor, the vendor itself and
every record that belongs to it (deleted ones too), newest first, and turns each row into an
``Entry`` listing the fields it changed. The history page and the API endpoint both read it.

A page of entries costs a fixed number of queries whatever its size: one ``UNION`` over
the historical tables gives the page, then each kind on the page is read in bulk together
with the row before each entry (for the "before" values) and the labels of what it refers to.
"""

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.utils import timezone

from governance.models import (
    ActionItem,
    AgendaProposal,
    Contact,
    CreditPolicy,
    CreditStatement,
    Goal,
    GoalCheckIn,
    Incident,
    Meeting,
    Review,
    ReviewScore,
    SecurityClause,
    SLATarget,
    Vendor,
)

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
# Bookkeeping, not content: never listed as a change.
SKIPPED_FIELDS = frozenset({"id", "created_at", "updated_at"})


@dataclass(frozen=True)
class Kind:
    """One kind of record in a vendor's history.

    ``parent``: the foreign key naming the record it belongs to (not listed as a change:
    it never changes, and the entry's label names it).
    """

    name: str
    model: type
    parent: str = ""

    @property
    def label(self):
        return str(self.model._meta.verbose_name)


KINDS = {
    kind.name: kind
    for kind in (
        Kind("vendor", Vendor),
        Kind("contact", Contact, "vendor"),
        Kind("goal", Goal, "vendor"),
        Kind("goalcheckin", GoalCheckIn, "goal"),
        Kind("review", Review, "vendor"),
        Kind("reviewscore", ReviewScore, "review"),
        Kind("actionitem", ActionItem, "review"),
        Kind("meeting", Meeting, "vendor"),
        Kind("agendaproposal", AgendaProposal, "meeting"),
        Kind("slatarget", SLATarget, "vendor"),
        Kind("incident", Incident, "vendor"),
        Kind("securityclause", SecurityClause, "vendor"),
        Kind("creditpolicy", CreditPolicy, "vendor"),
        Kind("creditstatement", CreditStatement, "vendor"),
    )
}


@dataclass
class Change:
    field: str
    label: str
    before: object
    after: object
    before_text: str
    after_text: str


@dataclass
class Entry:
    """One historical row: who did what to which record, and the fields that changed."""

    kind: str
    kind_label: str
    history_id: int
    object_id: int
    object_label: str
    action: str
    at: dt.datetime
    user: object
    changes: list = field(default_factory=list)

    @property
    def user_name(self):
        return self.user.get_username() if self.user is not None else ""


def _history(model):
    return model.history.model.objects


def _sources(vendor_id):
    """The historical rows of each kind that belong to the vendor, deleted records included."""
    goals = _history(Goal).filter(vendor_id=vendor_id).values("id")
    reviews = _history(Review).filter(vendor_id=vendor_id).values("id")
    meetings = _history(Meeting).filter(vendor_id=vendor_id).values("id")
    return {
        "vendor": _history(Vendor).filter(id=vendor_id),
        "contact": _history(Contact).filter(vendor_id=vendor_id),
        "goal": _history(Goal).filter(vendor_id=vendor_id),
        "goalcheckin": _history(GoalCheckIn).filter(goal_id__in=goals),
        "review": _history(Review).filter(vendor_id=vendor_id),
        "reviewscore": _history(ReviewScore).filter(review_id__in=reviews),
        "actionitem": _history(ActionItem).filter(review_id__in=reviews),
        "meeting": _history(Meeting).filter(vendor_id=vendor_id),
        "agendaproposal": _history(AgendaProposal).filter(meeting_id__in=meetings),
        "slatarget": _history(SLATarget).filter(vendor_id=vendor_id),
        "incident": _history(Incident).filter(vendor_id=vendor_id),
        "securityclause": _history(SecurityClause).filter(vendor_id=vendor_id),
        "creditpolicy": _history(CreditPolicy).filter(vendor_id=vendor_id),
        "creditstatement": _history(CreditStatement).filter(vendor_id=vendor_id),
    }


def vendor_history(vendor, *, kind=""):
    """The vendor's history rows, newest first, as one query.

    Each row: ``record_kind`` (a ``KINDS`` key), ``history_id``, ``history_date``.

    Paginate it (count and slices run in the database), then turn a page into entries
    with ``entries(page)``. ``kind`` narrows it to one kind of record (a ``KINDS`` key).
    """
    sources = _sources(vendor.pk)
    if kind:
        sources = {kind: sources[kind]}
    parts = [
        # Not "kind": meetings have a field of that name. Unordered: the union is ordered.
        queryset.order_by()
        .annotate(record_kind=Value(name, output_field=CharField()))
        .values("record_kind", "history_id", "history_date")
        for name, queryset in sources.items()
    ]
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by("-history_date", "-history_id", "record_kind")


def entries(rows):
    """``rows`` (a page of ``vendor_history``) as ``Entry`` objects, in the same order."""
    rows = list(rows)
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row["record_kind"]].append(row["history_id"])
    records, previous = {}, {}
    for name, ids in by_kind.items():
        found, before = _records_with_previous(KINDS[name].model, ids)
        records.update({(name, pk): record for pk, record in found.items()})
        previous.update({(name, pk): record for pk, record in before.items()})
    labels = _Labels(records.values())
    result = []
    for row in rows:
        key = (row["record_kind"], row["history_id"])
        record = records.get(key)
        if record is not None:
            result.append(_entry(KINDS[key[0]], record, previous.get(key), labels))
    return result


def _records_with_previous(model, history_ids):
    """{history_id: row} for ``history_ids`` and {history_id: the object's row before it}."""
    history = _history(model)
    earlier = (
        history.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    found = {
        record.history_id: record
        for record in history.filter(history_id__in=history_ids)
        .select_related("history_user")
        .annotate(previous_id=Subquery(earlier))
    }
    before = history.in_bulk([r.previous_id for r in found.values() if r.previous_id])
    return found, {
        pk: before[record.previous_id]
        for pk, record in found.items()
        if record.previous_id in before
    }


def _tracked(kind):
    return [
        model_field
        for model_field in kind.model.history.model.tracked_fields
        if model_field.name not in SKIPPED_FIELDS and model_field.name != kind.parent
    ]


def _entry(kind, record, previous, labels):
    action = ACTIONS.get(record.history_type, record.history_type)
    changes = []
    for model_field in _tracked(kind):
        after = getattr(record, model_field.attname)
        before = getattr(previous, model_field.attname) if previous is not None else None
        if action == "created":
            before = None
        elif action == "deleted":
            before, after = after, None
        if before == after or (action != "changed" and _empty(before) and _empty(after)):
            continue
        changes.append(
            Change(
                field=model_field.name,
                label=str(model_field.verbose_name).capitalize(),
                before=_plain(before),
                after=_plain(after),
                before_text=labels.text(model_field, before),
                after_text=labels.text(model_field, after),
            )
        )
    return Entry(
        kind=kind.name,
        kind_label=kind.label,
        history_id=record.history_id,
        object_id=record.id,
        object_label=labels.object_label(kind, record),
        action=action,
        at=record.history_date,
        user=record.history_user,
        changes=changes,
    )


def _number(value):
    """77.0000 -> "77", 70.5000 -> "70.5" (never "7.7E+1")."""
    return format(value.normalize(), "f")


def _empty(value):
    return value is None or value == "" or value == [] or value == {}


def _plain(value):
    """A JSON-ready value: ids for foreign keys, ISO text for dates, text for decimals."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or None
    return value


class _Labels:
    """Human-readable labels for foreign keys and records, each model read in one query."""

    def __init__(self, records):
        wanted = defaultdict(set)
        for record in records:
            for model_field in record.tracked_fields:
                if model_field.is_relation and model_field.many_to_one:
                    value = getattr(record, model_field.attname)
                    if value is not None:
                        wanted[model_field.related_model].add(value)
        self.names = {
            model: {obj.pk: self._name(obj) for obj in model._base_manager.filter(pk__in=ids)}
            for model, ids in wanted.items()
        }

    @staticmethod
    def _name(obj):
        if isinstance(obj, get_user_model()):
            return obj.get_full_name() or obj.get_username()
        if isinstance(obj, Review):
            return f"review {obj.period_start:%Y-%m-%d} to {obj.period_end:%Y-%m-%d}"
        if isinstance(obj, Contact | Vendor):
            return obj.name
        if isinstance(obj, Goal | Meeting):
            return obj.title
        return f"#{obj.pk}"

    def related(self, model, pk):
        if pk is None:
            return ""
        return self.names.get(model, {}).get(pk, f"#{pk} (deleted)")

    def text(self, model_field, value):
        """``value`` of ``model_field`` as a person reads it (choice labels, names, yes/no)."""
        if value is None or value == "":
            return ""
        if model_field.is_relation and model_field.many_to_one:
            return self.related(model_field.related_model, value)
        if model_field.choices:
            labels = dict(model_field.flatchoices)
            if isinstance(value, list):
                return ", ".join(str(labels.get(item, item)) for item in value)
            return str(labels.get(value, value))
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list | dict):
            return json.dumps(value, ensure_ascii=False)
        if isinstance(model_field, models.FileField):
            name = getattr(value, "name", value) or ""
            return name.rsplit("/", 1)[-1]
        if isinstance(value, dt.datetime):
            # In the reader's time zone (the web UI activates the user's).
            return timezone.localtime(value).isoformat(timespec="minutes")
        if isinstance(value, Decimal):
            return _number(value)
        return str(value)

    def object_label(self, kind, record):
        """What the record is, read from the historical row itself (no query per row)."""
        name = kind.name
        if name in ("vendor", "contact"):
            return record.name
        if name in ("goal", "meeting"):
            return record.title
        if name == "goalcheckin":
            goal = self.related(Goal, record.goal_id)
            return f"{goal}: {_number(record.value)} on {record.date:%Y-%m-%d}"
        if name == "review":
            return f"Review {record.period_start:%Y-%m-%d} to {record.period_end:%Y-%m-%d}"
        if name == "reviewscore":
            criterion = record.get_criterion_display()
            return f"{criterion} score of the {self.related(Review, record.review_id)}"
        if name == "actionitem":
            return record.description[:80]
        if name == "agendaproposal":
            return f"{record.text[:60]} (for {self.related(Meeting, record.meeting_id)})"
        if name == "slatarget":
            return f"{record.priority} target"
        if name == "incident":
            return f"{record.external_id}: {record.title}" if record.external_id else record.title
        if name == "securityclause":
            return record.get_clause_type_display()
        return f"#{record.id}"
