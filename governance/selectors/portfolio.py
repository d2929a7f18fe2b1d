"""The portfolio-wide lists (incidents, reviews, clauses, goals) and the clause-gap matrix,
each in a person's scope: their own vendors, their team's, or all they may see.

"Team" is the vendors a person owns, those they are assigned to as a manager
(``Vendor.managers``), and those owned by anyone who shares one of their Django auth groups
(an organisation models its teams as groups). Every scope is a subset of what
``access.vendors_for`` lets the person read; a vendor representative reads none of it.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, F, Max, OuterRef, Q
from django.utils import timezone

from governance.domain import access
from governance.models import (
    ClauseType,
    Goal,
    Incident,
    ListScope,
    RequiredClause,
    Review,
    SecurityClause,
    Vendor,
)
from governance.selectors.incidents import incidents_with_breach_flags
from governance.selectors.scoping import count_subquery

# --- scope ---------------------------------------------------------------------------------


def vendors_in_scope(user, scope):
    """The vendors ``user`` may read (``access.vendors_for``) narrowed to ``scope``
    (a ``ListScope``): ``mine`` those they own; ``team`` those they own or are assigned to,
    or whose owner shares one of their auth groups; ``all`` (or anything else) every one."""
    return access.vendors_for(user).filter(scope_condition(user, scope))


def scope_condition(user, scope, prefix=""):
    """The filter (``Q``) of ``scope`` on a vendor, or on the vendor of a record through
    ``prefix`` (``"vendor__"``): what ``vendors_in_scope`` narrows by."""
    if scope == ListScope.MINE:
        return Q(**{f"{prefix}owner_id": user.pk})
    if scope == ListScope.TEAM:
        assigned = Vendor.managers.through.objects.filter(user_id=user.pk).values("vendor_id")
        teammates = (
            get_user_model().objects.filter(groups__in=user.groups.values("pk")).values("pk")
        )
        return (
            Q(**{f"{prefix}owner_id": user.pk})
            | Q(**{f"{prefix}pk__in": assigned})
            | Q(**{f"{prefix}owner_id__in": teammates})
        )
    return Q()


def narrowed(rows, vendors):
    """``rows`` (with a ``vendor``) of ``vendors`` only. The whole portfolio narrows nothing:
    no subquery then (it would join every row to the vendor table before a page could be
    read from an index)."""
    if vendors.query.has_filters() or vendors.query.is_sliced:
        return rows.filter(vendor__in=vendors.values("pk"))
    return rows


def _of(model, user, scope):
    return narrowed(model.objects.all(), vendors_in_scope(user, scope))


def _by_vendor(rows, filters):
    """``rows`` narrowed to the typed vendor (a name typed, or an id from a link)."""
    if filters.get("vendor"):
        rows = rows.filter(vendor_id=filters["vendor"])
    if name := (filters.get("vendor_name") or "").strip():
        rows = rows.filter(vendor__name__icontains=name)
    return rows


# The sortable columns that may be empty: empty last in either direction. The others are
# ordered plainly, so that the indexes on them (ascending or descending) serve the order.
NULLABLE_ORDERS = {"resolution_due_at", "overall_score", "expires_on", "next_verification_due"}


def _sorted(rows, sort, orders, default):
    """``rows`` in the order of the whitelisted ``sort`` key (``-`` first: descending), each
    order ending with the primary key so that pages never repeat or skip a row."""
    key = sort if sort and sort.lstrip("-") in orders else default
    descending = key.startswith("-")

    def order(name):
        if name in NULLABLE_ORDERS:
            field = F(name)
            return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
        return f"-{name}" if descending else name

    return rows.order_by(*(order(name) for name in orders[key.lstrip("-")]), order("pk"))


# --- incidents -----------------------------------------------------------------------------

# The status filter: each choice once, by what a person means ("open" is every incident not
# yet resolved, as the dashboard counts them; "new" the status Open alone).
INCIDENT_STATUSES = {
    "open": ("Not resolved", Incident.OPEN_STATUSES),
    "new": ("Open, not yet acknowledged", (Incident.Status.OPEN,)),
    **{
        status: (label, (status,))
        for status, label in Incident.Status.choices
        if status != Incident.Status.OPEN
    },
}
INCIDENT_ORDERS = {
    "opened": ("opened_at",),
    "priority": ("priority", "opened_at"),
    "vendor": ("vendor__name", "opened_at"),
    "due": ("resolution_due_at",),
    "status": ("status", "opened_at"),
}


def portfolio_incidents(user, *, scope, filters, now=None):
    """Incidents of the vendors in ``scope``, with breach flags, narrowed by ``filters``
    (``status``, ``breach``, ``priority``, ``category``, the typed vendor) and sorted by the
    whitelisted ``sort`` (newest first by default)."""
    now = now or timezone.now()
    rows = incidents_with_breach_flags(_of(Incident, user, scope), now=now)
    if statuses := INCIDENT_STATUSES.get(filters.get("status") or ""):
        rows = rows.filter(status__in=statuses[1])
    if filters.get("breach"):
        # A target passed and the incident is still open: what needs a person now.
        rows = rows.filter(status__in=Incident.OPEN_STATUSES).filter(
            Incident.target_breached("response_due_at", "acknowledged_at", now)
            | Incident.target_breached("resolution_due_at", "resolved_at", now)
        )
    if filters.get("priority"):
        rows = rows.filter(priority=filters["priority"])
    if filters.get("category"):
        rows = rows.filter(category=filters["category"])
    rows = _by_vendor(rows, filters).select_related("vendor", "vendor__owner")
    return _sorted(rows, filters.get("sort"), INCIDENT_ORDERS, "-opened")


# --- reviews -------------------------------------------------------------------------------

REVIEW_STATUSES = {
    "open": ("Scheduled or in progress", Review.OPEN_STATUSES),
    **{status: (label, (status,)) for status, label in Review.Status.choices},
}
# When an open review is due: before today, or from today to the dashboard's horizon.
REVIEW_DUE = {
    "overdue": "Overdue",
    "upcoming": "Due in the next 30 days",
    "soon": "Overdue or due in the next 30 days",
}
REVIEW_DUE_DAYS = 30
REVIEW_ORDERS = {
    "scheduled": ("scheduled_for",),
    "vendor": ("vendor__name", "scheduled_for"),
    "status": ("status", "scheduled_for"),
    "score": ("overall_score", "scheduled_for"),
}


def portfolio_reviews(user, *, scope, filters, today=None):
    """Reviews of the vendors in ``scope`` narrowed by ``filters`` (``status``, ``due``, the
    typed vendor), by scheduled date (soonest first) unless sorted otherwise."""
    today = today or timezone.localdate()
    rows = _of(Review, user, scope)
    if statuses := REVIEW_STATUSES.get(filters.get("status") or ""):
        rows = rows.filter(status__in=statuses[1])
    due = filters.get("due")
    if due in REVIEW_DUE:
        rows = rows.filter(status__in=Review.OPEN_STATUSES)
        horizon = today + dt.timedelta(days=REVIEW_DUE_DAYS)
        if due == "overdue":
            rows = rows.filter(scheduled_for__lt=today)
        elif due == "upcoming":
            rows = rows.filter(scheduled_for__gte=today, scheduled_for__lte=horizon)
        else:
            rows = rows.filter(scheduled_for__lte=horizon)
    rows = _by_vendor(rows, filters).select_related("vendor", "reviewer")
    return _sorted(rows, filters.get("sort"), REVIEW_ORDERS, "scheduled")


# --- clauses -------------------------------------------------------------------------------

CLAUSE_ORDERS = {
    "expires": ("expires_on",),
    "vendor": ("vendor__name", "clause_type"),
    "type": ("clause_type", "vendor__name"),
    "status": ("status", "vendor__name"),
    "verification": ("next_verification_due",),
}


def portfolio_clauses(user, *, scope, filters, today=None):
    """Security clauses of the vendors in ``scope`` narrowed by ``filters`` (``type``,
    ``status``, ``expiring`` days: as the dashboard's panel, a clause expiring or due for
    verification within that many days, overdue included; the typed vendor), soonest expiry
    first unless sorted otherwise."""
    today = today or timezone.localdate()
    rows = narrowed(SecurityClause.objects.all(), vendors_in_scope(user, scope))
    if filters.get("expiring") is not None:
        # The clauses of the dashboard's panel (``dashboard.expiring_clauses``; a test keeps
        # the two counts equal).
        horizon = today + dt.timedelta(days=filters["expiring"])
        rows = rows.exclude(status=SecurityClause.Status.MISSING).filter(
            Q(expires_on__lte=horizon) | Q(next_verification_due__lte=horizon)
        )
    if filters.get("type"):
        rows = rows.filter(clause_type=filters["type"])
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    rows = _by_vendor(rows, filters).select_related("vendor")
    return _sorted(rows, filters.get("sort"), CLAUSE_ORDERS, "expires")


# --- goals ---------------------------------------------------------------------------------

GOAL_STATUSES = {
    "active": ("Active (agreed, on track, at risk)", Goal.ACTIVE_STATUSES),
    **{status: (label, (status,)) for status, label in Goal.Status.choices},
}
GOAL_ORDERS = {
    "due": ("due_date",),
    "vendor": ("vendor__name", "due_date"),
    "status": ("status", "due_date"),
    "title": ("title",),
}


def portfolio_goals(user, *, scope, filters, today=None):
    """Goals of the vendors in ``scope`` narrowed by ``filters`` (``status``, ``due_within``
    days: active goals due by then, overdue included; the typed vendor), soonest due first
    unless sorted otherwise."""
    today = today or timezone.localdate()
    rows = _of(Goal, user, scope)
    if statuses := GOAL_STATUSES.get(filters.get("status") or ""):
        rows = rows.filter(status__in=statuses[1])
    if filters.get("due_within") is not None:
        rows = rows.filter(
            status__in=Goal.ACTIVE_STATUSES,
            due_date__lte=today + dt.timedelta(days=filters["due_within"]),
        )
    rows = _by_vendor(rows, filters).select_related("vendor", "owner")
    return _sorted(rows, filters.get("sort"), GOAL_ORDERS, "due")


# --- the clause-gap matrix -----------------------------------------------------------------


class Cell:
    """What one cell of the matrix says."""

    IN_FORCE = "in_force"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    MISSING = "missing"
    NOT_REQUIRED = "not_required"

    LABELS = {
        IN_FORCE: "In force",
        EXPIRING: "Expiring",
        EXPIRED: "Expired",
        MISSING: "Missing",
        NOT_REQUIRED: "",
    }


@dataclass(frozen=True)
class GapCell:
    state: str
    clause: object = None  # the vendor's clause of that type, if any

    @property
    def label(self):
        return Cell.LABELS[self.state]

    @property
    def is_gap(self):
        return self.state in (Cell.MISSING, Cell.EXPIRED)

    @property
    def detail(self):
        """The date or status that goes with the state: an expiry, or why it is missing."""
        clause = self.clause
        if clause is None:
            return ""
        if self.state in (Cell.EXPIRING, Cell.EXPIRED, Cell.IN_FORCE) and clause.expires_on:
            return clause.expires_on
        if self.state == Cell.MISSING and clause.status != SecurityClause.Status.MISSING:
            return clause.get_status_display()
        return ""


@dataclass(frozen=True)
class Column:
    clause_type: str
    label: str
    tiers: frozenset  # the tiers that require it
    lacking: int = 0  # vendors (of the filtered set) requiring it without one in force
    expiring: int = 0  # in force, expiring within the quarter
    expired: int = 0


def quarter_end(day):
    """The last day of ``day``'s calendar quarter."""
    last_month = (day.month - 1) // 3 * 3 + 3
    if last_month == 12:
        return dt.date(day.year, 12, 31)
    return dt.date(day.year, last_month + 1, 1) - dt.timedelta(days=1)


