"""Meetings: recurring in their own time zone, agenda and minutes, .ics downloads."""

import datetime as dt
import zoneinfo
from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from governance import services
from governance.domain import access
from governance.domain import ical as ics
from governance.domain.text import file_slug
from governance.models import AgendaProposal, Meeting
from governance.web.forms import MeetingForm
from governance.web.views.base import (
    editable_vendor_for,
    internal_view,
    save_valid,
    section_page,
    vendor_for,
)
from governance.web.views.vendors import meetings_with_next

CSV_HEADER = [
    "Title",
    "Kind",
    "First start (local)",
    "Time zone",
    "Duration (min)",
    "Recurrence",
    "Next occurrence",
    "Channel",
    "Link or place",
    "Attendees",
    "Contacts",
]


def _csv_row(meeting):
    return [
        meeting.title,
        meeting.get_kind_display(),
        meeting.starts_at.astimezone(_zone(meeting))
        .replace(tzinfo=None)
        .isoformat(timespec="minutes"),
        meeting.time_zone,
        meeting.duration_minutes,
        meeting.recurrence,
        meeting.next_occurrence.starts_at if meeting.next_occurrence else None,
        meeting.get_channel_display(),
        meeting.location,
        ", ".join(user.username for user in meeting.attendees.all()),
        ", ".join(contact.name for contact in meeting.contacts.all()),
    ]


def _zone(meeting):
    return zoneinfo.ZoneInfo(meeting.time_zone)


@internal_view
def meeting_list(request, pk):
    vendor = vendor_for(request, pk)
    return section_page(
        request,
        vendor,
        section="meetings",
        title="Meetings",
        items=meetings_with_next(vendor, timezone.now()),
        template="governance/vendors/_meetings_table.html",
        csv=(CSV_HEADER, _csv_row),
    )


def _save(form):
    return services.meeting_save(
        form.instance,
        attendees=form.cleaned_data["attendees"],
        contacts=form.cleaned_data["contacts"],
    )


@internal_view
def meeting_create(request, pk):
    vendor = editable_vendor_for(request, pk)
    form = MeetingForm(request.POST or None, instance=Meeting(vendor=vendor), vendor=vendor)
    meeting = save_valid(request, form, lambda: _save(form))
    if meeting:
        messages.success(request, f"“{meeting.title}” was scheduled.")
        return redirect("governance:meeting-detail", vendor.pk, meeting.pk)
    return render(
        request,
        "governance/meetings/form.html",
        {"vendor": vendor, "form": form, "meeting": None},
    )


@internal_view
def meeting_edit(request, pk, meeting_pk):
    vendor = editable_vendor_for(request, pk)
    meeting = get_object_or_404(vendor.meetings, pk=meeting_pk)
    form = MeetingForm(request.POST or None, instance=copy(meeting), vendor=vendor)
    saved = save_valid(request, form, lambda: _save(form))
    if saved:
        messages.success(request, f"“{saved.title}” was saved.")
        return redirect("governance:meeting-detail", vendor.pk, saved.pk)
    return render(
        request,
        "governance/meetings/form.html",
        {"vendor": vendor, "form": form, "meeting": meeting},
    )


@internal_view
def meeting_detail(request, pk, meeting_pk):
    vendor = vendor_for(request, pk)
    meeting = get_object_or_404(
        vendor.meetings.prefetch_related("attendees", "contacts"), pk=meeting_pk
    )
    now = timezone.now()
    upcoming = services.meeting_occurrences(meeting, start=now, end=now + dt.timedelta(days=400))
    return render(
        request,
        "governance/meetings/detail.html",
        {
            "vendor": vendor,
            "meeting": meeting,
            "upcoming": upcoming[:8],
            "first_local": meeting.starts_at.astimezone(_zone(meeting)),
            "proposals": meeting.proposals.select_related("author"),
            "can_edit": access.can_edit_vendor(request.user, vendor),
        },
    )


@require_POST
@internal_view
def proposal_decide(request, pk, meeting_pk, proposal_pk):
    """Accept (the item joins the agenda) or decline an agenda item the vendor proposed."""
    vendor = editable_vendor_for(request, pk)
    proposal = get_object_or_404(
        AgendaProposal.objects.filter(meeting__vendor=vendor, meeting_id=meeting_pk),
        pk=proposal_pk,
    )
    decision = request.POST.get("decision")
    if decision not in ("accept", "decline"):
        messages.error(request, "Choose to accept or decline the proposal.")
    else:
        try:
            services.agenda_proposal_decide(proposal, accept=decision == "accept")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                "The item was added to the agenda."
                if decision == "accept"
                else "The proposal was declined.",
            )
    return redirect("governance:meeting-detail", vendor.pk, meeting_pk)


@internal_view
def meeting_download(request, pk, meeting_pk):
    """The meeting (all its occurrences) as an .ics file to import into a calendar."""
    vendor = vendor_for(request, pk)
    meeting = get_object_or_404(
        vendor.meetings.select_related("vendor").prefetch_related("attendees", "contacts"),
        pk=meeting_pk,
    )
    response = HttpResponse(ics.meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{file_slug(vendor.name)}-meeting-{meeting.pk}.ics"
    )
    return response
