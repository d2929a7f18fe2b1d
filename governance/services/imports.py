"""Spreadsheet imports: vendors (with a contact each), SLA targets, security clauses and goals
from a CSV or XLSX file, checked as a dry run, applied when the person confirms.

- ``import_create`` reads the file (refusing what cannot be read, as a ``ValidationError`` on
  ``file``) and stores an ``ImportJob`` keeping the rows read (``spreadsheets.keep``: the
  check and the confirmation never parse the workbook again); a small file is checked at
  once, a large one by a worker (``import_check`` through the task ``IMPORT_CHECK_TASK``).
- The check matches each row to what exists (a vendor by name, case-insensitively; a clause
  by vendor and type; an SLA target by vendor and priority; a goal by vendor and title),
  converts each cell by its model field (a choice takes its value or its label, a list its
  items separated by ``;``) and validates the record with ``full_clean()``: the same rules
  as every other door. It writes nothing but the job: its preview rows and summary.
- ``import_confirm`` applies a previewed job: every row again, through the same services as
  the web UI and the API (``vendor_create``, ``contact_save``, ``clause_save``...), all in one
  transaction; one row refused and nothing is written. A vendor whose status it changes
  emits ``vendor.status_changed``, as ``vendor_update`` does.

A blank cell (or a column left out) leaves the field as it is, or at its default for a new
record: an import adds and changes, it never clears. Importing the same file twice finds
every row unchanged.
"""

import datetime as dt
import functools
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, connections, models, transaction
from django.db.models.expressions import DatabaseDefault
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from governance.domain import access, text
from governance.domain.models.common import Service
from governance.domain.models.imports import IMPORT_MAX_BYTES
from governance.infra import broker, spreadsheets
from governance.models import (
    Contact,
    Goal,
    ImportJob,
    SecurityClause,
    SLATarget,
    Vendor,
)
from governance.services import goals, incidents, vendors, webhooks
from governance.services.figures import deferred, stale

log = logging.getLogger(__name__)

IMPORT_CHECK_TASK = "governance.tasks.import_check"
IMPORT_APPLY_TASK = "governance.tasks.import_apply"
# Files of at most this many rows are checked and applied in the request; larger ones by a
# worker, the page showing their progress.
INLINE_ROWS = 500
# How often a worker records its progress, in rows.
PROGRESS_EVERY = 500
LIST_SEPARATOR = ";"
# Rows per statement when writing in bulk.
BATCH = 500
ROW = "row"  # the errors key of a message about the whole row

Kind = ImportJob.Kind
Status = ImportJob.Status


# --- what each kind reads -------------------------------------------------------------------


@dataclass(frozen=True)
class KindSpec:
    kind: str
    # column -> (model, field) in the order the template shows them
    columns: dict
    # columns that identify the record (required)
    keys: tuple
    # example rows of the template
    examples: tuple = ()


def _columns(model, names, prefix=""):
    return {f"{prefix}{name}": (model, name) for name in names}


SPECS = {
    Kind.VENDORS: KindSpec(
        Kind.VENDORS,
        {
            # A vendor's fields as every door saves them, less whom it belongs to and what it
            # consents to (set in the app by those who may).
            **_columns(
                Vendor,
                tuple(
                    name
                    for name in vendors.VENDOR_FIELDS
                    if name not in ("owner", "email_vendor_contacts")
                ),
            ),
            **_columns(Contact, ("name", "email", "role", "phone"), prefix="contact_"),
        },
        keys=("name",),
        examples=(
            {
                "name": "Northwind Networks",
                "services": "Network management;Security",
                "tier": "High",
                "status": "Active",
                "time_zone": "Europe/Warsaw",
                "country": "PL",
                "contract_start": "2025-01-01",
                "contract_end": "2027-12-31",
                "renewal_notice_days": 90,
                "annual_value": "120000.00",
                "currency": "EUR",
                "review_cadence": "Quarterly",
                "notes": "Managed WAN and firewalls.",
                "contact_name": "Anna Kowalska",
                "contact_email": "anna.kowalska@northwind.example",
                "contact_role": "Account manager",
                "contact_phone": "+48 22 555 0100",
            },
            {
                "name": "Contoso Hosting",
                "services": "hosting",
                "tier": "critical",
                "status": "onboarding",
                "country": "DE",
                "currency": "EUR",
                "contact_name": "Jonas Weber",
                "contact_email": "jonas.weber@contoso.example",
            },
        ),
    ),
    Kind.SLA_TARGETS: KindSpec(
        Kind.SLA_TARGETS,
        {
            "vendor": (SLATarget, "vendor"),
            **_columns(SLATarget, ("priority", "response_minutes", "resolution_minutes")),
        },
        keys=("vendor", "priority"),
        examples=(
            {
                "vendor": "Northwind Networks",
                "priority": "P1",
                "response_minutes": 15,
                "resolution_minutes": 240,
            },
            {
                "vendor": "Northwind Networks",
                "priority": "P2 (high)",
                "response_minutes": 60,
                "resolution_minutes": 480,
            },
        ),
    ),
    Kind.CLAUSES: KindSpec(
        Kind.CLAUSES,
        {
            "vendor": (SecurityClause, "vendor"),
            **_columns(
                SecurityClause,
                (
                    "clause_type",
                    "status",
                    "requirement",
                    "notification_hours",
                    "notify_whom",
                    "notify_how",
                    "evidence_url",
                    "effective_date",
                    "expires_on",
                    "last_verified_on",
                    "next_verification_due",
                ),
            ),
        },
        keys=("vendor", "clause_type"),
        examples=(
            {
                "vendor": "Northwind Networks",
                "clause_type": "Data protection agreement",
                "status": "Agreed",
                "requirement": "GDPR art. 28 processor terms.",
                "effective_date": "2025-01-01",
                "expires_on": "2027-12-31",
            },
            {
                "vendor": "Northwind Networks",
                "clause_type": "breach_notification",
                "status": "verified",
                "notification_hours": 24,
                "notify_whom": "CISO",
                "notify_how": "Phone and email",
            },
        ),
    ),
    Kind.GOALS: KindSpec(
        Kind.GOALS,
        {
            "vendor": (Goal, "vendor"),
            **_columns(
                Goal,
                (
                    "title",
                    "metric",
                    "unit",
                    "baseline",
                    "target_value",
                    "direction",
                    "start_date",
                    "due_date",
                    "status",
                    "description",
                ),
            ),
        },
        keys=("vendor", "title"),
        examples=(
            {
                "vendor": "Northwind Networks",
                "title": "First-call resolution",
                "metric": "Tickets resolved on first contact",
                "unit": "%",
                "baseline": 62,
                "target_value": 80,
                "direction": "Higher is better",
                "start_date": "2026-01-01",
                "due_date": "2026-12-31",
                "status": "Agreed",
            },
        ),
    ),
}


