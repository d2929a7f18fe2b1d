"""The portfolio dashboard: what needs a person now, then the figures behind each list.

"Needs attention" comes first: what is running (SLA breaches, notification clocks) by
priority, then the rest, grouped per vendor; a person sets an item aside ("Handled", or
snoozed a day or a week) for themselves alone. The tiles count what the portfolio-wide lists
show for the same person and scope, and open those lists; each panel shows a few rows and
links to its list for the rest.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from governance import selectors
from governance.domain import access
from governance.models import AttentionDismissal, ListScope, Vendor
from governance.selectors.attention import (
    GOALS_AHEAD_DAYS,
    NOTICE_AHEAD_DAYS,
    REASONS,
    REVIEWS_AHEAD_DAYS,
    group_by_vendor,
    needs_attention,
)
from governance.selectors.dashboard import (
    credit_year_totals,
    portfolio_credit_totals,
    weakest_vendors,
)
from governance.selectors.inbox import inbox_activities, inbox_page_rows
from governance.selectors.portfolio import (
    portfolio_clauses,
    portfolio_goals,
    portfolio_incidents,
    portfolio_reviews,
    vendors_in_scope,
)
from governance.services.attention import attention_dismiss, attention_undo
from governance.services.portfolio import profile_list_scope_set
from governance.web.csv_export import csv_response, wants_csv
from governance.web.pages import act
from governance.web.views.actions import filtered_register
from governance.web.views.base import internal_view, next_url
from governance.web.views.inbox import with_urls
from governance.web.views.vendors import with_health, with_health_one

# "Needs attention": the vendors with the most urgent items, a few items each; the full list
# (``attention_list``) has every vendor.
ATTENTION_GROUPS = 4
ATTENTION_ITEMS = 3
ATTENTION_FULL_PER_KIND = 40
SET_ASIDE_SHOWN = 50
# Each panel shows the first few rows; its "See all" link opens the list with all of them.
PANEL_ROWS = 3
# The health table shows the weakest vendors; the vendor list (sorted by health) has them all.
HEALTH_TABLE_LIMIT = 3
MEETINGS_AHEAD_DAYS = 14
MEETINGS_SHOWN = 3
INBOX_SHOWN = 3
# The year's credits of the currencies most earned in; the others fold away.
CREDIT_CURRENCIES = 3
# The tiles' and panels' lists look this far ahead (the lists take the same numbers).
CLAUSES_EXPIRING_DAYS = 90
NOTICE_AHEAD = dt.timedelta(days=NOTICE_AHEAD_DAYS)
# The action-item register's switch, for the dashboard's scope.
REGISTER_SCOPES = {ListScope.MINE: "my_vendors", ListScope.TEAM: "all", ListScope.ALL: "all"}
SET_ASIDE = {
    "handled": "Marked as handled: it stays off your list.",
    "day": "Snoozed for a day.",
    "week": "Snoozed for a week.",
}


@dataclass
class Tile:
    """One figure of the summary: how many rows its list shows, and the link to that list."""

    name: str
    label: str
    count: int
    url: str
    tone: str = ""


@login_required
def dashboard(request):
    """The portfolio; a vendor representative lands on the vendor portal instead."""
    if access.is_vendor_rep(request.user):
        return redirect("governance:portal:home")
    return _portfolio(request)


def dashboard_scope(request):
    """The scope asked for (then remembered, as the lists remember it), else the one
    remembered, else all."""
    asked = request.GET.get("scope")
    if asked in ListScope.values:
        profile_list_scope_set(request.user, asked)
        return asked
    remembered = access.profile_of(request.user).list_scope
    return remembered if remembered in ListScope.values else ListScope.ALL


@internal_view
def _portfolio(request):
    now = timezone.now()
    today = timezone.localdate(now)
    scope = dashboard_scope(request)
    in_scope = vendors_in_scope(request.user, scope)
    visible = in_scope.exclude(status=Vendor.Status.ENDED)
    if wants_csv(request):
        # Every vendor weakest first (the page shows the first few: ``weakest_vendors``).
        ranked = selectors.vendors_with_figures(visible).order_by(
            F("health_score").asc(nulls_last=True), "name", "pk"
        )
        return _health_csv(ranked, today)

    editable = access.EditScope(request.user)
    # Enough of each kind for the first groups: one more of a vendor than shown (whether it
    # has more), and that many of as many vendors as there are groups.
    items = needs_attention(
        request.user,
        visible,
        now=now,
        today=today,
        per_kind=ATTENTION_GROUPS * (ATTENTION_ITEMS + 1),
        per_vendor=ATTENTION_ITEMS + 1,
    )
    groups = [_shown(group, editable) for group in group_by_vendor(items)[:ATTENTION_GROUPS]]

    tiles, lists = _tiles(request.user, scope, now, today)
    incidents = list(lists["incidents"][:PANEL_ROWS])
    reviews = list(lists["reviews"][:PANEL_ROWS])
    clauses = list(lists["clauses"][:PANEL_ROWS])
    goals = list(lists["goals"][:PANEL_ROWS])
    notices_qs = (
        selectors.vendors_with_figures(visible)
        .filter(
            contract_end__gte=today,
            notice_deadline__lte=today + dt.timedelta(days=NOTICE_AHEAD_DAYS),
        )
        .order_by("notice_deadline", "name", "pk")
    )
    notices = list(notices_qs[: PANEL_ROWS + 1])

    horizon = now + dt.timedelta(days=MEETINGS_AHEAD_DAYS)
    occurrences = []
    for meeting in selectors.next_meetings(visible, now=now, end=horizon, limit=MEETINGS_SHOWN):
        for occurrence in selectors.meeting_occurrences(meeting, start=now, end=horizon):
            occurrences.append((occurrence, meeting))
    occurrences.sort(key=lambda pair: (pair[0].starts_at, pair[1].pk))

    unread = inbox_activities(request.user, unread=True)
    inbox_latest = with_urls(list(inbox_page_rows(unread)[:INBOX_SHOWN]))
    all_vendors = access.vendors_for(request.user)
    vendor_total = all_vendors.count()
    # The stored sums when the person reads every vendor (every internal role does).
    year_totals = (
        credit_year_totals(year=today.year)
        if access.reads_whole_portfolio(request.user)
        else portfolio_credit_totals(all_vendors, year=today.year)
    )
    credits = sorted(year_totals, key=lambda totals: (-totals.earned, totals.currency))

    context = {
        "today": today,
        "scope": scope,
        "scopes": ListScope.choices,
        "attention_groups": groups,
        "tiles": tiles,
        "tile_of": {tile.name: tile for tile in tiles},
        # Every vendor the user may see, ended ones too: a credit received from a vendor
        # whose contract ended in March still counts in this year's totals.
        "credit_totals": credits[:CREDIT_CURRENCIES],
        "more_credits": credits[CREDIT_CURRENCIES:],
        "vendors": with_health(weakest_vendors(visible, limit=HEALTH_TABLE_LIMIT)),
        # As the vendor list counts them (ended ones too), and how many of them are current.
        "vendor_total": vendor_total,
        "vendor_ended": all_vendors.filter(status=Vendor.Status.ENDED).count(),
        "vendor_count": visible.count(),
        "incidents": incidents,
        "reviews": reviews,
        "clauses": clauses,
        "goals": goals,
        "notices": notices[:PANEL_ROWS],
        "notices_more": len(notices) > PANEL_ROWS,
        "meetings": occurrences[:MEETINGS_SHOWN],
        "inbox_latest": inbox_latest,
        "inbox_unread": len(inbox_latest) if len(inbox_latest) < INBOX_SHOWN else unread.count(),
        "editable": editable,
        "can_create_vendor": access.can_create_vendor(request.user),
        "horizons": {
            "reviews": REVIEWS_AHEAD_DAYS,
            "clauses": CLAUSES_EXPIRING_DAYS,
            "goals": GOALS_AHEAD_DAYS,
            "notices": NOTICE_AHEAD_DAYS,
            "meetings": MEETINGS_AHEAD_DAYS,
        },
    }
    return render(request, "governance/dashboard.html", context)


def _tiles(user, scope, now, today):
    """The summary tiles, each counting its list's rows with that list's own selector and
    filters (so the two say the same), and those lists for the panels' first rows."""

    def link(name, **filters):
        return f"{reverse(name)}?{urlencode({**filters, 'scope': scope})}"

    def of(selector, **filters):
        return selector(user, scope=scope, filters=filters)

    lists = {
        "incidents": portfolio_incidents(user, scope=scope, filters={"status": "open"}, now=now),
        "reviews": portfolio_reviews(user, scope=scope, filters={"due": "soon"}, today=today),
        "clauses": portfolio_clauses(
            user, scope=scope, filters={"expiring": CLAUSES_EXPIRING_DAYS}, today=today
        ),
        "goals": portfolio_goals(user, scope=scope, filters={"status": "at_risk"}, today=today),
    }
    register_scope = REGISTER_SCOPES[scope]
    overdue_actions = filtered_register(
        user, {"overdue": True}, scope=register_scope, today=today
    ).count()
    breaches = of(portfolio_incidents, breach="1").count()
    clauses = lists["clauses"].count()
    goals_at_risk = lists["goals"].count()
    overdue_reviews = of(portfolio_reviews, due="overdue").count()
    goals_due = of(portfolio_goals, due_within=GOALS_AHEAD_DAYS).count()
    tiles = [
        Tile(
            "breaches",
            "SLA breaches open",
            breaches,
            link("governance:portfolio-incidents", breach="1"),
            "poor" if breaches else "",
        ),
        Tile(
            "incidents",
            "open incidents",
            lists["incidents"].count(),
            link("governance:portfolio-incidents", status="open"),
        ),
        Tile(
            "reviews_overdue",
            "reviews overdue",
            overdue_reviews,
            link("governance:portfolio-reviews", due="overdue"),
            "poor" if overdue_reviews else "",
        ),
        Tile(
            "reviews_upcoming",
            f"reviews due in {REVIEWS_AHEAD_DAYS} days",
            of(portfolio_reviews, due="upcoming").count(),
            link("governance:portfolio-reviews", due="upcoming"),
        ),
        Tile(
            "clauses",
            f"clauses expiring or to verify, {CLAUSES_EXPIRING_DAYS} days",
            clauses,
            link("governance:portfolio-clauses", expiring=CLAUSES_EXPIRING_DAYS),
            "fair" if clauses else "",
        ),
        Tile(
            "goals",
            "goals at risk",
            goals_at_risk,
            link("governance:portfolio-goals", status="at_risk"),
            "fair" if goals_at_risk else "",
        ),
        Tile(
            "goals_due",
            f"goals due in {GOALS_AHEAD_DAYS} days",
            goals_due,
            link("governance:portfolio-goals", due_within=GOALS_AHEAD_DAYS),
        ),
        Tile(
            "actions",
            "action items overdue",
            overdue_actions,
            f"{reverse('governance:action-item-list')}?"
            + urlencode({"scope": register_scope, "overdue": "on"}),
            "poor" if overdue_actions else "",
        ),
    ]
    return tiles, lists


