"""Reads: scoped querysets, derived figures and scorecards, computed in the database.

Every list is one query (plus a fixed number of prefetches) whatever its length: derived
per-vendor figures are correlated subqueries, never a query per row. One module per area;
this package re-exports them (``selectors.vendor_list(...)``), except the change history
(``selectors.history``).
"""

from governance.domain.health import (
    GOOD_GOAL_STATUSES,
    HEALTH_WEIGHTS,
    MEASURED_GOAL_STATUSES,
    clause_coverage_percent,
    goals_on_track_percent,
    health_parts,
    health_score,
    review_score_percent,
    sla_compliance_percent,
    vendor_health,
)
from governance.selectors.clauses import clause_coverage
from governance.selectors.credits import (
    credit_policy_of,
    credit_statements,
    sla_compliance_for_period,
)
from governance.selectors.dashboard import (
    expiring_clauses,
    goals_at_risk,
    next_meetings,
    reviews_due,
    vendor_reminders,
)
from governance.selectors.incidents import (
    incidents_with_breach_flags,
    open_incidents,
    sla_compliance,
    sla_compliance_by_month,
)
from governance.selectors.meetings import (
    exceptions_only,
    exceptions_prefetch,
    meeting_calendar,
    meeting_occurrences,
    meetings_with_next,
    occurrence_records,
    overrides_of,
    series_of,
    upcoming_occurrences,
    with_exceptions,
)
from governance.selectors.notification import (
    IncidentClocks,
    notification_clocks,
)
from governance.selectors.scoping import (
    count_subquery,
    counted_rows,
    vendors_for,
)
from governance.selectors.vendors import (
    TIER_RANK,
    Scorecard,
    next_review_dates,
    review_score_history,
    sla_window,
    vendor_list,
    vendor_owners,
    vendor_scorecard,
    vendors_with_figures,
    vendors_with_metrics,
)

__all__ = [
    "GOOD_GOAL_STATUSES",
    "HEALTH_WEIGHTS",
    "MEASURED_GOAL_STATUSES",
    "TIER_RANK",
    "IncidentClocks",
    "Scorecard",
    "clause_coverage",
    "clause_coverage_percent",
    "count_subquery",
    "counted_rows",
    "credit_policy_of",
    "credit_statements",
    "exceptions_only",
    "exceptions_prefetch",
    "expiring_clauses",
    "goals_at_risk",
    "goals_on_track_percent",
    "health_parts",
    "health_score",
    "incidents_with_breach_flags",
    "meeting_calendar",
    "meeting_occurrences",
    "meetings_with_next",
    "next_meetings",
    "next_review_dates",
    "notification_clocks",
    "occurrence_records",
    "open_incidents",
    "overrides_of",
    "review_score_history",
    "review_score_percent",
    "reviews_due",
    "series_of",
    "sla_compliance",
    "sla_compliance_by_month",
    "sla_compliance_for_period",
    "sla_compliance_percent",
    "sla_window",
    "upcoming_occurrences",
    "vendor_health",
    "vendor_list",
    "vendor_owners",
    "vendor_reminders",
    "vendor_scorecard",
    "vendors_for",
    "vendors_with_figures",
    "vendors_with_metrics",
    "with_exceptions",
]