# --- cells to values --------------------------------------------------------------------------

# A cell's text on one line, remembered: a column repeats the same values (a tier, a status,
# a country) thousands of times, and each is looked at more than once.
_one_line = functools.lru_cache(maxsize=1 << 16, typed=True)(text.one_line)


@functools.lru_cache(maxsize=64)
def _choice_lookup(choices):
    """Lower-cased value, label, and a label's part in brackets ("P2 (high)": "high") ->
    value."""
    lookup = {}
    for value, label in choices:
        label = str(label)
        for spelling in (label, label.split(" (")[0], label.partition("(")[2].rstrip(")")):
            if spelling.strip():
                lookup.setdefault(spelling.strip().lower(), value)
    for value, _label in choices:
        lookup[str(value).lower()] = value
    return lookup


def _choice(model_field, cell, choices=None):
    choices = choices or model_field.choices
    value = _choice_lookup(tuple(choices)).get(_one_line(cell).lower())
    if value is None:
        labels = ", ".join(str(label) for _value, label in choices)
        raise ValidationError(
            "\u201c%(value)s\u201d is not one of: %(labels)s.",
            params={"value": _one_line(cell)[:100], "labels": labels},
        )
    return value


def _convert(model_field, cell):
    """The value of ``model_field`` a non-blank ``cell`` gives; ValidationError if none."""
    if cell is spreadsheets.FORMULA:
        raise ValidationError(spreadsheets.FORMULA_MESSAGE)
    if isinstance(model_field, models.JSONField) and model_field.name == "services":
        items = [item for item in _one_line(cell).split(LIST_SEPARATOR) if item.strip()]
        return [_choice(None, item, Service.choices) for item in items]
    if model_field.choices:
        return _choice(model_field, cell)
    if isinstance(cell, bool):
        raise ValidationError("Enter a value, not TRUE or FALSE.")
    if isinstance(model_field, models.DateField):
        if isinstance(cell, dt.datetime):
            return cell.date()
        if isinstance(cell, dt.date):
            return cell
        return model_field.to_python(_one_line(cell))
    if isinstance(cell, dt.date):
        raise ValidationError("Enter a value, not a date.")
    if isinstance(model_field, models.IntegerField):
        if isinstance(cell, float) and cell.is_integer():
            return int(cell)
        return model_field.to_python(_one_line(cell))
    if isinstance(model_field, models.DecimalField):
        if isinstance(cell, float):
            cell = repr(cell)
        return model_field.to_python(_one_line(cell))
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(model_field, models.TextField):
        return text.lines(cell).strip()
    return _one_line(cell)


def _blank(cell):
    return cell is None or (isinstance(cell, str) and not _one_line(cell))


def _shown(value):
    """A value as the preview shows it."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(map(str, value))
    return str(value)


# --- one row --------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a row of the file does: ``action`` is new, changed, unchanged or error."""

    row: int
    key: str
    errors: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)
    new: bool = False
    write: object = None  # a function that applies the row (through the services)

    @property
    def action(self):
        if self.errors:
            return "error"
        if self.new:
            return "new"
        return "changed" if self.changes else "unchanged"

    def error(self, column, message):
        self.errors.setdefault(column, []).append(str(message))

    def as_json(self):
        return {
            "row": self.row,
            "action": self.action,
            "key": self.key,
            "changes": self.changes,
            "errors": self.errors,
        }