def required_types():
    """``{clause_type: frozenset(tiers requiring it)}`` for every type some tier requires,
    in the order of their labels. One query."""
    tiers = {}
    for tier, clause_type in RequiredClause.objects.values_list("tier", "clause_type"):
        tiers.setdefault(clause_type, set()).add(tier)
    labels = dict(ClauseType.choices)
    return {kind: frozenset(tiers[kind]) for kind in sorted(tiers, key=lambda k: labels.get(k, k))}


def _gap_condition(user, scope, filters, prefix=""):
    """The matrix's vendors (in ``scope``, not ended, of the tier and name in ``filters``) as
    a filter on a vendor, or on a record's vendor through ``prefix``."""
    condition = scope_condition(user, scope, prefix) & ~Q(
        **{f"{prefix}status": Vendor.Status.ENDED}
    )
    if filters.get("tier"):
        condition &= Q(**{f"{prefix}tier": filters["tier"]})
    if name := (filters.get("vendor_name") or "").strip():
        condition &= Q(**{f"{prefix}name__icontains": name})
    return condition


def gap_vendors(user, *, scope, filters, today=None):
    """The matrix's rows: vendors in ``scope`` narrowed by ``filters`` (``tier``, the typed
    name, ``gaps``: only vendors lacking a required clause in force), each annotated
    ``required_count`` and ``covered_count`` (required types in force on ``today``), by name.
    A relationship that has ended requires nothing any more: it is left out."""
    today = today or timezone.localdate()
    vendors = access.vendors_for(user).filter(_gap_condition(user, scope, filters))
    required = RequiredClause.objects.filter(tier=OuterRef("tier"))
    vendors = vendors.annotate(
        required_count=count_subquery(required),
        covered_count=count_subquery(
            SecurityClause.objects.filter(
                SecurityClause.in_force_on(today),
                vendor_id=OuterRef("pk"),
                clause_type__in=RequiredClause.objects.filter(
                    tier=OuterRef(OuterRef("tier"))
                ).values("clause_type"),
            )
        ),
    )
    if filters.get("gaps"):
        vendors = vendors.filter(covered_count__lt=F("required_count"))
    return vendors.select_related("owner").order_by("name", "pk")


