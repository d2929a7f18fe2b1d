"""Reads: scoped querysets, derived figures and scorecards, computed in the database.

Every list is one query (plus a fixed number of prefetches) whatever its length: derived
per-vendor figures are correlated subqueries, never a query per row.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from governance.models import (
    Goal,
    Incident,
    RequiredClause,
    Review,
    SecurityClause,
    Vendor,
)

# Weights of the parts of the health figure; a part with no data drops out and the others
# are re-weighted, so a new vendor is not punished for what has not happened yet.
HEALTH_WEIGHTS = {"reviews": 0.3, "sla": 0.3, "goals": 0.2, "clauses": 0.2}

# Goals whose status says how they are going (proposed/agreed/dropped do not count).
MEASURED_GOAL_STATUSES = (
    Goal.Status.ON_TRACK,
    Goal.Status.AT_RISK,
    Goal.Status.ACHIEVED,
    Goal.Status.MISSED,
)
GOOD_GOAL_STATUSES = (Goal.Status.ON_TRACK, Goal.Status.ACHIEVED)


def vendors_for(user):
    """The vendors ``user`` may see internally (rules: ``governance.domain.access``)."""
    from governance.domain import access

    return access.vendors_for(user)


def count_subquery(queryset):
    """A correlated ``COUNT(*)`` of ``queryset`` (already filtered on ``OuterRef``)."""
    return Coalesce(
        Subquery(
            queryset.order_by()
            .annotate(_group=Value(1))
            .values("_group")
            .annotate(_n=Count("*"))
            .values("_n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def sla_window(now=None, days=None):
    now = now or timezone.now()
    return now - dt.timedelta(days=days or settings.GOVERNANCE_SLA_WINDOW_DAYS), now


def _sla_counts(vendor_ref, start, end, now):
    """(met, breached) correlated counts of resolution targets for incidents opened in [start, end).

    Met: resolved by the due time. Breached: resolved late, or still unresolved past it.
    Incidents still within their target, or without one, count neither way.
    """
    in_window = Incident.objects.filter(
        vendor=vendor_ref,
        opened_at__gte=start,
        opened_at__lt=end,
        resolution_due_at__isnull=False,
    )
    met = in_window.filter(resolved_at__isnull=False, resolved_at__lte=F("resolution_due_at"))
    breached = in_window.filter(
        Q(resolved_at__gt=F("resolution_due_at"))
        | Q(resolved_at__isnull=True, resolution_due_at__lt=now)
    )
    return count_subquery(met), count_subquery(breached)


def vendors_with_metrics(queryset, *, now=None):
    """``queryset`` annotated with every derived figure the lists and scorecards show.

    Adds: next_review_date, latest_score, previous_score, sla_met_90d, sla_breached_90d,
    goals_measured, goals_good, clauses_required, clauses_covered. ``health_parts(vendor)``
    and friends turn them into percentages.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    start, end = sla_window(now)
    completed = Review.objects.filter(
        vendor=OuterRef("pk"), status=Review.Status.COMPLETED, overall_score__isnull=False
    ).order_by("-scheduled_for", "-id")
    met, breached = _sla_counts(OuterRef("pk"), start, end, now)
    required_types = RequiredClause.objects.filter(tier=OuterRef(OuterRef("tier"))).values(
        "clause_type"
    )
    covered = SecurityClause.objects.filter(
        vendor=OuterRef("pk"),
        clause_type__in=required_types,
        status__in=SecurityClause.COVERING_STATUSES,
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    return queryset.select_related("owner").annotate(
        next_review_date=Subquery(
            Review.objects.filter(vendor=OuterRef("pk"), status__in=Review.OPEN_STATUSES)
            .order_by("scheduled_for")
            .values("scheduled_for")[:1]
        ),
        latest_score=Subquery(completed.values("overall_score")[:1]),
        previous_score=Subquery(completed.values("overall_score")[1:2]),
        sla_met_90d=met,
        sla_breached_90d=breached,
        goals_measured=count_subquery(
            Goal.objects.filter(vendor=OuterRef("pk"), status__in=MEASURED_GOAL_STATUSES)
        ),
        goals_good=count_subquery(
            Goal.objects.filter(vendor=OuterRef("pk"), status__in=GOOD_GOAL_STATUSES)
        ),
        clauses_required=count_subquery(RequiredClause.objects.filter(tier=OuterRef("tier"))),
        clauses_covered=count_subquery(covered),
    )


def vendors_with_figures(queryset):
    """``queryset`` with the stored figures (``governance.figures``), one join whatever its size.

    The same names as ``vendors_with_metrics`` (so ``health_parts`` and friends work on
    either), plus ``health_score`` and ``notice_deadline`` to filter and sort on. A vendor
    whose figures were never computed reads as one with no data.
    """
    stored = "figures__"
    return queryset.select_related("owner").annotate(
        health_score=F(stored + "health_score"),
        notice_deadline=F(stored + "notice_deadline"),
        next_review_date=F(stored + "next_review_date"),
        latest_score=F(stored + "latest_score"),
        previous_score=F(stored + "previous_score"),
        sla_met_90d=Coalesce(stored + "sla_met", 0),
        sla_breached_90d=Coalesce(stored + "sla_breached", 0),
        goals_measured=Coalesce(stored + "goals_measured", 0),
        goals_good=Coalesce(stored + "goals_good", 0),
        clauses_required=Coalesce(stored + "clauses_required", 0),
        clauses_covered=Coalesce(stored + "clauses_covered", 0),
    )


def counted_rows(model, *, plus=None):
    """How many rows of ``model`` (one of ``figures.COUNTED``) belong to a vendor, from the
    stored row count, not a COUNT(*) over them; plus the rows of the queryset ``plus`` (rows
    of no vendor), counted in the same query."""
    from governance.models import RowCount

    total = Coalesce(Sum("delta"), 0)
    if plus is not None:
        total = total + count_subquery(plus)
    return RowCount.objects.filter(table_name=model._meta.db_table).aggregate(total=total)["total"]


def _percent(part, whole):
    if not whole:
        return None
    return round(100.0 * part / whole, 1)


def sla_compliance_percent(vendor):
    """SLA compliance (0-100) over the window from an annotated vendor; None with no data."""
    return _percent(vendor.sla_met_90d, vendor.sla_met_90d + vendor.sla_breached_90d)


def clause_coverage_percent(vendor):
    """Share (0-100) of the tier's required clause types in force; None if none required."""
    return _percent(vendor.clauses_covered, vendor.clauses_required)


def goals_on_track_percent(vendor):
    return _percent(vendor.goals_good, vendor.goals_measured)


def review_score_percent(score):
    """A 1-5 review score on the 0-100 scale of the health figure."""
    if score is None:
        return None
    return round((float(score) - 1) / 4 * 100, 1)


def health_parts(vendor):
    """The parts of the health figure (0-100 each, None when there is no data)."""
    return {
        "reviews": review_score_percent(vendor.latest_score),
        "sla": sla_compliance_percent(vendor),
        "goals": goals_on_track_percent(vendor),
        "clauses": clause_coverage_percent(vendor),
    }


def health_score(parts):
    """Weighted mean of the parts that have data, 0-100; None when none has."""
    present = {name: value for name, value in parts.items() if value is not None}
    if not present:
        return None
    weight = sum(HEALTH_WEIGHTS[name] for name in present)
    return round(sum(HEALTH_WEIGHTS[name] * value for name, value in present.items()) / weight, 1)


def vendor_health(vendor):
    return health_score(health_parts(vendor))


@dataclass
class Scorecard:
    """A vendor's scorecard: derived, never typed in."""

    vendor: Vendor
    health: float | None
    parts: dict
    latest_score: Decimal | None
    previous_score: Decimal | None
    score_trend: Decimal | None
    criteria: dict
    review_history: list
    sla: dict
    goals: dict
    clauses: dict
    next_review_date: dt.date | None
    generated_at: dt.datetime
    notes: list = field(default_factory=list)


def vendor_scorecard(vendor, *, now=None):
    """The scorecard of one vendor, with the health figure and every part it is made of."""
    now = now or timezone.now()
    annotated = vendors_with_metrics(Vendor.objects.filter(pk=vendor.pk), now=now).get()
    parts = health_parts(annotated)
    history = list(
        Review.objects.filter(
            vendor=vendor, status=Review.Status.COMPLETED, overall_score__isnull=False
        )
        .order_by("-scheduled_for", "-id")
        .values("id", "scheduled_for", "period_start", "period_end", "overall_score")[:8]
    )
    latest_review = (
        Review.objects.filter(vendor=vendor, status=Review.Status.COMPLETED)
        .filter(overall_score__isnull=False)
        .order_by("-scheduled_for", "-id")
        .prefetch_related("scores")
        .first()
    )
    criteria = {s.criterion: s.score for s in latest_review.scores.all()} if latest_review else {}
    latest, previous = annotated.latest_score, annotated.previous_score
    required = set(
        RequiredClause.objects.filter(tier=vendor.tier).values_list("clause_type", flat=True)
    )
    today = timezone.localdate(now)
    in_force = set(
        SecurityClause.objects.filter(vendor=vendor, status__in=SecurityClause.COVERING_STATUSES)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .values_list("clause_type", flat=True)
    )
    return Scorecard(
        vendor=vendor,
        health=health_score(parts),
        parts=parts,
        latest_score=latest,
        previous_score=previous,
        score_trend=(latest - previous) if latest is not None and previous is not None else None,
        criteria=criteria,
        review_history=list(reversed(history)),
        sla={
            "window_days": settings.GOVERNANCE_SLA_WINDOW_DAYS,
            "met": annotated.sla_met_90d,
            "breached": annotated.sla_breached_90d,
            "compliance": parts["sla"],
        },
        goals={
            "measured": annotated.goals_measured,
            "on_track_or_achieved": annotated.goals_good,
            "percent": parts["goals"],
        },
        clauses={
            "required": sorted(required),
            "covered": sorted(required & in_force),
            "missing": sorted(required - in_force),
            "coverage": parts["clauses"],
        },
        next_review_date=annotated.next_review_date,
        generated_at=now,
    )


def sla_compliance(vendors, *, start, end, now=None):
    """SLA compliance per vendor for incidents opened in [start, end), computed in the database.

    Returns ``{vendor_id: {"met": n, "breached": n, "compliance": percent or None}}``.
    """
    now = now or timezone.now()
    rows = (
        Incident.objects.filter(
            vendor__in=vendors,
            opened_at__gte=start,
            opened_at__lt=end,
            resolution_due_at__isnull=False,
        )
        .values("vendor_id")
        .annotate(
            met=Count("id", filter=Q(resolved_at__lte=F("resolution_due_at"))),
            breached=Count(
                "id",
                filter=Q(resolved_at__gt=F("resolution_due_at"))
                | Q(resolved_at__isnull=True, resolution_due_at__lt=now),
            ),
        )
        .order_by()
    )
    return {
        row["vendor_id"]: {
            "met": row["met"],
            "breached": row["breached"],
            "compliance": _percent(row["met"], row["met"] + row["breached"]),
        }
        for row in rows
    }


def sla_compliance_by_month(vendor, *, months=12, now=None):
    """Monthly SLA compliance of one vendor for the last ``months`` months (for charts)."""
    now = now or timezone.now()
    start = (now - dt.timedelta(days=31 * months)).replace(day=1, hour=0, minute=0, second=0)
    rows = (
        Incident.objects.filter(
            vendor=vendor, opened_at__gte=start, resolution_due_at__isnull=False
        )
        .annotate(month=TruncMonth("opened_at"))
        .values("month")
        .annotate(
            met=Count("id", filter=Q(resolved_at__lte=F("resolution_due_at"))),
            breached=Count(
                "id",
                filter=Q(resolved_at__gt=F("resolution_due_at"))
                | Q(resolved_at__isnull=True, resolution_due_at__lt=now),
            ),
        )
        .order_by("month")
    )
    return [
        {
            "month": row["month"],
            "met": row["met"],
            "breached": row["breached"],
            "compliance": _percent(row["met"], row["met"] + row["breached"]),
        }
        for row in rows
    ]


def incidents_with_breach_flags(queryset, *, now=None):
    """Incidents annotated with ``response_breached`` / ``resolution_breached`` (as of now).

    A target counts as breached when it passed without the acknowledgement or resolution,
    also while the incident is still open.
    """
    now = now or timezone.now()
    return queryset.annotate(
        response_breached=ExpressionWrapper(
            # Each branch tests for NULL explicitly, so the flag is True or False, never NULL
            # (``acknowledged_at > due`` alone is NULL while unacknowledged).
            Q(response_due_at__isnull=False)
            & (
                Q(acknowledged_at__isnull=False, acknowledged_at__gt=F("response_due_at"))
                | Q(acknowledged_at__isnull=True, response_due_at__lt=now)
            ),
            output_field=BooleanField(),
        ),
        resolution_breached=ExpressionWrapper(
            Q(resolution_due_at__isnull=False)
            & (
                Q(resolved_at__isnull=False, resolved_at__gt=F("resolution_due_at"))
                | Q(resolved_at__isnull=True, resolution_due_at__lt=now)
            ),
            output_field=BooleanField(),
        ),
    )


def next_review_dates(vendor_ids):
    """{vendor_id: earliest open review date} for many vendors in one query."""
    rows = (
        Review.objects.filter(vendor_id__in=vendor_ids, status__in=Review.OPEN_STATUSES)
        .values("vendor_id")
        .annotate(first=Min("scheduled_for"))
        .order_by()
    )
    return {row["vendor_id"]: row["first"] for row in rows}


# --- web UI reads --------------------------------------------------------------------------
# Each returns one query (plus fixed prefetches) whatever the number of vendors.

# Tiers in order of criticality, for sorting lists by tier.
TIER_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def vendor_list(user, *, q="", tier="", status="", service="", owner_id=None):
    """The vendors ``user`` may see, filtered as the vendor list asks, with the stored figures."""
    from django.db.models import Case, When

    queryset = vendors_for(user)
    if q:
        queryset = queryset.filter(
            Q(name__icontains=q) | Q(notes__icontains=q) | Q(country__iexact=q)
        )
    if tier:
        queryset = queryset.filter(tier=tier)
    if status:
        queryset = queryset.filter(status=status)
    if service:
        # The JSON text of the list holds each value in quotes: portable across databases.
        queryset = queryset.filter(services__icontains=f'"{service}"')
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    return vendors_with_figures(queryset).annotate(
        tier_rank=Case(
            *(When(tier=tier_value, then=Value(rank)) for tier_value, rank in TIER_RANK.items()),
            default=Value(len(TIER_RANK)),
            output_field=IntegerField(),
        )
    )


def vendor_owners(user):
    """The users who own at least one vendor ``user`` may see (the owner filter's choices)."""
    from django.contrib.auth import get_user_model

    # EXISTS per user, not a DISTINCT over a join with every vendor.
    owned = vendors_for(user).filter(owner=OuterRef("pk"))
    return get_user_model().objects.filter(Exists(owned)).order_by("username")


def reviews_due(vendors, *, today, days=30):
    """Open reviews of ``vendors`` scheduled up to ``days`` ahead, overdue ones included."""
    return (
        Review.objects.filter(
            vendor__in=vendors,
            status__in=Review.OPEN_STATUSES,
            scheduled_for__lte=today + dt.timedelta(days=days),
        )
        .select_related("vendor", "reviewer")
        .order_by("scheduled_for", "id")
    )


def open_incidents(vendors, *, now=None):
    """Open incidents of ``vendors`` with breach flags: breached first, then by resolution due."""
    return (
        incidents_with_breach_flags(
            Incident.objects.filter(vendor__in=vendors, status__in=Incident.OPEN_STATUSES),
            now=now,
        )
        .select_related("vendor")
        .order_by(
            "-resolution_breached",
            "-response_breached",
            F("resolution_due_at").asc(nulls_last=True),
            "opened_at",
        )
    )


def expiring_clauses(vendors, *, today, days=60):
    """Clauses of ``vendors`` expiring or due for verification within ``days`` (or overdue)."""
    horizon = today + dt.timedelta(days=days)
    return (
        SecurityClause.objects.filter(vendor__in=vendors)
        .exclude(status=SecurityClause.Status.MISSING)
        .filter(Q(expires_on__lte=horizon) | Q(next_verification_due__lte=horizon))
        .select_related("vendor")
        .order_by(F("expires_on").asc(nulls_last=True), "next_verification_due", "id")
    )


def goals_at_risk(vendors, *, today, days=14):
    """Active goals of ``vendors`` that are at risk, overdue, or due within ``days``."""
    return (
        Goal.objects.filter(vendor__in=vendors, status__in=Goal.ACTIVE_STATUSES)
        .filter(Q(status=Goal.Status.AT_RISK) | Q(due_date__lte=today + dt.timedelta(days=days)))
        .select_related("vendor", "owner")
        .order_by("due_date", "id")
    )


def next_meetings(vendors, *, now, end, limit):
    """The meetings of ``vendors`` that hold the first ``limit`` occurrences in [now, end).

    From the stored next occurrences (``governance.figures``): the ``limit`` meetings whose
    next occurrence comes first, plus any whose stored one has already begun (not yet moved
    on by the periodic refresh), which the caller expands like the others. Two queries,
    however many meetings the vendors hold.
    """
    from governance.models import Meeting

    meetings = Meeting.objects.filter(vendor__in=vendors).select_related("vendor")
    begun = list(meetings.filter(next_occurrence_at__lt=now))
    coming = meetings.filter(next_occurrence_at__gte=now, next_occurrence_at__lt=end).order_by(
        "next_occurrence_at", "id"
    )
    return begun + list(coming[:limit])


def review_score_history(vendor, *, limit=8):
    """The vendor's last ``limit`` completed reviews, oldest first, with scores prefetched."""
    reviews = list(
        Review.objects.filter(vendor=vendor, status=Review.Status.COMPLETED)
        .order_by("-scheduled_for", "-id")
        .prefetch_related("scores")[:limit]
    )
    reviews.reverse()
    return reviews


def vendor_reminders(vendor):
    """Reminders sent or due for ``vendor``, newest first."""
    from governance.models import Reminder

    return (
        Reminder.objects.filter(vendor=vendor)
        .select_related("recipient", "content_type")
        .order_by("-created_at", "-id")
    )