def _messages(error):
    """``{field: [message]}`` of a ValidationError (``NON_FIELD_ERRORS`` for the record)."""
    if hasattr(error, "error_dict"):
        return {name: [str(m) for m in errors] for name, errors in error.message_dict.items()}
    return {NON_FIELD_ERRORS: [str(m) for m in error.messages]}


# --- validating without a query per row ----------------------------------------------------
#
# ``full_clean()`` asks the database about each CHECK constraint (``Q.check``), each foreign
# key and each unique field: tens of thousands of queries for a large file. An import runs
# the same rules cheaper: the fields' own validation and ``clean()`` as ``full_clean`` does,
# the CHECK constraints evaluated here from the same ``Q`` objects (any condition this
# evaluator does not know goes to the database as before), and uniqueness settled by the
# matching (a row whose key exists updates that record; a key twice in the file is an error),
# with the database's unique constraints still refusing a concurrent duplicate at write time.


class _Unsupported(Exception):
    pass


def _compare(lookup, left, right):
    if lookup == "isnull":
        return (left is None) == bool(right)
    if lookup == "exact" and right is None:
        return left is None
    if lookup == "in":
        return None if left is None else left in right
    if left is None or right is None:
        return None  # SQL: a comparison with NULL is unknown
    if lookup == "exact":
        return left == right
    if lookup == "gt":
        return left > right
    if lookup == "gte":
        return left >= right
    if lookup == "lt":
        return left < right
    if lookup == "lte":
        return left <= right
    raise _Unsupported(lookup)


def _value_of(instance, name):
    try:
        return getattr(instance, instance._meta.get_field(name).attname)
    except Exception as error:  # FieldDoesNotExist, a relation path
        raise _Unsupported(name) from error


def _evaluate(condition, instance):
    """True, False or None (SQL's unknown) for ``condition`` over ``instance``'s fields."""
    results = []
    for child in condition.children:
        if isinstance(child, models.Q):
            results.append(_evaluate(child, instance))
            continue
        key, right = child
        name, _, lookup = key.partition("__")
        if "__" in lookup:
            raise _Unsupported(key)
        if isinstance(right, models.F):
            right = _value_of(instance, right.name)
        elif hasattr(right, "resolve_expression"):
            raise _Unsupported(key)
        results.append(_compare(lookup or "exact", _value_of(instance, name), right))
    if condition.connector == models.Q.AND:
        result = False if False in results else (None if None in results else True)
    else:
        result = True if True in results else (None if None in results else False)
    if condition.negated and result is not None:
        result = not result
    return result


def _check_constraints(instance, *, exclude=()):
    """The CHECK constraints of ``instance``'s model, evaluated; ValidationError as
    ``validate_constraints`` raises it (each message on its field: ``constraint_fields``).
    As there, a constraint about an ``exclude``d field is not checked."""
    errors = {}
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            if not isinstance(constraint, models.CheckConstraint):
                continue
            condition = getattr(constraint, "condition", None) or constraint.check
            if condition.referenced_base_fields & set(exclude):
                continue
            try:
                holds = _evaluate(condition, instance) is not False
            except _Unsupported:
                try:
                    constraint.validate(model_class, instance)
                    holds = True
                except ValidationError:
                    holds = False
            if holds:
                continue
            error = ValidationError(
                constraint.get_violation_error_message(), code=constraint.violation_error_code
            )
            for name in instance._constraint_error_fields(constraint, error):
                errors.setdefault(name, []).extend(error.error_list)
    if errors:
        raise ValidationError(errors)


def _clean_fields(instance, *, exclude, cleaned):
    """``instance.clean_fields(exclude)``, each field's value cleaned once per run:
    ``cleaned`` remembers ``(field, value) -> cleaned value`` of the values that passed (a
    column of a few distinct values, a country, a tier, a time zone, is validated a few
    times, not once per row). A value that fails is cleaned again each time, for its
    message."""
    errors = {}
    for f in instance._meta.fields:
        if f.name in exclude or f.generated:
            continue
        raw_value = getattr(instance, f.attname)
        if (f.blank and raw_value in f.empty_values) or isinstance(raw_value, DatabaseDefault):
            continue
        key = (f, type(raw_value), _hashed(raw_value))
        try:
            value = cleaned.get(key, _MISSING)
        except TypeError:  # an unhashable value: not remembered
            key, value = None, _MISSING
        if value is _MISSING:
            try:
                value = f.clean(raw_value, instance)
            except ValidationError as e:
                errors[f.name] = e.error_list
                continue
            if key is not None:
                cleaned[key] = value
        setattr(instance, f.attname, list(value) if isinstance(value, list) else value)
    if errors:
        raise ValidationError(errors)


_MISSING = object()


