"""The portfolio-wide lists (incidents, reviews, clauses, goals across vendors) and the
clause-gap matrix: each in the person's scope (mine / my team / all, remembered), filtered
from the query string, sorted by a whitelisted column, paginated, and as CSV."""

from django.shortcuts import render
from django.utils import timezone

from governance.domain import access
from governance.models import ClauseType, ListScope
from governance.selectors import portfolio
from governance.services.portfolio import profile_list_scope_set
from governance.web.csv_export import csv_response, person_cell, wants_csv
from governance.web.forms.portfolio import (
    ClauseFilterForm,
    GapFilterForm,
    GoalFilterForm,
    IncidentFilterForm,
    ReviewFilterForm,
)
from governance.web.pages import paginate
from governance.web.views.base import internal_view

# Parameters that do not narrow a list: choosing them is not "filtered".
NOT_FILTERS = {"scope", "page", "sort", "export", "format"}


def _wants_csv(request):
    return wants_csv(request) or request.GET.get("format") == "csv"


def list_scope(request, asked):
    """The scope asked for (then remembered for the person), else the one remembered."""
    if asked in ListScope.values:
        profile_list_scope_set(request.user, asked)
        return asked
    remembered = access.profile_of(request.user).list_scope
    return remembered if remembered in ListScope.values else ListScope.ALL


def _portfolio_list(request, *, kind, title, form_class, rows_of, csv):
    """One portfolio list: the form's filters, the scope, CSV or a page of rows."""
    form = form_class(request.GET or None)
    filters = form.filters() if request.GET else {}
    scope = list_scope(request, filters.get("scope"))
    rows = rows_of(request.user, scope=scope, filters=filters)
    if _wants_csv(request):
        header, row = csv
        return csv_response(
            f"{kind}-{timezone.localdate():%Y-%m-%d}.csv",
            header,
            (row(item) for item in rows.iterator(chunk_size=2000)),
        )
    page = paginate(request, rows)
    return render(
        request,
        f"governance/portfolio/{kind}.html",
        {
            "title": title,
            "kind": kind,
            "form": form,
            "scope": scope,
            "scopes": ListScope.choices,
            "page": page,
            "rows": page.object_list,
            "count": page.paginator.count,
            "filtered": bool(set(request.GET) - NOT_FILTERS),
            "sort": filters.get("sort") or "",
        },
    )


# --- incidents -----------------------------------------------------------------------------

INCIDENT_CSV = [
    "Vendor",
    "Vendor owner",
    "Ticket id",
    "Title",
    "Priority",
    "Category",
    "Service",
    "Status",
    "Opened",
    "Acknowledged",
    "Resolved",
    "Response due",
    "Resolution due",
    "Response breached",
    "Resolution breached",
]


def _incident_row(incident):
    return [
        incident.vendor.name,
        person_cell(incident.vendor.owner),
        incident.external_id,
        incident.title,
        incident.get_priority_display(),
        incident.get_category_display(),
        incident.get_service_display(),
        incident.get_status_display(),
        incident.opened_at,
        incident.acknowledged_at,
        incident.resolved_at,
        incident.response_due_at,
        incident.resolution_due_at,
        incident.response_breached,
        incident.resolution_breached,
    ]


@internal_view
def incident_list(request):
    return _portfolio_list(
        request,
        kind="incidents",
        title="Incidents",
        form_class=IncidentFilterForm,
        rows_of=lambda user, **kw: portfolio.portfolio_incidents(user, **kw),
        csv=(INCIDENT_CSV, _incident_row),
    )


# --- reviews -------------------------------------------------------------------------------

REVIEW_CSV = [
    "Vendor",
    "Period start",
    "Period end",
    "Scheduled for",
    "Status",
    "Reviewer",
    "Overall score",
    "Completed",
    "Dispute",
]


def _review_row(review):
    return [
        review.vendor.name,
        review.period_start,
        review.period_end,
        review.scheduled_for,
        review.get_status_display(),
        person_cell(review.reviewer),
        review.overall_score,
        review.completed_at,
        review.get_dispute_status_display() if review.dispute_status else "",
    ]


@internal_view
def review_list(request):
    today = timezone.localdate()
    return _portfolio_list(
        request,
        kind="reviews",
        title="Reviews",
        form_class=ReviewFilterForm,
        rows_of=lambda user, **kw: portfolio.portfolio_reviews(user, today=today, **kw),
        csv=(REVIEW_CSV, _review_row),
    )


