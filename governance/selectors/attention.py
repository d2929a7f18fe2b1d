"""The dashboard's "Needs attention": what needs a person now, most urgent first, grouped by
vendor, without what that person set aside (``AttentionDismissal``).

Two tiers. First what is running now: an open incident past a response or resolution target
it has not met, and a security incident's notification clock still waiting (running or past
its deadline); by priority (P1 first), then by how close the moment is to now (the least
time left, or the freshest breach: an old one has been seen already). Then the rest: reviews,
clauses, goals and notice deadlines, the overdue ones first (the most recent first), then
the coming ones (the soonest first).

Every kind is read by a query of its own that filters, orders and cuts in the database (the
person's dismissals excluded there too), so the work stays the same however many rows there
are: each kind gives at most ``per_kind`` candidates, which are merged here.
"""

import dataclasses
import datetime as dt

from django.db.models import Case as CaseWhen
from django.db.models import (
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat

from governance.domain.dates import day_text
from governance.domain.models.clauses import first_deadline
from governance.domain.notification import describe_clock, is_unanswered
from governance.models import (
    AttentionDismissal,
    Goal,
    Incident,
    Priority,
    Review,
    SecurityClause,
)
from governance.selectors.notification import notification_clocks
from governance.selectors.vendors import vendors_with_figures

# How far ahead the second tier looks, per kind (the dashboard's panels look as far).
REVIEWS_AHEAD_DAYS = 30
CLAUSES_AHEAD_DAYS = 60
GOALS_AHEAD_DAYS = 14
NOTICE_AHEAD_DAYS = 120

# What each reason is called on the page.
REASONS = {
    "response_breached": "Response target breached",
    "resolution_breached": "Resolution target breached",
    "vendor_notification_due": "Vendor's notice due",
    "vendor_notification_overdue": "Vendor's notice overdue",
    "authority_notification_due": "Our authority notice due",
    "authority_notification_overdue": "Our authority notice overdue",
    "review_overdue": "Review overdue",
    "review_due": "Review due",
    "clause_expired": "Clause expired",
    "clause_expiring": "Clause expiring",
    "verification_overdue": "Verification overdue",
    "verification_due": "Verification due",
    "goal_overdue": "Goal overdue",
    "goal_at_risk": "Goal at risk",
    "goal_due": "Goal due",
    "notice_missed": "Notice deadline passed",
    "notice_due": "Notice deadline",
}
PRIORITY_RANK = {priority: rank for rank, priority in enumerate(Priority.values)}
# The second tier has no priority: it comes after every priority of the first.
NO_PRIORITY = len(PRIORITY_RANK)


@dataclasses.dataclass
class AttentionItem:
    """One thing that needs a person: ``key`` (``<kind>:<id>:<reason>``) names it and why,
    as a dismissal stores it; ``at`` is the moment it is about (a deadline, a breach)."""

    key: str
    reason: str
    record: object
    vendor: object
    title: str
    at: dt.datetime
    running: bool
    priority: str = ""
    detail: str = ""
    url: str = ""  # set by the page

    @property
    def kind(self):
        return self.record._meta.model_name

    @property
    def label(self):
        return REASONS[self.reason]

    @property
    def overdue(self):
        return self.reason.endswith(("_breached", "_overdue", "_expired", "_missed"))

    def urgency(self, now):
        """The sort key: running first, by priority, then the closest to ``now`` (for the
        second tier: overdue before coming)."""
        distance = abs(now - self.at)
        if self.running:
            return (0, PRIORITY_RANK.get(self.priority, NO_PRIORITY), distance)
        return (1, 0 if self.overdue else 1, distance)


@dataclasses.dataclass
class AttentionGroup:
    """One vendor's items, most urgent first."""

    vendor: object
    items: list


def needs_attention(user, vendors, *, now, today, per_kind=50, per_vendor=None):
    """The items of ``vendors`` that need ``user`` (those they set aside left out), most urgent
    first: at most ``per_kind`` of each kind and state, and with ``per_vendor`` at most that
    many of one vendor in each (so that one vendor's many breaches leave room for the next
    vendors': grouped by vendor, the first ``per_kind / per_vendor`` groups are exact). A
    fixed number of queries: one per kind and state, plus two for the notification clocks."""
    cut = Cut(per_kind, per_vendor)
    hidden = AttentionDismissal.objects.filter(user=user).filter(
        Q(until__isnull=True) | Q(until__gt=now)
    )

    items = []
    items += _breaches(vendors, now, cut, hidden)
    items += _clocks(vendors, now, cut, hidden)
    items += _reviews(vendors, today, cut, hidden)
    items += _clauses(vendors, today, cut, hidden)
    items += _goals(vendors, today, cut, hidden)
    items += _notices(vendors, today, cut, hidden)
    items.sort(key=lambda item: (*item.urgency(now), item.key))
    return items


@dataclasses.dataclass(frozen=True)
class Cut:
    """How many rows a kind's query reads: ``limit`` in all, ``per_vendor`` of one vendor."""

    limit: int
    per_vendor: int | None = None

    @property
    def candidates(self):
        """How many rows, most urgent first, the cut per vendor is made from: as many as
        ``limit`` vendors may have (more rows build more records: 200 took 20-40 ms a kind
        at 10,000 vendors)."""
        return self.limit * self.per_vendor if self.per_vendor else self.limit


def _first(queryset, cut, *order):
    """The first ``cut.limit`` rows of ``queryset`` in ``order`` (then by key), at most
    ``cut.per_vendor`` of one vendor when set: cut per vendor here (``_cut``), from the first
    ``cut.candidates`` rows (numbering every vendor's rows in the database read all of them:
    150-200 ms at 10,000 vendors)."""
    return _cut(_candidates(queryset, cut, *order), cut)


def _candidates(queryset, cut, *order):
    """The rows of ``queryset`` that ``_cut`` may keep, in ``order`` then by key (ascending
    unless ``order`` names it: a list read backwards along an index ends with ``-pk``)."""
    if not {"pk", "-pk"} & {term for term in order if isinstance(term, str)}:
        order = (*order, "pk")
    order = [_ordering(term) for term in order]
    return list(queryset.order_by(*order)[: cut.candidates])


def _cut(rows, cut):
    """The first ``cut.limit`` of ``rows`` (in order), at most ``cut.per_vendor`` of one
    vendor when set. Only vendors with more than ``cut.per_vendor`` rows each among the first
    ``cut.candidates`` would leave the cut short."""
    if not cut.per_vendor:
        return rows[: cut.limit]
    kept, taken = [], {}
    for row in rows:
        taken[row.vendor_id] = taken.get(row.vendor_id, 0) + 1
        if taken[row.vendor_id] <= cut.per_vendor:
            kept.append(row)
            if len(kept) == cut.limit:
                break
    return kept


def _ordering(term):
    if isinstance(term, str):
        return F(term[1:]).desc() if term.startswith("-") else F(term).asc()
    return term


def group_by_vendor(items):
    """``[AttentionGroup]``: each vendor's items together, the vendor with the most urgent
    item first (``items`` come most urgent first)."""
    groups = {}
    for item in items:
        groups.setdefault(item.vendor.pk, AttentionGroup(item.vendor, [])).items.append(item)
    return list(groups.values())


# --- the kinds -------------------------------------------------------------------------------


def _not_hidden(queryset, hidden, prefix, reason):
    """``queryset`` annotated with ``attention_reason`` (an expression or a fixed text) and
    without the rows whose key (``<prefix>:<id>:<reason>``) the person set aside."""
    reason = reason if hasattr(reason, "resolve_expression") else Value(reason)
    queryset = queryset.annotate(
        attention_reason=reason,
        attention_key=Concat(
            Value(f"{prefix}:"),
            Cast("pk", CharField()),
            Value(":"),
            reason,
            output_field=CharField(),
        ),
    )
    return queryset.filter(~Exists(hidden.filter(key=OuterRef("attention_key"))))


def _breaches(vendors, now, cut, hidden):
    """Open incidents past a target not met: the resolution's if passed, else the response's.
    A query for each (each in the order of an index of its own: a sort on whichever applies
    read every open incident), merged here."""
    open_incidents = Incident.objects.filter(
        vendor__in=vendors, status__in=Incident.OPEN_STATUSES
    ).select_related("vendor")
    resolution = Q(resolved_at__isnull=True, resolution_due_at__lt=now)
    response = Q(acknowledged_at__isnull=True, response_due_at__lt=now)
    resolution_not_passed = (
        Q(resolved_at__isnull=False)
        | Q(resolution_due_at__isnull=True)
        | Q(resolution_due_at__gte=now)
    )
    found = [
        *_candidates(
            _not_hidden(
                open_incidents.filter(resolution), hidden, "incident", "resolution_breached"
            ).annotate(breached_at=F("resolution_due_at")),
            cut,
            "priority",
            "-resolution_due_at",
        ),
        *_candidates(
            _not_hidden(
                open_incidents.filter(response & resolution_not_passed),
                hidden,
                "incident",
                "response_breached",
            ).annotate(breached_at=F("response_due_at")),
            cut,
            "priority",
            "-response_due_at",
        ),
    ]
    # By priority, the freshest breach first (its negated age), then by key.
    found.sort(key=lambda row: (row.priority, now - row.breached_at, row.pk))
    rows = _cut(found, cut)
    return [
        AttentionItem(
            key=row.attention_key,
            reason=row.attention_reason,
            record=row,
            vendor=row.vendor,
            title=f"{row.priority} {row.title}",
            at=row.breached_at,
            running=True,
            priority=row.priority,
        )
        for row in rows
    ]


def _clocks(vendors, now, cut, hidden):
    """Notification clocks still waiting: each side's running ones (the least time left
    first) and overdue ones (the most recently due first), per priority; from the deadlines
    stored on the incidents (``figures.notice_deadlines_refresh``), an index each."""
    security = Incident.objects.filter(
        vendor__in=vendors, category=Incident.Category.SECURITY
    ).select_related("vendor")
    sides = {
        "authority": security.filter(
            authority_notified_at__isnull=True, authority_notice_due_at__isnull=False
        ).annotate(clock_due=F("authority_notice_due_at")),
        "vendor": security.filter(
            vendor_notified_at__isnull=True, vendor_notice_due_at__isnull=False
        ).annotate(clock_due=F("vendor_notice_due_at")),
    }

    found = []
    for side, queryset in sides.items():
        # The deadline's state is in the key (a clock snoozed while running shows again once
        # overdue): a query for each, the closest deadline to now first.
        for state, window, order in (
            ("due", Q(clock_due__gte=now), ("clock_due", "pk")),
            ("overdue", Q(clock_due__lt=now), ("-clock_due", "-pk")),
        ):
            rows = _first(
                _not_hidden(
                    queryset.filter(window), hidden, "incident", f"{side}_notification_{state}"
                ),
                cut,
                "priority",
                *order,
            )
            found += [(side, row) for row in rows]

    # The clocks of the rows found, as every page shows them: two queries for all of them.
    clocks = notification_clocks([row for _side, row in found], now=now)
    items = []
    for side, row in found:
        clock = getattr(clocks[row.pk], side)
        if not is_unanswered(clock):
            continue
        items.append(
            AttentionItem(
                key=row.attention_key,
                reason=row.attention_reason,
                record=row,
                vendor=row.vendor,
                title=f"{row.priority} {row.title}",
                at=clock.due_at,
                running=True,
                priority=row.priority,
                detail=describe_clock(clock),
            )
        )
    return items


def _reviews(vendors, today, cut, hidden):
    open_reviews = Review.objects.filter(
        vendor__in=vendors, status__in=Review.OPEN_STATUSES
    ).select_related("vendor")
    overdue = open_reviews.filter(scheduled_for__lt=today)
    coming = open_reviews.filter(
        scheduled_for__gte=today, scheduled_for__lte=today + dt.timedelta(days=REVIEWS_AHEAD_DAYS)
    )
    rows = [
        *_first(_not_hidden(overdue, hidden, "review", "review_overdue"), cut, "-scheduled_for"),
        *_first(_not_hidden(coming, hidden, "review", "review_due"), cut, "scheduled_for"),
    ]
    # The page words the period, as every review list does.
    return [_dated(row, row.scheduled_for, "Review") for row in rows]


def _clauses(vendors, today, cut, hidden):
    """Clauses whose expiry or next verification (whichever comes first) has passed or comes
    within ``CLAUSES_AHEAD_DAYS``."""
    clauses = (
        SecurityClause.objects.filter(vendor__in=vendors)
        .exclude(status=SecurityClause.Status.MISSING)
        .annotate(attention_day=first_deadline())
        .select_related("vendor")
    )
    expiry = Q(expires_on__isnull=False, expires_on=F("attention_day"))
    overdue = clauses.filter(attention_day__lt=today)
    coming = clauses.filter(
        attention_day__gte=today, attention_day__lte=today + dt.timedelta(days=CLAUSES_AHEAD_DAYS)
    )

    def reason(passed, upcoming):
        return CaseWhen(
            When(expiry, then=Value(passed)), default=Value(upcoming), output_field=CharField()
        )

    rows = [
        *_first(
            _not_hidden(
                overdue, hidden, "clause", reason("clause_expired", "verification_overdue")
            ),
            cut,
            "-attention_day",
        ),
        *_first(
            _not_hidden(coming, hidden, "clause", reason("clause_expiring", "verification_due")),
            cut,
            "attention_day",
        ),
    ]
    return [_dated(row, row.attention_day, row.get_clause_type_display()) for row in rows]


def _goals(vendors, today, cut, hidden):
    """Active goals overdue, at risk, or due within ``GOALS_AHEAD_DAYS``."""
    goals = Goal.objects.filter(vendor__in=vendors, status__in=Goal.ACTIVE_STATUSES).select_related(
        "vendor"
    )
    overdue = goals.filter(due_date__lt=today)
    coming = goals.filter(due_date__gte=today).filter(
        Q(status=Goal.Status.AT_RISK) | Q(due_date__lte=today + dt.timedelta(days=GOALS_AHEAD_DAYS))
    )
    at_risk = CaseWhen(
        When(status=Goal.Status.AT_RISK, then=Value("goal_at_risk")),
        default=Value("goal_due"),
        output_field=CharField(),
    )
    rows = [
        *_first(_not_hidden(overdue, hidden, "goal", "goal_overdue"), cut, "-due_date"),
        *_first(_not_hidden(coming, hidden, "goal", at_risk), cut, "due_date"),
    ]
    return [_dated(row, row.due_date, row.title) for row in rows]


def _notices(vendors, today, cut, hidden):
    """Running contracts whose notice deadline passed or comes within ``NOTICE_AHEAD_DAYS``."""
    running = vendors_with_figures(vendors).filter(contract_end__gte=today)
    overdue = running.filter(notice_deadline__lt=today)
    coming = running.filter(
        notice_deadline__gte=today,
        notice_deadline__lte=today + dt.timedelta(days=NOTICE_AHEAD_DAYS),
    )
    rows = [
        # One row a vendor: no cut per vendor to make.
        *_not_hidden(overdue, hidden, "vendor", "notice_missed").order_by("-notice_deadline", "pk")[
            : cut.limit
        ],
        *_not_hidden(coming, hidden, "vendor", "notice_due").order_by("notice_deadline", "pk")[
            : cut.limit
        ],
    ]
    return [
        AttentionItem(
            key=row.attention_key,
            reason=row.attention_reason,
            record=row,
            vendor=row,
            title=f"Contract ends {day_text(row.contract_end)}",
            at=_start_of(row.notice_deadline),
            running=False,
        )
        for row in rows
    ]


def _dated(row, day, title):
    return AttentionItem(
        key=row.attention_key,
        reason=row.attention_reason,
        record=row,
        vendor=row.vendor,
        title=title,
        at=_start_of(day),
        running=False,
    )


def _start_of(day):
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
