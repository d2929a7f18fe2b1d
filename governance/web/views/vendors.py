"""The vendor list, creating and editing vendors, the workspace and the printable scorecard."""

import datetime as dt
from copy import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.shortcuts import redirect, render
from django.utils import timezone

from governance import selectors, services
from governance.domain import access, scheduling
from governance.domain.notification import describe_clock
from governance.models import (
    ActionItem,
    Cadence,
    Goal,
    Incident,
    Review,
    ReviewScore,
    Service,
    Vendor,
)
from governance.selectors.actions import action_item_register
from governance.selectors.escalation import escalation_matrix
from governance.selectors.vendor_obligations import credit_card, credits_in_period, ticking_clocks
from governance.web import charts
from governance.web.csv_export import csv_response, person_cell, wants_csv
from governance.web.forms import VendorFilterForm, VendorForm
from governance.web.pages import PAGE_SIZE, paginate
from governance.web.templatetags.governance_ui import CLOCK_TONES
from governance.web.views.base import editable_vendor_for, internal_view, vendor_for
from governance.web.views.editing import RecordFormView
from governance.web.views.escalation import matrix_rows

WORKSPACE_LIMIT = 8

SORTS = {
    "name": ["name"],
    "health": [F("health_score").asc(nulls_last=True), "name"],
    "tier": ["tier_rank", "name"],
    "status": ["status", "name"],
    "next_review": ["next_review_date", "name"],
    "contract_end": ["contract_end", "name"],
    "owner": ["owner__username", "name"],
}


def with_health_one(vendor):
    """``vendor`` (annotated by ``vendors_with_figures`` or ``vendors_with_metrics``) with its
    health parts and figure."""
    vendor.parts = selectors.health_parts(vendor)
    vendor.health = selectors.health_score(vendor.parts)
    vendor.notice_deadline = _notice_deadline(vendor)
    return vendor


def _label(choices, code):
    """The label people read for a stored choice ``code`` (the code itself if unknown)."""
    return dict(choices.choices).get(code, code)


def with_health(vendors):
    """``vendors`` as a list, each with its health parts and figure (``with_health_one``)."""
    return [with_health_one(vendor) for vendor in vendors]


@internal_view
def vendor_list(request):
    owners = list(selectors.vendor_owners(request.user))
    form = VendorFilterForm(request.GET or None, owners=owners)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.vendor_list(
        request.user,
        q=filters.get("q", "").strip(),
        tier=filters.get("tier", ""),
        status=filters.get("status", ""),
        service=filters.get("service", ""),
        owner_id=filters.get("owner") or None,
    )
    sort = filters.get("sort") or "name"
    vendors = queryset.order_by(*SORTS.get(sort, SORTS["name"]))

    if wants_csv(request):
        rows = map(with_health_one, vendors.iterator(chunk_size=2000))
        return csv_response(
            "vendors.csv",
            [
                "Name",
                "Services",
                "Tier",
                "Status",
                "Owner",
                "Country",
                "Time zone",
                "Contract start",
                "Contract end",
                "Notice deadline",
                "Annual value",
                "Currency",
                "Review cadence",
                "Next review",
                "Health",
                "SLA 90d",
                "Clause coverage",
            ],
            (
                [
                    v.name,
                    ", ".join(_label(Service, code) for code in v.services),
                    v.get_tier_display(),
                    v.get_status_display(),
                    person_cell(v.owner),
                    v.country,
                    v.time_zone,
                    v.contract_start,
                    v.contract_end,
                    v.notice_deadline,
                    v.annual_value,
                    v.currency,
                    _label(Cadence, v.effective_cadence),
                    v.next_review_date,
                    v.health,
                    v.parts["sla"],
                    v.parts["clauses"],
                ]
                for v in rows
            ),
        )

    page = paginate(request, vendors, per_page=filters.get("per_page") or PAGE_SIZE)
    page.object_list = with_health(page.object_list)
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "filtered": bool(request.GET),
        "can_create_vendor": access.can_create_vendor(request.user),
    }
    template = "governance/vendors/list.html"
    if request.htmx:
        template = "governance/vendors/_results.html"
    return render(request, template, context)