# --- clauses -------------------------------------------------------------------------------

CLAUSE_CSV = [
    "Vendor",
    "Clause",
    "Status",
    "Requirement",
    "Effective",
    "Expires",
    "Last verified",
    "Next verification due",
]


def _clause_row(clause):
    return [
        clause.vendor.name,
        clause.get_clause_type_display(),
        clause.get_status_display(),
        clause.requirement,
        clause.effective_date,
        clause.expires_on,
        clause.last_verified_on,
        clause.next_verification_due,
    ]


@internal_view
def clause_list(request):
    today = timezone.localdate()
    return _portfolio_list(
        request,
        kind="clauses",
        title="Security clauses",
        form_class=ClauseFilterForm,
        rows_of=lambda user, **kw: portfolio.portfolio_clauses(user, today=today, **kw),
        csv=(CLAUSE_CSV, _clause_row),
    )


# --- goals ---------------------------------------------------------------------------------

GOAL_CSV = [
    "Vendor",
    "Goal",
    "Metric",
    "Unit",
    "Baseline",
    "Current",
    "Target",
    "Direction",
    "Status",
    "Owner",
    "Start",
    "Due",
]


def _goal_row(goal):
    return [
        goal.vendor.name,
        goal.title,
        goal.metric,
        goal.unit,
        goal.baseline,
        goal.current_value,
        goal.target_value,
        goal.get_direction_display(),
        goal.get_status_display(),
        person_cell(goal.owner),
        goal.start_date,
        goal.due_date,
    ]


@internal_view
def goal_list(request):
    today = timezone.localdate()
    return _portfolio_list(
        request,
        kind="goals",
        title="Goals",
        form_class=GoalFilterForm,
        rows_of=lambda user, **kw: portfolio.portfolio_goals(user, today=today, **kw),
        csv=(GOAL_CSV, _goal_row),
    )


# --- the clause-gap matrix -----------------------------------------------------------------

# Vendors read per query when the whole matrix is written as CSV.
CSV_CHUNK = 500


def _cell_text(cell):
    if cell.detail:
        return f"{cell.label} ({cell.detail})" if cell.label else ""
    return cell.label


@internal_view
def clause_gaps(request):
    """Vendors (rows) x the clause types some tier requires (columns)."""
    form = GapFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    scope = list_scope(request, filters.get("scope"))
    today = timezone.localdate()
    vendors = portfolio.gap_vendors(request.user, scope=scope, filters=filters, today=today)
    types = portfolio.required_types()
    if _wants_csv(request):
        labels = dict(ClauseType.choices)
        return csv_response(
            f"clause-gaps-{today:%Y-%m-%d}.csv",
            [
                "Vendor",
                "Tier",
                "Owner",
                "Required types in force",
                "Required types",
                *(labels.get(kind, kind) for kind in types),
            ],
            _gap_csv_rows(vendors, types, today),
        )
    columns = portfolio.gap_columns(request.user, types, scope=scope, filters=filters, today=today)
    page = paginate(request, vendors)
    return render(
        request,
        "governance/portfolio/gaps.html",
        {
            "title": "Clause gaps",
            "form": form,
            "scope": scope,
            "scopes": ListScope.choices,
            "page": page,
            "count": page.paginator.count,
            "columns": columns,
            # The types some vendor lacks or must renew soon, the most lacked first.
            "summary": sorted(
                (column for column in columns if column.lacking or column.expiring),
                key=lambda column: (-column.lacking, -column.expiring, column.label),
            ),
            "rows": portfolio.gap_rows(page.object_list, types, today=today),
            "quarter_end": portfolio.quarter_end(today),
            "filtered": bool(set(request.GET) - NOT_FILTERS),
        },
    )


def _gap_csv_rows(vendors, types, today):
    """Every row of the matrix, read ``CSV_CHUNK`` vendors at a time (two queries each)."""
    start = 0
    while True:
        chunk = list(vendors[start : start + CSV_CHUNK])
        if not chunk:
            return
        for vendor, cells in portfolio.gap_rows(chunk, types, today=today):
            yield [
                vendor.name,
                vendor.get_tier_display(),
                person_cell(vendor.owner),
                vendor.covered_count,
                vendor.required_count,
                *(_cell_text(cell) for cell in cells),
            ]
        if len(chunk) < CSV_CHUNK:
            return
        start += CSV_CHUNK