def _state(clause, *, today, quarter_end_day):
    if clause is None:
        return Cell.MISSING
    if clause.status not in SecurityClause.COVERING_STATUSES:
        return Cell.MISSING
    if clause.expires_on is not None and clause.expires_on < today:
        return Cell.EXPIRED
    if clause.expires_on is not None and clause.expires_on <= quarter_end_day:
        return Cell.EXPIRING
    return Cell.IN_FORCE


def gap_rows(vendors, columns, *, today=None):
    """``[(vendor, [GapCell per column])]`` for ``vendors`` (a page of them): one query for
    their clauses of the columns' types."""
    today = today or timezone.localdate()
    end = quarter_end(today)
    vendors = list(vendors)
    clauses = {
        (clause.vendor_id, clause.clause_type): clause
        # Unordered: the clauses' own order (by vendor name) joined every vendor to sort them.
        for clause in SecurityClause.objects.filter(
            vendor_id__in=[vendor.pk for vendor in vendors], clause_type__in=list(columns)
        )
        .only("vendor_id", "clause_type", "status", "expires_on")
        .order_by()
    }
    rows = []
    for vendor in vendors:
        cells = []
        for kind, tiers in columns.items():
            if vendor.tier not in tiers:
                cells.append(GapCell(Cell.NOT_REQUIRED, clauses.get((vendor.pk, kind))))
                continue
            clause = clauses.get((vendor.pk, kind))
            cells.append(GapCell(_state(clause, today=today, quarter_end_day=end), clause))
        rows.append((vendor, cells))
    return rows