def _hashed(value):
    """What tells ``value`` from every value that may clean differently: equal decimals of
    other exponents ("1.0", "1.000") differ; a list counts by its items."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return tuple(_hashed(item) for item in value)
    return value


def _clean(instance, *, exclude=(), cleaned=None):
    """``full_clean(exclude)`` without its queries (see above); ``cleaned`` as in
    ``_clean_fields``."""
    errors = {}
    cleaned = {} if cleaned is None else cleaned
    for step in (
        lambda: _clean_fields(instance, exclude=set(exclude), cleaned=cleaned),
        instance.clean,
    ):
        try:
            step()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    try:
        _check_constraints(instance, exclude={*exclude, *errors})
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


# --- the rows of each kind -----------------------------------------------------------------


class _Rows:
    """Turns the rows of one kind into ``Outcome``s, with what exists loaded up front in a
    few queries; with ``apply``, writes them (``write`` per row, or ``flush`` at the end)."""

    def __init__(self, spec, user, header, rows, *, apply):
        self.spec = spec
        self.user = user
        self.apply = apply
        self.header = header
        self.rows = rows
        self.seen = {}
        self.cleaned = {}  # see ``_clean_fields``
        self.editable = set(access.editable_vendors(user).values_list("pk", flat=True))

    def vendors_named(self, column):
        """``{lower-cased name: vendor}`` of the vendors the file's ``column`` names."""
        names = {
            _one_line(cells.get(column)).lower()
            for _n, cells in self.rows
            if not _blank(cells.get(column)) and cells.get(column) is not spreadsheets.FORMULA
        }
        found = {}
        for chunk in _chunks(sorted(names)):
            for vendor in Vendor.objects.annotate(key=Lower("name")).filter(key__in=chunk):
                found[vendor.key] = vendor
        return found

    # Cells of one model, assigned to ``instance``; changes recorded when it exists.
    def assign(self, outcome, instance, model, cells):
        values = {}
        for column, (column_model, name) in self.spec.columns.items():
            if column_model is not model or name == "vendor" or column not in cells:
                continue
            cell = cells[column]
            if _blank(cell):
                continue
            model_field = model._meta.get_field(name)
            try:
                value = _convert(model_field, cell)
            except ValidationError as error:
                for message in error.messages:
                    outcome.error(column, message)
                continue
            if value in ("", None):
                continue
            old = getattr(instance, name)
            if instance.pk is not None:
                if old == value:
                    continue
                outcome.changes[column] = [_shown(old), _shown(value)]
            values[name] = value
            setattr(instance, name, value)
        return values

    def validate(self, outcome, instance, model, *, exclude=()):
        # A cell that could not be read is reported once: its field is not validated again.
        unread = [
            name
            for column, (column_model, name) in self.spec.columns.items()
            if column_model is model and column in outcome.errors
        ]
        try:
            _clean(instance, exclude=[*exclude, *unread], cleaned=self.cleaned)
        except ValidationError as error:
            self.report(outcome, error, model)

    def report(self, outcome, error, model):
        columns = {name: column for column, (m, name) in self.spec.columns.items() if m is model}
        for name, messages in _messages(error).items():
            column = columns.get(name, ROW if name == NON_FIELD_ERRORS else name)
            for message in messages:
                outcome.error(column, message)

    def duplicate(self, outcome, key, column):
        first = self.seen.setdefault(key, outcome.row)
        if first != outcome.row:
            outcome.error(column, f"Row {first} of the file already has this.")
            return True
        return False

    def may_change(self, outcome, vendor_id, column):
        if vendor_id not in self.editable:
            outcome.error(
                column,
                "You may not change this vendor's records (ask its owner or an administrator).",
            )

    def flush(self):
        """Write what the rows collected (kinds that write in bulk)."""


def _bulk_save(model, records, *, user, fields=None):
    """Insert (``fields`` None) or update ``records`` in batches, with their history rows,
    as the services' saves would (signals aside: the caller marks the figures stale)."""
    if not records:
        return
    if fields is None:
        bulk_create_with_history(records, model, batch_size=BATCH, default_user=user)
        return
    now = timezone.now()
    for record in records:
        record.updated_at = now
    bulk_update_with_history(
        records, model, sorted({*fields, "updated_at"}), batch_size=BATCH, default_user=user
    )


