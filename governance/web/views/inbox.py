"""The inbox: what vendor representatives did, newest first, unread marked; mark read."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from governance import services
from governance.selectors.inbox import inbox_activities, inbox_page_rows
from governance.web.forms.base import by_typed_vendor
from governance.web.forms.inbox import InboxFilterForm
from governance.web.pages import paginate
from governance.web.views.base import internal_view, next_url
from governance.web.views.occurrences import instance_key


def subject_url(activity):
    """The internal page of the record ``activity`` is about (its subject FKs read with it)."""
    vendor_id = activity.vendor_id
    if activity.review_id:
        return reverse("governance:review-detail", args=[vendor_id, activity.review_id])
    if activity.occurrence_id:
        occurrence = activity.occurrence
        return reverse(
            "governance:occurrence-detail",
            args=[vendor_id, occurrence.meeting_id, instance_key(occurrence.original_start)],
        )
    if activity.proposal_id:
        meeting_id = activity.meeting_id or activity.proposal.meeting_id
        return reverse("governance:meeting-detail", args=[vendor_id, meeting_id]) + "#proposals-h"
    if activity.goal_id:
        return reverse("governance:goal-detail", args=[vendor_id, activity.goal_id])
    if activity.incident_id:
        return (
            reverse("governance:incident-list", args=[vendor_id])
            + f"#incident-{activity.incident_id}"
        )
    return reverse("governance:action-item-list") + f"?vendor={vendor_id}&status=any"


def with_urls(activities):
    """``activities`` (a list), each with ``url``: its subject's page."""
    for activity in activities:
        activity.url = subject_url(activity)
    return activities


@internal_view
def inbox(request):
    """The activities of the vendors the user answers for, newest first, with filters."""
    form = InboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    activities = inbox_activities(
        request.user,
        unread=filters.get("unread", False),
        kind=filters.get("kind") or None,
    )
    activities = by_typed_vendor(activities, filters)
    page = paginate(request, inbox_page_rows(activities))
    return render(
        request,
        "governance/inbox/list.html",
        {
            "form": form,
            "page": page,
            "rows": with_urls(list(page.object_list)),
            "filtered": bool(set(request.GET) - {"page"}),
        },
    )


@require_POST
@internal_view
def inbox_mark_read(request):
    """Mark the posted activities (``activity``, one or more ids) read for the user."""
    ids = [int(raw) for raw in request.POST.getlist("activity") if raw.isdigit() and len(raw) < 19]
    services.activities_mark_read(request.user, ids=ids)
    return redirect(next_url(request, reverse("governance:inbox")))


@require_POST
@internal_view
def inbox_mark_all_read(request):
    count = services.inbox_mark_all_read(request.user)
    messages.success(request, f"{count} marked read." if count else "Nothing was unread.")
    return redirect(next_url(request, reverse("governance:inbox")))
