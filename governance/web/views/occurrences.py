"""A meeting's occurrences: cancel, restore or move one, record it as held (minutes, who
attended, decisions) and share its minutes with the vendor.

An occurrence is addressed by its instance (its original start in UTC, as in a calendar's
RECURRENCE-ID), so an instance without a record yet has a page like one with.
"""

import datetime as dt

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from governance import selectors, services
from governance.domain import access, recurrence, zones
from governance.models import ActionItem
from governance.selectors.actions import carried_action_items, occurrence_action_items
from governance.web.forms.actions import OccurrenceActionItemForm
from governance.web.forms.occurrences import DecisionForm, OccurrenceMoveForm, OccurrenceRecordForm
from governance.web.pages import act
from governance.web.views.base import internal_view, require_edit, vendor_record

INSTANCE_FORMAT = "%Y%m%dT%H%M%SZ"


def instance_key(moment):
    """The URL key of an instance (its original start)."""
    return moment.astimezone(dt.UTC).strftime(INSTANCE_FORMAT)


def _occurrence(request, pk, meeting_pk, instance):
    vendor, meeting = vendor_record(request, pk, "meetings", meeting_pk)
    try:
        original_start = dt.datetime.strptime(instance, INSTANCE_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError as error:
        raise Http404("No such occurrence.") from error
    occurrence = services.occurrence_of(meeting, original_start)
    if occurrence.pk is None and not recurrence.is_instance(
        **selectors.series_of(meeting), moment=original_start
    ):
        raise Http404("The meeting has no occurrence at this time.")
    return vendor, meeting, occurrence


def _page(meeting, occurrence):
    return reverse(
        "governance:occurrence-detail",
        args=[meeting.vendor_id, meeting.pk, instance_key(occurrence.original_start)],
    )


@internal_view
def occurrence_detail(request, pk, meeting_pk, instance):
    """One occurrence: when, its status, and (to those who may change the vendor's records)
    the forms to move it, record it as held, log its decisions."""
    vendor, meeting, occurrence = _occurrence(request, pk, meeting_pk, instance)
    can_edit = access.can_edit_vendor(request.user, vendor)
    which = request.POST.get("form") if request.method == "POST" else None
    if which is not None:
        require_edit(request, vendor)
    move = OccurrenceMoveForm(request.POST if which == "move" else None, meeting=meeting)
    record = OccurrenceRecordForm(
        request.POST if which == "record" else None, instance=occurrence, vendor=vendor
    )
    decision = DecisionForm(request.POST if which == "decision" else None, vendor=vendor)
    item = (
        OccurrenceActionItemForm(
            request.POST if which == "item" else None, instance=ActionItem(), occurrence=occurrence
        )
        if occurrence.pk
        else None
    )
    done = None
    if which == "move":
        done = move.save_with(
            lambda: services.occurrence_move(occurrence, starts_at=move.starts_at())
        )
    elif which == "record":
        done = record.save_with(
            lambda: services.occurrence_record(
                occurrence, minutes=record.cleaned_data["minutes"], **record.related()
            )
        )
    elif which == "decision":
        decision.instance.occurrence = occurrence
        done = decision.save_with(
            lambda: services.decision_add(
                occurrence, text=decision.cleaned_data["text"], by=request.user
            )
        )
    elif which == "item" and item is not None:
        done = item.save_with(lambda: services.action_item_save(item.instance))
    if done is not None:
        if which == "item":
            return redirect(_page(meeting, occurrence) + "#action-items")
        return redirect(_page(meeting, done if which != "decision" else occurrence))
    zone = zones.zone_or_utc(meeting.time_zone)
    if not move.is_bound:
        local = occurrence.effective_start.astimezone(zone)
        move.initial = {"date": local.date(), "time": local.time().replace(second=0)}
    return render(
        request,
        "governance/meetings/occurrence.html",
        {
            "vendor": vendor,
            "meeting": meeting,
            "occurrence": occurrence,
            "starts_local": occurrence.effective_start.astimezone(zone),
            "original_local": occurrence.original_start.astimezone(zone),
            "decisions": list(occurrence.decisions.select_related("recorded_by"))
            if occurrence.pk
            else [],
            "move_form": move,
            "record_form": record,
            "decision_form": decision,
            "item_form": item,
            "action_items": occurrence_action_items(occurrence),
            "carried": carried_action_items(meeting, occurrence),
            "edit_scope": {vendor.pk} if can_edit else set(),
            "statuses": ActionItem.Status.choices,
            "can_edit": can_edit,
            "instance": instance,
        },
    )


ACTIONS = {
    "cancel": (services.occurrence_cancel, "The occurrence was cancelled."),
    "restore": (services.occurrence_restore, "The occurrence is scheduled again."),
    "share": (services.minutes_share, "The minutes were shared with the vendor."),
}


@require_POST
@internal_view
def occurrence_action(request, pk, meeting_pk, instance, verb):
    """Cancel, restore, or share the minutes of one occurrence (a button each)."""
    if verb not in ACTIONS:
        raise Http404("No such action.")
    vendor, meeting, occurrence = _occurrence(request, pk, meeting_pk, instance)
    require_edit(request, vendor)
    service, success = ACTIONS[verb]
    act(request, lambda: service(occurrence), success)
    if request.POST.get("back") == "meeting":
        return redirect(
            reverse("governance:meeting-detail", args=[vendor.pk, meeting.pk]) + "#occurrences"
        )
    return redirect(_page(meeting, occurrence))
