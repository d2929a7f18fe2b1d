"""The vendor portal's pages: one vendor's side of the relationship, for its representatives.

Every page is handed the representative's own vendor (``access.portal_vendor``) and looks
records up through it, so another vendor's ids are 404s, however they are guessed. Writes
go through the services, which stamp the times and keep the history; what they refuse comes
back as errors on the form.
"""

from copy import copy
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from governance import selectors, services
from governance.domain import access
from governance.domain.dates import day_text
from governance.domain.notification import describe_clock
from governance.models import ActionItem, CreditStatement, Goal, Incident, Review, ReviewScore
from governance.selectors import actions
from governance.selectors.escalation import escalation_matrix
from governance.web.pages import acknowledge_incident, paginate
from governance.web.portal.forms import (
    AcknowledgeForm,
    ActionItemStatusForm,
    MinutesSignOffForm,
    ProposalForm,
    ResolveForm,
    SecurityIncidentReportForm,
)
from governance.web.progress import check_in_form, record_progress
from governance.web.templatetags.governance_ui import CLOCK_TONES
from governance.web.views.escalation import matrix_rows

OVERVIEW_LIMIT = 5
OPEN_ACTION_STATUSES = (ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS)


def portal_view(view):
    """A portal page, for signed-in vendor representatives; it receives their vendor.

    Anonymous visitors go to the login page; anyone else signed in gets 403 (the internal
    team works in the internal application).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        vendor = access.portal_vendor(request.user)
        if vendor is None and access.is_vendor_rep(request.user):
            raise PermissionDenied("This vendor's portal closed when the relationship ended.")
        if vendor is None:
            raise PermissionDenied("The vendor portal is for vendor representatives.")
        return view(request, vendor, *args, **kwargs)

    return login_required(wrapper)


def _page(request, template, vendor, **context):
    return render(request, f"portal/{template}", {"vendor": vendor, **context})


def _list(request, vendor, title, table, items, **context):
    """A list page of the portal: ``items`` paginated in the ``table`` template (the internal
    UI's where the two show the same records, seen from the portal)."""
    page = paginate(request, items)
    return _page(
        request,
        "list.html",
        vendor,
        title=title,
        table_template=table,
        page=page,
        rows=page.object_list,
        **context,
    )


def _my_action_items(request, vendor):
    return (
        ActionItem.objects.filter(owner=request.user, vendor=vendor)
        .select_related("review", "meeting", "incident")
        .order_by("due_date", "id")
    )


@portal_view
def home(request, vendor):
    """What needs the vendor's attention: open incidents, reviews to acknowledge, what's next."""
    now = timezone.now()
    open_incidents = selectors.incidents_with_breach_flags(
        vendor.incidents.filter(status__in=Incident.OPEN_STATUSES), now=now
    )
    to_acknowledge = vendor.reviews.filter(
        status=Review.Status.COMPLETED, vendor_acknowledged_at__isnull=True
    )
    meetings = [m for m in selectors.meetings_with_next(vendor, now=now) if m.next_occurrence]
    return _page(
        request,
        "home.html",
        vendor,
        owner=vendor.owner,
        incidents=list(open_incidents[:OVERVIEW_LIMIT]),
        incidents_total=open_incidents.count(),
        reviews=list(to_acknowledge[:OVERVIEW_LIMIT]),
        meetings=meetings[:OVERVIEW_LIMIT],
        goals=list(vendor.goals.filter(status__in=Goal.ACTIVE_STATUSES)[:OVERVIEW_LIMIT]),
        action_items=list(
            _my_action_items(request, vendor).filter(status__in=OPEN_ACTION_STATUSES)[
                :OVERVIEW_LIMIT
            ]
        ),
    )


# --- goals ---------------------------------------------------------------------------------


@portal_view
def goal_list(request, vendor):
    goals = vendor.goals.select_related("vendor_owner").order_by("due_date", "id")
    return _list(request, vendor, "Shared goals", "governance/vendors/_goals_table.html", goals)


@portal_view
def goal_detail(request, vendor, goal_pk):
    """A shared goal and its progress; an active goal takes check-ins from the vendor too."""
    goal = get_object_or_404(vendor.goals.select_related("owner", "vendor_owner"), pk=goal_pk)
    open_for_progress = goal.status in Goal.ACTIVE_STATUSES
    if request.method == "POST" and not open_for_progress:
        raise PermissionDenied("Progress is recorded on agreed goals that are not closed.")
    form = check_in_form(request, goal)
    if record_progress(request, form):
        return redirect("governance:portal:goal-detail", goal.pk)
    return _page(
        request,
        "goal.html",
        vendor,
        goal=goal,
        form=form if open_for_progress else None,
        check_ins=goal.check_ins.select_related("author"),
    )


# --- reviews -------------------------------------------------------------------------------


@portal_view
def review_list(request, vendor):
    reviews = vendor.reviews.exclude(status=Review.Status.CANCELLED).order_by(
        "-scheduled_for", "-id"
    )
    return _list(request, vendor, "Reviews", "governance/vendors/_reviews_table.html", reviews)


@portal_view
def review_detail(request, vendor, review_pk):
    """A review: its outcome once completed, which the vendor acknowledges or disputes with a
    comment; the manager's answer to a dispute once given."""
    review = get_object_or_404(
        vendor.reviews.exclude(status=Review.Status.CANCELLED)
        .select_related("reviewer", "vendor_acknowledged_by", "dispute_answered_by")
        .prefetch_related("scores", "action_items__owner"),
        pk=review_pk,
    )
    completed = review.status == Review.Status.COMPLETED
    can_acknowledge = completed and review.vendor_acknowledged_at is None
    if request.method == "POST" and not can_acknowledge:
        raise PermissionDenied("Only a completed review not yet acknowledged can be.")
    form = AcknowledgeForm(request.POST or None)
    acknowledged = request.method == "POST" and form.save_with(
        lambda: services.review_acknowledge(
            review,
            by=request.user,
            comment=form.cleaned_data["comment"],
            dispute=form.cleaned_data["response"] == "dispute",
        )
    )
    if acknowledged:
        messages.success(
            request,
            "Your dispute was sent to the relationship's managers, who will answer it."
            if acknowledged.dispute_status == Review.DisputeStatus.OPEN
            else "Thank you: the review is acknowledged.",
        )
        return redirect("governance:portal:review-detail", review.pk)
    scores = {score.criterion: score for score in review.scores.all()}
    return _page(
        request,
        "review.html",
        vendor,
        review=review,
        completed=completed,
        rows=[(label, scores.get(value)) for value, label in ReviewScore.Criterion.choices],
        form=form if can_acknowledge else None,
    )


# --- meetings ------------------------------------------------------------------------------


@portal_view
def meeting_list(request, vendor):
    meetings = selectors.meetings_with_next(vendor, now=timezone.now())
    return _list(request, vendor, "Meetings", "governance/vendors/_meetings_table.html", meetings)


@portal_view
def meeting_detail(request, vendor, meeting_pk):
    """A meeting's schedule, agenda and minutes; the vendor proposes agenda items here."""
    meeting = get_object_or_404(vendor.meetings.prefetch_related("contacts"), pk=meeting_pk)
    form = ProposalForm(request.POST or None)
    proposed = request.method == "POST" and form.save_with(
        lambda: services.agenda_propose(
            meeting=meeting, author=request.user, text=form.cleaned_data["text"]
        )
    )
    if proposed:
        messages.success(request, "Your agenda item was proposed to the organisers.")
        return redirect("governance:portal:meeting-detail", meeting.pk)
    return _meeting_page(request, vendor, meeting, form=form)


def _meeting_page(request, vendor, meeting, *, form=None, sign_off=None, signing=None):
    """The meeting page, with the minutes shared with the vendor (each with the form to sign
    them off while they wait for it)."""
    shared = (
        meeting.occurrences.filter(minutes_status__in=SHARED_MINUTES)
        .select_related("signed_off_by")
        .prefetch_related("decisions")
        .order_by("-original_start")
    )
    return _page(
        request,
        "meeting.html",
        vendor,
        meeting=meeting,
        upcoming=selectors.upcoming_occurrences(meeting, now=timezone.now(), limit=8),
        proposals=meeting.proposals.select_related("author"),
        next_agenda=actions.next_agenda(meeting),
        form=form or ProposalForm(),
        shared_minutes=[
            (occurrence, sign_off if occurrence.pk == signing else MinutesSignOffForm())
            for occurrence in shared
        ],
    )


# Minutes the vendor sees: shared with them, and their answer once given.
SHARED_MINUTES = ("shared", "approved", "changes_requested")


@portal_view
@require_POST
def minutes_sign_off(request, vendor, meeting_pk, occurrence_pk):
    """A representative approves shared minutes, or asks for changes with a comment."""
    meeting = get_object_or_404(vendor.meetings, pk=meeting_pk)
    occurrence = get_object_or_404(
        meeting.occurrences.filter(minutes_status__in=SHARED_MINUTES), pk=occurrence_pk
    )
    form = MinutesSignOffForm(request.POST)
    signed = form.save_with(
        lambda: services.minutes_sign_off(
            occurrence,
            by=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["minutes_comment"],
        )
    )
    if signed:
        messages.success(request, "Your answer on the minutes was recorded.")
        return redirect("governance:portal:meeting-detail", meeting.pk)
    return _meeting_page(request, vendor, meeting, sign_off=form, signing=occurrence.pk)


# --- incidents -----------------------------------------------------------------------------


def _vendor_clock(clock):
    """The vendor's own notification clock, as the portal shows it (None: no clock runs).

    Only the vendor's: our clock towards the supervisory authority is our obligation, not
    theirs, and stays in the internal application.
    """
    if clock is None:
        return None
    return {
        "tone": CLOCK_TONES[clock.status],
        "words": describe_clock(clock),
        "due_at": clock.due_at,
    }


def _with_vendor_clocks(incidents):
    """``incidents`` (a list), each with ``vendor_clock``: two queries for all of them."""
    clocks = selectors.notification_clocks(incidents, now=timezone.now())
    for incident in incidents:
        incident.vendor_clock = _vendor_clock(clocks[incident.pk].vendor)
    return incidents


@portal_view
def incident_list(request, vendor):
    incidents = selectors.incidents_with_breach_flags(vendor.incidents.all()).order_by(
        "-opened_at", "-id"
    )
    page = paginate(request, incidents)
    return _page(
        request,
        "list.html",
        vendor,
        title="Incidents",
        table_template="portal/_incidents_table.html",
        page=page,
        rows=_with_vendor_clocks(list(page.object_list)),
        can_report=True,
    )


def _incident(vendor, incident_pk):
    return get_object_or_404(
        selectors.incidents_with_breach_flags(vendor.incidents.all()), pk=incident_pk
    )


def _incident_page(request, vendor, incident, form):
    (incident,) = _with_vendor_clocks([incident])
    return _page(request, "incident.html", vendor, incident=incident, form=form)


@portal_view
def incident_detail(request, vendor, incident_pk):
    return _incident_page(request, vendor, _incident(vendor, incident_pk), ResolveForm())


@portal_view
def incident_report(request, vendor):
    """Report a security incident of this vendor.

    The report is the vendor's notification to us, so the server stamps its time (and the
    incident's opening) now; the representative types when they detected it. Saved through
    ``services.incident_save``, as every other door saves an incident.
    """
    now = timezone.now()
    incident = Incident(
        vendor=vendor,
        category=Incident.Category.SECURITY,
        opened_at=now,
        vendor_notified_at=now,
    )
    form = SecurityIncidentReportForm(
        request.POST or None,
        instance=incident,
        reporter_name=request.user.get_full_name() or request.user.get_username(),
    )
    reported = request.method == "POST" and form.save_with(
        lambda: services.incident_save(form.instance, now=now, by=request.user)
    )
    if reported:
        messages.success(
            request,
            f"Thank you: security incident “{reported.title}” was reported; "
            f"we were notified at {day_text(timezone.localdate(now))}, "
            f"{timezone.localtime(now):%H:%M}.",
        )
        return redirect("governance:portal:incident-detail", reported.pk)
    return _page(request, "incident_report.html", vendor, form=form)


@require_POST
@portal_view
def incident_acknowledge(request, vendor, incident_pk):
    """Acknowledge an open incident now: the response time is stamped."""
    acknowledge_incident(request, _incident(vendor, incident_pk))
    return redirect("governance:portal:incident-detail", incident_pk)


@require_POST
@portal_view
def incident_resolve(request, vendor, incident_pk):
    """Resolve an open incident now, with its root cause: the resolution time is stamped."""
    incident = _incident(vendor, incident_pk)
    if incident.status not in Incident.OPEN_STATUSES:
        messages.info(request, "This incident is already resolved.")
        return redirect("governance:portal:incident-detail", incident.pk)
    form = ResolveForm(request.POST)
    # An empty answer keeps the root cause the team may already have written.
    resolved = form.save_with(
        lambda: services.incident_resolve(
            copy(incident), root_cause=form.cleaned_data["root_cause"] or None, by=request.user
        )
    )
    if resolved:
        messages.success(request, f"Incident “{incident.title}” was resolved.")
        return redirect("governance:portal:incident-detail", incident.pk)
    return _incident_page(request, vendor, incident, form)


# --- service credits -----------------------------------------------------------------------


@portal_view
def credit_list(request, vendor):
    """The vendor's monthly credit statements: figures and status, never the status note
    (internal: how we claimed it, why we waived it)."""
    statements = CreditStatement.objects.filter(vendor=vendor).order_by("-month")
    return _list(request, vendor, "Service credits", "portal/_credits_table.html", statements)


# --- action items --------------------------------------------------------------------------


@portal_view
def action_item_list(request, vendor):
    """The action items of this vendor's reviews assigned to the signed-in representative."""
    return _list(
        request,
        vendor,
        "My action items",
        "portal/_action_items_table.html",
        _my_action_items(request, vendor),
        statuses=ActionItem.Status.choices,
    )


@require_POST
@portal_view
def action_item_status(request, vendor, action_item_pk):
    item = get_object_or_404(_my_action_items(request, vendor), pk=action_item_pk)
    form = ActionItemStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the statuses.")
    else:
        services.action_item_status_set(item, status=form.cleaned_data["status"], by=request.user)
        messages.success(request, f"“{item}” is now {item.get_status_display().lower()}.")
    return redirect("governance:portal:action-item-list")


# --- escalation ----------------------------------------------------------------------------


@portal_view
def escalation(request, vendor):
    """The vendor's escalation matrix, read only: who to turn to on either side, how to
    reach them and the response expected (nothing else of our people or records)."""
    return _page(
        request,
        "escalation.html",
        vendor,
        matrix=matrix_rows(escalation_matrix(vendor)),
    )
