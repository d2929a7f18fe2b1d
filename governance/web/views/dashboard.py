"""The portfolio dashboard: which relationships are slipping, most urgent first."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from governance import selectors
from governance.domain import access
from governance.domain.notification import describe_clock
from governance.models import Vendor
from governance.selectors.dashboard import portfolio_credit_totals, running_notification_clocks
from governance.selectors.inbox import inbox_activities, inbox_page_rows
from governance.web.csv_export import csv_response, wants_csv
from governance.web.templatetags.governance_ui import period
from governance.web.views.base import internal_view
from governance.web.views.inbox import with_urls
from governance.web.views.vendors import with_health, with_health_one

PANEL_LIMIT = 25
# The health table shows the weakest vendors; the vendor list (sorted by health) has them all.
# Rendering every row made the dashboard grow with the portfolio (seconds at 10,000 vendors).
HEALTH_TABLE_LIMIT = 25
# How far ahead each panel looks.
REVIEWS_AHEAD_DAYS = 30
CLAUSES_AHEAD_DAYS = 60
GOALS_AHEAD_DAYS = 14
NOTICE_AHEAD_DAYS = 120
NOTICE_AHEAD = dt.timedelta(days=NOTICE_AHEAD_DAYS)
MEETINGS_AHEAD_DAYS = 14
MEETINGS_SHOWN = 10
CLOCKS_SHOWN = 25
# The latest unread activities the "From your vendors" panel shows (the inbox has them all).
INBOX_SHOWN = 5
CLOCK_NAMES = {"vendor": "Vendor's notification", "authority": "Our notification to the authority"}


@dataclass
class Attention:
    """One thing that needs someone's attention, for the merged "needs attention" list."""

    urgent: bool
    when: dt.date
    kind: str
    title: str
    vendor: Vendor
    url: str


@login_required
def dashboard(request):
    """The portfolio; a vendor representative lands on the vendor portal instead."""
    if access.is_vendor_rep(request.user):
        return redirect("governance:portal:home")
    return _portfolio(request)


@internal_view
def _portfolio(request):
    now = timezone.now()
    today = timezone.localdate(now)
    visible = selectors.vendors_for(request.user).exclude(status=Vendor.Status.ENDED)
    # Weakest first, from the stored figures: sorted and cut in the database.
    ranked = selectors.vendors_with_figures(visible).order_by(
        F("health_score").asc(nulls_last=True), "name", "pk"
    )

    if wants_csv(request):
        return csv_response(
            f"portfolio-health-{today:%Y-%m-%d}.csv",
            [
                "Vendor",
                "Tier",
                "Status",
                "Owner",
                "Health",
                "Reviews",
                "SLA 90d",
                "Goals on track",
                "Clause coverage",
                "Next review",
            ],
            (
                [
                    v.name,
                    v.get_tier_display(),
                    v.get_status_display(),
                    v.owner.username,
                    v.health,
                    v.parts["reviews"],
                    v.parts["sla"],
                    v.parts["goals"],
                    v.parts["clauses"],
                    v.next_review_date,
                ]
                for v in map(with_health_one, ranked.iterator(chunk_size=2000))
            ),
        )

    vendors = with_health(ranked[:HEALTH_TABLE_LIMIT])

    editable = access.EditScope(request.user)
    reviews_qs = selectors.reviews_due(visible, today=today, days=REVIEWS_AHEAD_DAYS)
    incidents_qs = selectors.open_incidents(visible, now=now)
    clauses_qs = selectors.expiring_clauses(visible, today=today, days=CLAUSES_AHEAD_DAYS)
    goals_qs = selectors.goals_at_risk(visible, today=today, days=GOALS_AHEAD_DAYS)
    reviews = list(reviews_qs[:PANEL_LIMIT])
    incidents = list(incidents_qs[:PANEL_LIMIT])
    clauses = list(clauses_qs[:PANEL_LIMIT])
    for clause in clauses:
        # The date that put the clause on the panel: expiry or verification, whichever is first.
        clause.attention_date = min(
            day for day in (clause.expires_on, clause.next_verification_due) if day is not None
        )
    goals = list(goals_qs[:PANEL_LIMIT])

    notices_qs = (
        selectors.vendors_with_figures(visible)
        .filter(contract_end__gte=today, notice_deadline__lte=today + NOTICE_AHEAD)
        .order_by("notice_deadline", "name", "pk")
    )
    notices = list(notices_qs[:PANEL_LIMIT])

    horizon = now + dt.timedelta(days=MEETINGS_AHEAD_DAYS)
    occurrences = []
    for meeting in selectors.next_meetings(visible, now=now, end=horizon, limit=MEETINGS_SHOWN):
        for occurrence in selectors.meeting_occurrences(meeting, start=now, end=horizon):
            occurrences.append((occurrence, meeting))
    occurrences.sort(key=lambda pair: (pair[0].starts_at, pair[1].pk))

    clocks = running_notification_clocks(visible, now=now)
    unread = inbox_activities(request.user, unread=True)
    inbox_latest = with_urls(list(inbox_page_rows(unread)[:INBOX_SHOWN]))

    context = {
        "today": today,
        "clocks": [_clock_item(item, editable) for item in clocks[:CLOCKS_SHOWN]],
        "clocks_total": len(clocks),
        # Every vendor the user may see, ended ones too: a credit received from a vendor
        # whose contract ended in March still counts in this year's totals.
        "credit_totals": portfolio_credit_totals(
            selectors.vendors_for(request.user), year=today.year
        ),
        "vendors": vendors,
        "vendor_count": visible.count(),
        "reviews": reviews,
        "reviews_total": _total(reviews, reviews_qs),
        "overdue_reviews": sum(1 for r in reviews if r.scheduled_for < today),
        "incidents": incidents,
        "incidents_total": _total(incidents, incidents_qs),
        "breached": sum(1 for i in incidents if i.response_breached or i.resolution_breached),
        "clauses": clauses,
        "clauses_total": _total(clauses, clauses_qs),
        "goals": goals,
        "goals_total": _total(goals, goals_qs),
        "notices": notices,
        "notices_total": _total(notices, notices_qs),
        "meetings": occurrences[:MEETINGS_SHOWN],
        "inbox_latest": inbox_latest,
        "inbox_unread": len(inbox_latest) if len(inbox_latest) < INBOX_SHOWN else unread.count(),
        "attention": _attention(today, reviews, incidents, clauses, goals, notices, editable)[:12],
        "editable": editable,
        "can_create_vendor": access.can_create_vendor(request.user),
        "panel_limit": PANEL_LIMIT,
        "horizons": {
            "reviews": REVIEWS_AHEAD_DAYS,
            "clauses": CLAUSES_AHEAD_DAYS,
            "goals": GOALS_AHEAD_DAYS,
            "notices": NOTICE_AHEAD_DAYS,
            "meetings": MEETINGS_AHEAD_DAYS,
        },
    }
    return render(request, "governance/dashboard.html", context)