class _VendorRows(_Rows):
    """Vendors and their contact, written in bulk: thousands of rows in a few statements."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vendors = self.vendors_named("name")
        self.contacts = {}
        ids = [vendor.pk for vendor in self.vendors.values()]
        for chunk in _chunks(ids):
            for contact in Contact.objects.filter(vendor_id__in=chunk).order_by(
                "vendor_id", "-is_primary", "id"
            ):
                self.contacts.setdefault(contact.vendor_id, []).append(contact)
        self.new_vendors, self.new_contacts = [], []
        self.changed_vendors, self.changed_contacts = {}, {}
        # vendor id -> its stored status, for the vendors whose status the file changes
        self.previous_status = {}

    def outcome(self, number, cells):
        name_cell = cells.get("name")
        outcome = Outcome(number, "" if _blank(name_cell) else _one_line(name_cell)[:200])
        if name_cell is spreadsheets.FORMULA:
            outcome.error("name", spreadsheets.FORMULA_MESSAGE)
            return outcome
        if _blank(name_cell):
            outcome.error("name", "Give the vendor's name.")
            return outcome
        key = outcome.key.lower()
        if self.duplicate(outcome, key, "name"):
            return outcome
        vendor = self.vendors.get(key) or Vendor(owner=self.user)
        outcome.new = vendor.pk is None
        stored_status = vendor.status
        data = self.assign(outcome, vendor, Vendor, cells)
        contact, contact_fields = self.contact(outcome, vendor, cells)
        if vendor.pk is not None and outcome.changes and not outcome.errors:
            self.may_change(outcome, vendor.pk, "name")
        if outcome.new or data:
            vendors.vendor_prepare(vendor)
            # The owner is the importer, who may own vendors (``import_create``).
            self.validate(outcome, vendor, Vendor, exclude=["owner"])
        if contact_fields is not None:
            self.validate(outcome, contact, Contact, exclude=["vendor"])
        if outcome.errors or not self.apply:
            return outcome
        if outcome.new:
            self.new_vendors.append(vendor)
        elif data:
            self.changed_vendors.setdefault(vendor.pk, (vendor, set()))[1].update(
                [*data, "review_cadence"]
            )
            if "status" in data:
                self.previous_status[vendor.pk] = stored_status
        if contact_fields is None:
            return outcome
        if contact.pk is None:
            self.new_contacts.append((contact, vendor))
        else:
            self.changed_contacts.setdefault(contact.pk, (contact, set()))[1].update(contact_fields)
        return outcome

    def contact(self, outcome, vendor, cells):
        """``(contact, fields)``: the row's contact (the vendor's primary contact, else its
        contact of that name, else a new primary contact; None when the row gives none) and
        the fields the row sets on it (None when it neither adds nor changes it)."""
        given = {c: cells.get(c) for c in cells if c.startswith("contact_")}
        if all(_blank(cell) for cell in given.values()):
            return None, None
        existing = self.contacts.get(vendor.pk, []) if vendor.pk else []
        wanted = _one_line(cells.get("contact_name") or "").lower()
        contact = next((c for c in existing if c.is_primary), None) or next(
            (c for c in existing if wanted and c.name.lower() == wanted), None
        )
        if contact is None:
            contact = Contact(vendor=vendor if vendor.pk else None, is_primary=True)
        data = self.assign(outcome, contact, Contact, cells)
        if contact.pk is not None and not contact.is_primary:
            contact.is_primary = True
            data["is_primary"] = True
            outcome.changes["contact_primary"] = ["no", "yes"]
        if contact.pk is None:
            if vendor.pk is not None:
                outcome.changes["contact_name"] = ["", contact.name]
            return contact, set(data)
        return contact, (set(data) or None)

    def flush(self):
        _bulk_save(Vendor, self.new_vendors, user=self.user)
        for contact, vendor in self.new_contacts:
            contact.vendor = vendor
        _bulk_save(Contact, [contact for contact, _vendor in self.new_contacts], user=self.user)
        for model, changed in ((Vendor, self.changed_vendors), (Contact, self.changed_contacts)):
            by_fields = {}
            for record, fields in changed.values():
                by_fields.setdefault(tuple(sorted(fields)), []).append(record)
            for fields, records in by_fields.items():
                _bulk_save(model, records, user=self.user, fields=fields)
        stale(
            [vendor.pk for vendor in self.new_vendors]
            + [vendor.pk for vendor, _fields in self.changed_vendors.values()]
        )
        self.emit_status_changes()

    def emit_status_changes(self):
        """``vendor.status_changed`` for each vendor whose status the file changed, as
        ``vendor_update`` emits it, in this transaction (the subscriptions read once)."""
        if not self.previous_status:
            return
        subscriptions = webhooks.active_subscriptions()
        if not subscriptions:
            return
        for vendor_id, previous in self.previous_status.items():
            vendor = self.changed_vendors[vendor_id][0]
            webhooks.emit(
                webhooks.EventType.VENDOR_STATUS_CHANGED,
                vendor=vendor_id,
                data=functools.partial(webhooks.vendor_data, vendor, previous_status=previous),
                subscriptions=subscriptions,
            )


class _VendorRecordRows(_Rows):
    """Rows of a record that belongs to a vendor, matched by vendor and ``match`` column."""

    model = None
    match = None  # the field matching a row to the vendor's existing record
    save = None  # the service saving one record (None: written in bulk by ``flush``)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vendors = self.vendors_named("vendor")
        self.records = {}
        ids = [vendor.pk for vendor in self.vendors.values()]
        for chunk in _chunks(ids):
            for record in self.model.objects.filter(vendor_id__in=chunk).order_by("id"):
                key = (record.vendor_id, self.key_of(getattr(record, self.match)))
                self.records.setdefault(key, []).append(record)
        self.new_records, self.changed_records = [], {}

    @staticmethod
    def key_of(value):
        return str(value).lower()

    def matched_value(self, outcome, cells):
        column = self.match
        cell = cells.get(column)
        if _blank(cell):
            outcome.error(column, "This column is required.")
            return None
        try:
            return _convert(self.model._meta.get_field(self.match), cell)
        except ValidationError as error:
            for message in error.messages:
                outcome.error(column, message)
            return None

    def outcome(self, number, cells):
        vendor_cell = cells.get("vendor")
        vendor_name = "" if _blank(vendor_cell) else _one_line(vendor_cell)
        outcome = Outcome(number, vendor_name[:200])
        if vendor_cell is spreadsheets.FORMULA:
            outcome.error("vendor", spreadsheets.FORMULA_MESSAGE)
        elif not vendor_name:
            outcome.error("vendor", "Give the vendor's name.")
        vendor = self.vendors.get(vendor_name.lower())
        if vendor_name and vendor_cell is not spreadsheets.FORMULA and vendor is None:
            outcome.error("vendor", f"No vendor is named \u201c{vendor_name[:200]}\u201d.")
        value = self.matched_value(outcome, cells)
        if value is not None:
            outcome.key = f"{vendor_name[:200]} / {_shown(value)[:200]}"
        if outcome.errors:
            return outcome
        if self.duplicate(outcome, (vendor.pk, self.key_of(value)), self.match):
            return outcome
        found = self.records.get((vendor.pk, self.key_of(value)), [])
        if len(found) > 1:
            outcome.error(
                self.match,
                f"The vendor has {len(found)} records matching this; change them in the app.",
            )
            return outcome
        record = found[0] if found else self.new_record(vendor)
        outcome.new = record.pk is None
        data = self.assign(outcome, record, self.model, cells)
        if not (outcome.new or outcome.changes or outcome.errors):
            return outcome
        if not outcome.errors:
            self.may_change(outcome, vendor.pk, "vendor")
        # The vendor (and a goal's owner) are set here, from what exists.
        self.validate(outcome, record, self.model, exclude=["vendor", "owner"])
        if outcome.errors or not self.apply:
            return outcome
        if self.save is None:
            if outcome.new:
                self.new_records.append(record)
            else:
                self.changed_records[record.pk] = (record, set(data))
            return outcome

        def write():
            record._history_user = self.user
            try:
                type(self).save(record)
            except ValidationError as error:
                self.report(outcome, error, self.model)

        outcome.write = write
        return outcome

    def new_record(self, vendor):
        return self.model(vendor=vendor)

    def flush(self):
        _bulk_save(self.model, self.new_records, user=self.user)
        by_fields = {}
        for record, fields in self.changed_records.values():
            by_fields.setdefault(tuple(sorted(fields)), []).append(record)
        for fields, records in by_fields.items():
            _bulk_save(self.model, records, user=self.user, fields=fields)
        stale(
            [record.vendor_id for record in self.new_records]
            + [record.vendor_id for record, _fields in self.changed_records.values()]
        )


class _SLATargetRows(_VendorRecordRows):
    # One by one: saving a target re-derives the due times of the vendor's incidents.
    model = SLATarget
    match = "priority"
    save = incidents.sla_target_save


class _ClauseRows(_VendorRecordRows):
    # In bulk: an import never sets an evidence file, the one thing ``clause_save`` adds.
    model = SecurityClause
    match = "clause_type"


class _GoalRows(_VendorRecordRows):
    model = Goal
    match = "title"
    save = goals.goal_save

    @staticmethod
    def key_of(value):
        return _one_line(value).lower()

    def new_record(self, vendor):
        return Goal(vendor=vendor, owner=self.user if access.is_internal(self.user) else None)


ROWS = {
    Kind.VENDORS: _VendorRows,
    Kind.SLA_TARGETS: _SLATargetRows,
    Kind.CLAUSES: _ClauseRows,
    Kind.GOALS: _GoalRows,
}


def _chunks(items, size=1000):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- reading the file -----------------------------------------------------------------------


def read_sheet(kind, name, content):
    """``(header, rows)`` of the file: ``header`` the columns (API field names), ``rows``
    ``[(row_number, {column: cell})]``. Raises ValidationError (on ``file``) when the file
    cannot be read or its columns are not those of ``kind``."""
    return _sheet_rows(kind, _read(name, content))


def _job_sheet(job):
    """The ``Sheet`` of the job: the one kept when its file was read (a job stored with its
    file, as before sheets were kept, has it read now)."""
    content = bytes(job.content)
    if spreadsheets.is_kept(content):
        return spreadsheets.unkeep(content)
    return _read(job.file_name, content)


def _read(name, content):
    """The ``Sheet`` of an uploaded file (never taken for a kept one)."""
    try:
        return spreadsheets.read(name, content, max_bytes=IMPORT_MAX_BYTES)
    except spreadsheets.SpreadsheetError as error:
        raise ValidationError({"file": str(error)}) from None


def _sheet_rows(kind, sheet):
    spec = SPECS[kind]
    header = [_one_line(column).lower().replace(" ", "_") for column in sheet.header]
    problems = []
    unknown = [column or "(blank)" for column in header if column not in spec.columns]
    if unknown:
        problems.append(
            f"Unknown column(s): {', '.join(unknown[:10])}. The columns of this kind are: "
            f"{', '.join(spec.columns)}."
        )
    doubled = sorted({column for column in header if column and header.count(column) > 1})
    if doubled:
        problems.append(f"Column(s) given twice: {', '.join(doubled)}.")
    missing = [column for column in spec.keys if column not in header]
    if missing:
        problems.append(f"Missing column(s): {', '.join(missing)}.")
    if problems:
        raise ValidationError({"file": " ".join(problems)})
    if not sheet.rows:
        raise ValidationError({"file": "The file has a header row but no rows."})
    rows = [(number, dict(zip(header, cells, strict=True))) for number, cells in sheet.rows]
    return header, rows


# --- the job --------------------------------------------------------------------------------


def import_create(*, user, kind, file_name, content, dry_run=True):
    """Store a new ``ImportJob`` for the file and check it (at once when small, else in a
    worker); with ``dry_run=False`` a clean file is applied right after its check.

    Raises ValidationError on ``kind`` or ``file`` when there is nothing to check.
    """
    if not access.can_write(user):
        raise ValidationError("Only administrators and managers may import.")
    if kind not in SPECS:
        raise ValidationError({"kind": f"Choose one of: {', '.join(SPECS)}."})
    # Read once: the job keeps the rows read, for the check and the confirmation.
    sheet = _read(file_name, content)
    _header, rows = _sheet_rows(kind, sheet)
    job = ImportJob.objects.create(
        kind=kind,
        file_name=text.file_name(file_name)[:255] or "import",
        content=spreadsheets.keep(sheet),
        created_by=user,
        total_rows=len(rows),
    )
    if len(rows) <= INLINE_ROWS:
        import_check(job.pk, apply=not dry_run)
        job.refresh_from_db()
    else:
        _enqueue(IMPORT_CHECK_TASK, job.pk, not dry_run)
    return job


def import_check(job_id, *, apply=False):
    """Check the job's rows and store its preview (a worker's entry point too). Safe to run
    twice: a job already checked is left as it is."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status not in (Status.PENDING, Status.CHECKING):
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=Status.CHECKING, done_rows=0)
    try:
        outcomes = _run(job, apply=False)
    except ValidationError as error:
        _finish(job, status=Status.FAILED, error=" ".join(_messages(error).get("file", [])))
        return job
    except Exception:
        log.exception("Import %s: the check failed", job.pk)
        _finish(job, status=Status.FAILED, error="The check stopped on an unexpected error.")
        return job
    summary = _summary(outcomes)
    status = Status.INVALID if summary["errors"] else Status.PREVIEWED
    _finish(job, status=status, outcomes=outcomes)
    if apply and status == Status.PREVIEWED:
        import_confirm(job, user=job.created_by)
    return job