def gap_columns(user, columns, *, scope, filters, today=None):
    """``[Column]``: per required type, how many of the matrix's vendors (``gap_vendors``,
    every page) lack it in force, have it expiring within the quarter, or have it expired.

    Counted over every vendor's clauses (76 ms at 10,000 vendors), so the whole portfolio's
    totals are kept in the cache (``GAP_TOTALS_SECONDS``) under a key that any change to
    what they count changes: the day, the filters, the required types, and the latest clause
    and vendor history rows (every write through the application records one, in the
    writer's transaction). Two small queries when kept; a person's own or team's vendors are
    counted each time (``_gap_columns``)."""
    today = today or timezone.localdate()
    if scope != ListScope.ALL or not access.reads_whole_portfolio(user):
        return _gap_columns(user, columns, scope=scope, filters=filters, today=today)
    key = _gap_totals_key(columns, filters, today)
    found = cache.get(key)
    if found is None:
        found = _gap_columns(user, columns, scope=scope, filters=filters, today=today)
        cache.set(key, found, GAP_TOTALS_SECONDS)
    return found


# How long the whole portfolio's gap totals are kept when nothing they count changes.
GAP_TOTALS_SECONDS = 15 * 60


def _gap_totals_key(columns, filters, today):
    latest = [
        model.history.aggregate(latest=Max("history_id"))["latest"]
        for model in (SecurityClause, Vendor)
    ]
    asked = {
        "tier": filters.get("tier") or "",
        "name": (filters.get("vendor_name") or "").strip().casefold(),
        "gaps": bool(filters.get("gaps")),
    }
    described = repr(
        (sorted((kind, sorted(tiers)) for kind, tiers in columns.items()), asked, today, latest)
    )
    return "gap-totals:" + hashlib.sha256(described.encode()).hexdigest()