@dataclass
class ClockItem:
    """A running or overdue notification clock, as the top of the dashboard lists it."""

    name: str
    overdue: bool
    words: str
    due_at: dt.datetime
    incident: object
    url: str


def _clock_item(item, editable):
    return ClockItem(
        name=CLOCK_NAMES[item.whose],
        overdue=item.clock.late_by is not None,
        words=describe_clock(item.clock),
        due_at=item.clock.due_at,
        incident=item.incident,
        url=_record_url(item.incident, "incident-edit", editable),
    )


def _total(shown, queryset):
    """The panel's full size (the panel itself shows at most PANEL_LIMIT rows)."""
    return queryset.count()


def _attention(today, reviews, incidents, clauses, goals, notices, editable):
    """Everything overdue, breached or close, merged and sorted: the urgent first, then by date."""
    items = []
    for review in reviews:
        items.append(
            Attention(
                urgent=review.scheduled_for < today,
                when=review.scheduled_for,
                kind="Review overdue" if review.scheduled_for < today else "Review due",
                title=period(review.period_start, review.period_end),
                vendor=review.vendor,
                url=reverse("governance:review-detail", args=[review.vendor_id, review.pk]),
            )
        )
    for incident in incidents:
        breached = incident.response_breached or incident.resolution_breached
        due = incident.resolution_due_at or incident.opened_at
        items.append(
            Attention(
                urgent=breached,
                when=timezone.localtime(due).date(),
                kind="SLA breached" if breached else "Open incident",
                title=f"{incident.priority} {incident.title}",
                vendor=incident.vendor,
                url=_record_url(incident, "incident-edit", editable),
            )
        )
    for clause in clauses:
        day = clause.attention_date
        expired = clause.expires_on is not None and clause.expires_on < today
        items.append(
            Attention(
                urgent=expired or day < today,
                when=day,
                kind="Clause expired"
                if expired
                else ("Clause expiring" if day == clause.expires_on else "Verification due"),
                title=clause.get_clause_type_display(),
                vendor=clause.vendor,
                url=_record_url(clause, "clause-edit", editable),
            )
        )
    for goal in goals:
        items.append(
            Attention(
                urgent=goal.due_date < today,
                when=goal.due_date,
                kind="Goal at risk" if goal.status == goal.Status.AT_RISK else "Goal due",
                title=goal.title,
                vendor=goal.vendor,
                url=reverse("governance:goal-detail", args=[goal.vendor_id, goal.pk]),
            )
        )
    for vendor in notices:
        items.append(
            Attention(
                urgent=vendor.notice_deadline < today,
                when=vendor.notice_deadline,
                kind="Notice deadline",
                title=f"Contract ends {vendor.contract_end:%d %b %Y}",
                vendor=vendor,
                url=reverse("governance:vendor-detail", args=[vendor.pk]),
            )
        )
    items.sort(key=lambda item: (not item.urgent, item.when))
    return items


def _record_url(record, edit_view, editable):
    """The record's edit page for those who may change it, else its workspace section."""
    if record.vendor_id in editable:
        return reverse(f"governance:{edit_view}", args=[record.vendor_id, record.pk])
    return record.get_absolute_url()