def import_confirm(job, *, user):
    """Apply a previewed job (claimed once: a second confirmation does nothing). Small jobs
    are applied now, large ones by a worker. Raises ValidationError when it is not
    waiting for confirmation or ``user`` may not confirm it."""
    if user is None or job.created_by_id != user.pk or not access.can_write(user):
        raise ValidationError("Only the person who uploaded this file may confirm it.")
    claimed = ImportJob.objects.filter(pk=job.pk, status=Status.PREVIEWED).update(
        status=Status.APPLYING, done_rows=0
    )
    if not claimed:
        raise ValidationError(
            f"This import cannot be confirmed: it is \u201c{job.get_status_display()}\u201d."
        )
    if job.total_rows <= INLINE_ROWS:
        import_apply(job.pk)
    else:
        _enqueue(IMPORT_APPLY_TASK, job.pk)
    job.refresh_from_db()
    return job


def import_apply(job_id, *, worker=False):
    """Apply the rows of a job being applied, all in one transaction (a worker's entry point
    too, with ``worker``: its progress is then recorded where the page sees it). Every row
    is validated again; if one is refused nothing is written and the job shows the errors.
    Safe to run twice: a second run waits for the first and finds the job applied."""
    try:
        with transaction.atomic(), deferred():
            _lock(job_id)
            job = ImportJob.objects.filter(pk=job_id).first()
            if job is None or job.status != Status.APPLYING:
                return job
            outcomes = _run(job, apply=True, worker=worker)
            summary = _summary(outcomes)
            if summary["errors"]:
                raise _Refused(outcomes)
            ImportJob.objects.filter(pk=job.pk).update(
                status=Status.APPLIED,
                applied_at=timezone.now(),
                done_rows=job.total_rows,
                summary=summary,
                rows=[outcome.as_json() for outcome in outcomes],
                content=b"",
                error="",
            )
    except _Refused as refused:
        job = ImportJob.objects.get(pk=job_id)
        _finish(job, status=Status.INVALID, outcomes=refused.outcomes)
    except IntegrityError:
        # A record added by someone else meanwhile, under a key the file adds too.
        job = ImportJob.objects.get(pk=job_id)
        _finish(
            job,
            status=Status.FAILED,
            error="A record in this file was added by someone else meanwhile: nothing was "
            "written; upload the file again to see it as a change.",
        )
    except ValidationError as error:
        job = ImportJob.objects.get(pk=job_id)
        _finish(job, status=Status.FAILED, error=" ".join(_messages(error).get("file", [])))
    except Exception:
        log.exception("Import %s: applying it failed", job_id)
        job = ImportJob.objects.get(pk=job_id)
        _finish(
            job,
            status=Status.FAILED,
            error="Applying stopped on an unexpected error: nothing was written.",
        )
    return ImportJob.objects.filter(pk=job_id).first()