def _gap_columns(user, columns, *, scope, filters, today):
    """``gap_columns`` counted: two grouped queries, each reading its table once (the
    vendors' conditions on the join, no subquery of them), whatever the number of vendors."""
    end = quarter_end(today)
    readable = access.vendors_for(user)
    vendors = readable.filter(_gap_condition(user, scope, filters))
    clauses = narrowed(SecurityClause.objects.all(), readable).filter(
        _gap_condition(user, scope, filters, "vendor__"), clause_type__in=list(columns)
    )
    if filters.get("gaps"):
        lacking = gap_vendors(user, scope=scope, filters=filters, today=today).values("pk")
        vendors = vendors.filter(pk__in=lacking)
        clauses = clauses.filter(vendor__in=lacking)
    per_tier = dict(
        vendors.order_by().values("tier").annotate(n=Count("pk")).values_list("tier", "n")
    )
    in_force = SecurityClause.in_force_on(today)
    states = (
        clauses.values("vendor__tier", "clause_type")
        .annotate(
            in_force=Count("pk", filter=in_force),
            expiring=Count("pk", filter=in_force & Q(expires_on__lte=end)),
            expired=Count(
                "pk",
                filter=Q(status__in=SecurityClause.COVERING_STATUSES, expires_on__lt=today),
            ),
        )
        .order_by()
    )
    counts = {(row["vendor__tier"], row["clause_type"]): row for row in states}
    labels = dict(ClauseType.choices)
    found = []
    for kind, tiers in columns.items():
        required = sum(per_tier.get(tier, 0) for tier in tiers)
        of_kind = [counts[(tier, kind)] for tier in tiers if (tier, kind) in counts]
        covered = sum(row["in_force"] for row in of_kind)
        found.append(
            Column(
                clause_type=kind,
                label=labels.get(kind, kind),
                tiers=tiers,
                lacking=required - covered,
                expiring=sum(row["expiring"] for row in of_kind),
                expired=sum(row["expired"] for row in of_kind),
            )
        )
    return found