class VendorFormView(RecordFormView):
    """Add a vendor, or edit one (with ``pk``): its fields and, for those who may hand it
    over, its owner and assigned managers (``services.vendor_create`` / ``vendor_update``)."""

    model = Vendor
    form_class = VendorForm

    def prepare(self):
        if "pk" in self.kwargs:
            self.vendor = self.record = editable_vendor_for(self.request, self.kwargs["pk"])
            self.may_assign = access.can_assign_vendor(self.request.user, self.vendor)
        else:
            if not access.can_create_vendor(self.request.user):
                raise PermissionDenied("Your role does not allow adding vendors.")
            self.vendor = self.record = None
            self.may_assign = True
        return None

    def form_kwargs(self):
        if self.adding:
            initial = {"owner": self.request.user, "time_zone": "UTC"}
            return {"initial": initial, "may_assign": True}
        return {"instance": copy(self.record), "may_assign": self.may_assign}

    def save(self, form):
        managers = form.cleaned_data["managers"] if self.may_assign else None
        if self.adding:
            return services.vendor_create(managers=managers, **form.vendor_data())
        return services.vendor_update(form.instance, managers=managers, **form.vendor_data())

    def success_message(self, vendor):
        return super().success_message(vendor.name)

    def success_url(self, vendor):
        return vendor.get_absolute_url()

    def context(self, form):
        return {"form": form, "vendor": self.record, "may_assign": self.may_assign}


vendor_form = VendorFormView.as_view()


@internal_view
def vendor_delete(request, pk):
    vendor = vendor_for(request, pk)
    if not access.can_assign_vendor(request.user, vendor):
        raise PermissionDenied("Only the vendor's owner or an administrator may delete it.")
    history = services.vendor_history_counts(vendor)
    if request.method == "POST":
        try:
            services.vendor_delete(vendor)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(vendor)
        messages.success(request, f"{vendor.name} was deleted.")
        return redirect("governance:vendor-list")
    return render(request, "governance/vendors/delete.html", {"vendor": vendor, "history": history})


@internal_view
def vendor_detail(request, pk):
    """The vendor's workspace: overview and scorecard, then one section per kind of record."""
    vendor = vendor_for(request, pk)
    now = timezone.now()
    scorecard = selectors.vendor_scorecard(vendor, now=now)
    can_edit = access.can_edit_vendor(request.user, vendor)
    goals = list(
        vendor.goals.select_related("owner", "vendor_owner").order_by("due_date", "id")[
            : WORKSPACE_LIMIT * 2
        ]
    )
    reviews = list(vendor.reviews.select_related("reviewer")[:WORKSPACE_LIMIT])
    incidents = list(
        selectors.incidents_with_breach_flags(vendor.incidents.all(), now=now)[:WORKSPACE_LIMIT]
    )
    # One more than shown: whether the register has more (without counting them).
    action_items = list(
        action_item_register(request.user, today=timezone.localdate(now)).filter(
            vendor=vendor, status__in=ActionItem.OPEN_STATUSES
        )[: WORKSPACE_LIMIT + 1]
    )
    context = {
        "vendor": vendor,
        "scorecard": scorecard,
        "notice_deadline": _notice_deadline(vendor),
        "goals": goals,
        "reviews": reviews,
        "open_review": next(
            (r for r in reversed(reviews) if r.status in Review.OPEN_STATUSES), None
        ),
        "meetings": selectors.meetings_with_next(vendor, now=now),
        "sla_targets": list(vendor.sla_targets.all()),
        "incidents": incidents,
        "open_incident_count": vendor.incidents.filter(status__in=Incident.OPEN_STATUSES).count(),
        "coverage": selectors.clause_coverage(vendor),
        "action_items": action_items[:WORKSPACE_LIMIT],
        "more_action_items": len(action_items) > WORKSPACE_LIMIT,
        "statuses": ActionItem.Status.choices,
        # The rows' buttons ask "may change this vendor?" of it: the answer is ``can_edit``.
        "edit_scope": {vendor.pk} if can_edit else set(),
        "escalation": matrix_rows(escalation_matrix(vendor)),
        "contacts": list(vendor.contacts.all()),
        "reminders": list(selectors.vendor_reminders(vendor)[:WORKSPACE_LIMIT]),
        "counts": {
            "goals": vendor.goals.count(),
            "reviews": vendor.reviews.count(),
            "incidents": vendor.incidents.count(),
            "reminders": vendor.reminders.count(),
        },
        "limit": WORKSPACE_LIMIT,
        "can_edit": can_edit,
        "can_view_history": access.can_view_history(request.user),
        "clock_rows": _clock_rows(ticking_clocks(vendor, now=now)),
        "credit_card": credit_card(vendor, now=now),
        **vendor_charts(vendor, now),
    }
    return render(request, "governance/vendors/detail.html", context)