def _lock(job_id):
    """Hold the job for this transaction (PostgreSQL; SQLite runs one writer at a time).

    An advisory lock rather than a row lock: the progress, written on a connection of its
    own, must still be able to update the job's row."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_SPACE, job_id])


_LOCK_SPACE = 16_016


class _Refused(Exception):
    def __init__(self, outcomes):
        super().__init__("rows refused")
        self.outcomes = outcomes


def _run(job, *, apply, worker=False):
    """The ``Outcome`` of each row of the job's file; with ``apply``, each row written."""
    user = job.created_by
    if user is None or not access.can_write(user):
        raise ValidationError({"file": "The person who uploaded this file may no longer import."})
    sheet = _job_sheet(job)
    _header, rows = _sheet_rows(job.kind, sheet)
    if not apply and not spreadsheets.is_kept(bytes(job.content)):
        # A job stored with its file (not through ``import_create``): keep what was read.
        ImportJob.objects.filter(pk=job.pk).update(content=spreadsheets.keep(sheet))
    if job.total_rows != len(rows):
        job.total_rows = len(rows)
        ImportJob.objects.filter(pk=job.pk).update(total_rows=len(rows))
    builder = ROWS[job.kind](SPECS[job.kind], user, _header, rows, apply=apply)
    progress = _Progress(job, side_connection=apply and worker)
    outcomes = []
    for index, (number, cells) in enumerate(rows, start=1):
        outcome = builder.outcome(number, cells)
        if apply and outcome.write is not None:
            outcome.write()
        outcomes.append(outcome)
        progress.at(index)
    progress.close()
    if apply and not any(outcome.errors for outcome in outcomes):
        builder.flush()
    return outcomes