def _health_csv(ranked, today):
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


@dataclass
class ShownGroup:
    """A vendor's first items on the dashboard, and whether it has more (the full list)."""

    vendor: Vendor
    items: list
    more: bool


def _shown(group, editable):
    shown = [_with_url(item, editable) for item in group.items[:ATTENTION_ITEMS]]
    return ShownGroup(group.vendor, shown, len(group.items) > len(shown))


RECORD_PAGES = {
    "incident": "incident-edit",
    "securityclause": "clause-edit",
}


def _with_url(item, editable):
    """``item`` with its ``url``: the record's page (the edit page of an incident or a clause
    the person may change, else its workspace section)."""
    record = item.record
    kind = item.kind
    if kind == "vendor":
        item.url = reverse("governance:vendor-detail", args=[record.pk])
    elif kind == "review":
        item.url = reverse("governance:review-detail", args=[record.vendor_id, record.pk])
    elif kind == "goal":
        item.url = reverse("governance:goal-detail", args=[record.vendor_id, record.pk])
    elif record.vendor_id in editable:
        item.url = reverse(f"governance:{RECORD_PAGES[kind]}", args=[record.vendor_id, record.pk])
    else:
        item.url = record.get_absolute_url()
    return item


@internal_view
def attention_list(request):
    """Every vendor's items that need the person (the dashboard shows the first few), and
    the items they set aside that are still hidden, each with "Bring back"."""
    now = timezone.now()
    today = timezone.localdate(now)
    scope = dashboard_scope(request)
    visible = vendors_in_scope(request.user, scope).exclude(status=Vendor.Status.ENDED)
    editable = access.EditScope(request.user)
    items = needs_attention(
        request.user, visible, now=now, today=today, per_kind=ATTENTION_FULL_PER_KIND
    )
    groups = group_by_vendor(items)
    for group in groups:
        group.items = [_with_url(item, editable) for item in group.items]
    set_aside = list(
        AttentionDismissal.objects.filter(user=request.user)
        .exclude(until__lte=now)
        .order_by("-created_at", "-pk")[:SET_ASIDE_SHOWN]
    )
    for dismissal in set_aside:
        kind, pk, reason = dismissal.key.split(":")
        dismissal.label = f"{REASONS.get(reason, reason)} ({kind} {pk})"
    return render(
        request,
        "governance/dashboard_attention.html",
        {
            "groups": groups,
            "per_kind": ATTENTION_FULL_PER_KIND,
            "set_aside": set_aside,
            "scope": scope,
            "scopes": ListScope.choices,
            "now": now,
        },
    )


@require_POST
@internal_view
def attention_set_aside(request):
    """The "Handled" and "Snooze" buttons of an item: for the person alone."""
    choice = request.POST.get("choice", "")
    act(
        request,
        lambda: attention_dismiss(request.user, key=request.POST.get("key", ""), choice=choice),
        SET_ASIDE.get(choice, ""),
    )
    return redirect(next_url(request, reverse("governance:dashboard")))


@require_POST
@internal_view
def attention_bring_back(request):
    """Undo a "Handled" or a snooze: the item shows again."""
    act(
        request,
        lambda: attention_undo(request.user, key=request.POST.get("key", "")),
        "It is back on your list.",
    )
    return redirect(next_url(request, reverse("governance:attention-list")))
