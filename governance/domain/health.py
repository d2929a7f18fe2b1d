"""The health formula: its parts (0-100 each, from a vendor annotated by
``selectors.vendors_with_metrics``), their weights, and the weighted score."""

from governance.domain.models import (
    Goal,
)

# Weights of the parts of the health figure; a part with no data drops out and the others
# are re-weighted, so a new vendor is not punished for what has not happened yet.
# The scorecard's security figures (incidents notified on time) are not a part: a vendor
# has few security incidents, so one late notification swings the share wildly, and a
# vendor without any must look neither better nor worse for it.
HEALTH_WEIGHTS = {"reviews": 0.3, "sla": 0.3, "goals": 0.2, "clauses": 0.2}

# Goals whose status says how they are going (proposed/agreed/dropped do not count).
MEASURED_GOAL_STATUSES = (
    Goal.Status.ON_TRACK,
    Goal.Status.AT_RISK,
    Goal.Status.ACHIEVED,
    Goal.Status.MISSED,
)
GOOD_GOAL_STATUSES = (Goal.Status.ON_TRACK, Goal.Status.ACHIEVED)


def share_percent(part, whole):
    """``part`` as a share (0-100, one decimal) of ``whole``; None when ``whole`` is nothing."""
    if not whole:
        return None
    return round(100.0 * part / whole, 1)


def sla_compliance_percent(vendor):
    """SLA compliance (0-100) over the window from an annotated vendor; None with no data."""
    return share_percent(vendor.sla_met_90d, vendor.sla_met_90d + vendor.sla_breached_90d)


def clause_coverage_percent(vendor):
    """Share (0-100) of the tier's required clause types in force; None if none required."""
    return share_percent(vendor.clauses_covered, vendor.clauses_required)


def goals_on_track_percent(vendor):
    return share_percent(vendor.goals_good, vendor.goals_measured)


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