class _Progress:
    """Records how far a job has gone every ``PROGRESS_EVERY`` rows, where the page can read
    it: while applying, the writes are in a transaction nobody else sees until it commits,
    so on PostgreSQL the progress goes through a connection of its own."""

    def __init__(self, job, *, side_connection):
        self.job = job
        self.side = None
        if side_connection and connection.vendor == "postgresql":
            self.side = connections.create_connection("default")

    def at(self, done):
        if done % PROGRESS_EVERY:
            return
        if self.side is None:
            if not connection.in_atomic_block:
                ImportJob.objects.filter(pk=self.job.pk).update(done_rows=done)
            return
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET done_rows = %s WHERE id = %s",
                [done, self.job.pk],
            )

    def close(self):
        if self.side is not None:
            self.side.close()


def _summary(outcomes):
    summary = {"new": 0, "changed": 0, "unchanged": 0, "errors": 0}
    for outcome in outcomes:
        action = outcome.action
        summary["errors" if action == "error" else action] += 1
    return summary


def _finish(job, *, status, outcomes=None, error=""):
    values = {"status": status, "error": error, "done_rows": job.total_rows}
    if outcomes is not None:
        values["summary"] = _summary(outcomes)
        values["rows"] = [outcome.as_json() for outcome in outcomes]
    if status in (Status.INVALID, Status.FAILED):
        values["content"] = b""
    ImportJob.objects.filter(pk=job.pk).update(**values)
    for name, value in values.items():
        setattr(job, name, value)


def _enqueue(name, *args):
    """Queue the task once the job is committed; without a broker, run it here."""

    def publish():
        published = broker.publish([broker.task(name, *args)])
        if published.error is not None:
            log.warning("Import %s: no broker (%s); running it here", args[0], published.error)
            if name == IMPORT_CHECK_TASK:
                import_check(args[0], apply=args[1])
            else:
                import_apply(args[0], worker=True)

    transaction.on_commit(publish)


# --- templates ------------------------------------------------------------------------------


def template_rows(kind):
    """``(header, rows)`` of the downloadable template of ``kind``: its columns and example
    rows (as lists of cells)."""
    spec = SPECS[kind]
    header = list(spec.columns)
    return header, [[example.get(column, "") for column in header] for example in spec.examples]


def template_file(kind, file_format):
    """The template of ``kind`` as ``file_format`` ("csv" or "xlsx") bytes."""
    header, rows = template_rows(kind)
    if file_format == "csv":
        return spreadsheets.write_csv(header, rows)
    return spreadsheets.write_xlsx(header, rows, title=SPECS[kind].kind)


def accepted_formats():
    """The file extensions an import accepts, for the pages and the API to show."""
    return spreadsheets.FORMATS