def _clock_rows(rows):
    """The clocks card's rows: each incident with its vendor and authority clock in words."""
    return [
        {
            "incident": row.incident,
            "clocks": [
                None
                if clock is None
                else {
                    "tone": CLOCK_TONES[clock.status],
                    "words": describe_clock(clock),
                    "due_at": clock.due_at,
                }
                for clock in (row.vendor, row.authority)
            ],
        }
        for row in rows
    ]


@internal_view
def vendor_scorecard(request, pk):
    """The scorecard as a one-page quarterly business review (see the print stylesheet)."""
    vendor = vendor_for(request, pk)
    now = timezone.now()
    scorecard = selectors.vendor_scorecard(vendor, now=now)
    start, end = selectors.sla_window(now)
    context = {
        "vendor": vendor,
        "scorecard": scorecard,
        "notice_deadline": _notice_deadline(vendor),
        # The months the scorecard's SLA window touches.
        "credits": credits_in_period(vendor, start=start, end=end),
        "goals": list(
            vendor.goals.filter(status__in=Goal.ACTIVE_STATUSES).select_related("owner")[:8]
        ),
        "action_items": list(
            _open_action_items(vendor).select_related("owner", "review")[:8],
        ),
        "coverage": selectors.clause_coverage(vendor),
        "meetings": selectors.meetings_with_next(vendor, now=now)[:4],
        "criteria_labels": ReviewScore.Criterion.choices,
        **vendor_charts(vendor, now),
    }
    return render(request, "governance/vendors/scorecard.html", context)


def _open_action_items(vendor):
    return ActionItem.objects.filter(
        review__vendor=vendor,
        status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS],
    ).order_by("due_date", "id")


def _notice_deadline(vendor):
    return scheduling.notice_deadline(vendor.contract_end, vendor.renewal_notice_days)


def vendor_charts(vendor, now):
    """The workspace's charts: review scores per criterion over time, monthly SLA compliance."""
    history = selectors.review_score_history(vendor)
    x_labels = [review.scheduled_for.strftime("%b %Y") for review in history]
    series = []
    for number, (criterion, label) in enumerate(ReviewScore.Criterion.choices):
        values = []
        for review in history:
            match = [s.score for s in review.scores.all() if s.criterion == criterion]
            values.append(match[0] if match else None)
        if any(value is not None for value in values):
            series.append({"label": label, "values": values, "colour": charts.PALETTE[number]})
    if history:
        series.append(
            {
                "label": "Overall",
                "values": [review.overall_score for review in history],
                "colour": "#1f2937",
                "emphasis": True,
                "dashed": True,
            }
        )
    months = _last_months(now, 12)
    by_month = {
        (row["month"].year, row["month"].month): row
        for row in selectors.sla_compliance_by_month(vendor, now=now)
    }
    sla_rows = [
        {"label": label, **by_month.get(key, {"met": 0, "breached": 0, "compliance": None})}
        for key, label in months
    ]
    return {
        "score_history": history,
        "score_series": series,
        "score_labels": x_labels,
        "score_chart": (
            charts.line_chart(
                title=f"Review scores of {vendor.name} over time",
                x_labels=x_labels,
                series=series,
            )
            if history
            else None
        ),
        "sla_months": sla_rows,
        "sla_chart": (
            charts.bar_chart(
                title=f"Monthly SLA compliance of {vendor.name}",
                x_labels=[row["label"] for row in sla_rows],
                values=[row["compliance"] for row in sla_rows],
                target=95,
            )
            if any(row["compliance"] is not None for row in sla_rows)
            else None
        ),
    }


def _last_months(now, count):
    """[((year, month), "Jan"), ...]: ``count`` months up to ``now``'s month, oldest first."""
    local = timezone.localtime(now)
    year, month = local.year, local.month
    keys = []
    for _ in range(count):
        keys.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    keys.reverse()
    return [((y, m), dt.date(y, m, 1).strftime("%b")) for y, m in keys]
