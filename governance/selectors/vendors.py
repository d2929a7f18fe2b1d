"""Vendors with their figures, the vendor list, scorecards and review history."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from governance.domain.health import (
    GOOD_GOAL_STATUSES,
    MEASURED_GOAL_STATUSES,
    health_parts,
    health_score,
)
from governance.domain.notification import NotificationStatus, notified_on_time_percent
from governance.domain.tiers import TIERS
from governance.models import (
    Goal,
    Incident,
    RequiredClause,
    Review,
    SecurityClause,
    Vendor,
)
from governance.selectors.notification import notification_clocks
from governance.selectors.scoping import count_subquery, vendors_for


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
    met = in_window.filter(Incident.target_met("resolution_due_at", "resolved_at"))
    breached = in_window.filter(Incident.target_breached("resolution_due_at", "resolved_at", now))
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
    ).filter(SecurityClause.in_force_on(today))
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
    """``queryset`` with the stored figures (``services.figures``), one join whatever its size.

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
    security: dict = field(default_factory=dict)


def _security_figures(vendor, start, end, now):
    """The vendor's security incidents opened in [start, end) and their notification clocks.

    Three queries (the incidents, then ``notification_clocks``'s two), one with none.
    ``notified_on_time_percent`` is None (no data, not 0) while no clock has ended.
    """
    incidents = list(
        Incident.objects.filter(
            vendor=vendor,
            category=Incident.Category.SECURITY,
            opened_at__gte=start,
            opened_at__lt=end,
        )
    )
    clocks = notification_clocks(incidents, now=now)
    statuses = [c.vendor.status for c in clocks.values() if c.vendor is not None]
    counts = {status.value: statuses.count(status) for status in NotificationStatus}
    return {
        "window_days": settings.GOVERNANCE_SLA_WINDOW_DAYS,
        "incidents": len(incidents),
        "with_status": len(statuses),
        **counts,
        "notified_on_time_percent": notified_on_time_percent(
            counts["on_time"], counts["late"], counts["overdue"]
        ),
    }


def vendor_scorecard(vendor, *, now=None):
    """The scorecard of one vendor, with the health figure and every part it is made of."""
    now = now or timezone.now()
    annotated = vendors_with_metrics(Vendor.objects.filter(pk=vendor.pk), now=now).get()
    start, end = sla_window(now)
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
        SecurityClause.objects.filter(SecurityClause.in_force_on(today), vendor=vendor).values_list(
            "clause_type", flat=True
        )
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
        security=_security_figures(vendor, start, end, now),
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
TIER_RANK = {tier: rules.rank for tier, rules in TIERS.items()}


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


def review_score_history(vendor, *, limit=8):
    """The vendor's last ``limit`` completed reviews, oldest first, with scores prefetched."""
    reviews = list(
        Review.objects.filter(vendor=vendor, status=Review.Status.COMPLETED)
        .order_by("-scheduled_for", "-id")
        .prefetch_related("scores")[:limit]
    )
    reviews.reverse()
    return reviews
