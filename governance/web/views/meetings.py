"""Meetings: recurring in their own time zone, agenda and minutes, .ics downloads."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from governance import selectors, services
from governance.domain import access, zones
from governance.domain import ical as ics
from governance.domain.text import file_slug
from governance.models import ActionItem, AgendaProposal, Meeting
from governance.selectors.actions import next_agenda
from governance.web.forms import MeetingForm
from governance.web.pages import act
from governance.web.views.base import (
    editable_vendor_for,
    internal_view,
    section_view,
    vendor_record,
)
from governance.web.views.editing import RecordFormView
from governance.web.views.occurrences import instance_key

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


def _with_people(vendor):
    return vendor.meetings.select_related("vendor").prefetch_related("attendees", "contacts")


def _zone(meeting):
    return zones.zone_or_utc(meeting.time_zone)


meeting_list = section_view(
    "meetings",
    "Meetings",
    lambda request, vendor: selectors.meetings_with_next(vendor, now=timezone.now()),
    csv=(CSV_HEADER, _csv_row),
)


class MeetingFormView(RecordFormView):
    model = Meeting
    form_class = MeetingForm
    detail_view = "governance:meeting-detail"
    message = "“{0.title}” was {1}."
    verbs = ("scheduled", "saved")

    def save(self, form):
        return services.meeting_save(form.instance, **form.related())


@internal_view
def meeting_detail(request, pk, meeting_pk):
    vendor, meeting = vendor_record(request, pk, _with_people, meeting_pk)
    now = timezone.now()
    coming, past = selectors.meeting_calendar(meeting, now=now)
    can_edit = access.can_edit_vendor(request.user, vendor)
    return render(
        request,
        "governance/meetings/detail.html",
        {
            "vendor": vendor,
            "meeting": meeting,
            "upcoming": [occurrence for occurrence, record in coming if not _cancelled(record)],
            "occurrence_lists": [
                ("Coming occurrences", _keyed(coming)),
                ("Past occurrences", _keyed(past)),
            ],
            "first_local": meeting.starts_at.astimezone(_zone(meeting)),
            "proposals": meeting.proposals.select_related("author"),
            "next_agenda": next_agenda(meeting, now=now),
            "statuses": ActionItem.Status.choices,
            "edit_scope": {vendor.pk} if can_edit else set(),
            "can_edit": can_edit,
        },
    )


def _cancelled(record):
    return record is not None and record.status == record.Status.CANCELLED


def _keyed(pairs):
    return [
        (occurrence, record, instance_key(occurrence.recurrence_id)) for occurrence, record in pairs
    ]


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
        accept = decision == "accept"
        act(
            request,
            lambda: services.agenda_proposal_decide(proposal, accept=accept),
            "The item was added to the agenda." if accept else "The proposal was declined.",
        )
    return redirect("governance:meeting-detail", vendor.pk, meeting_pk)


@internal_view
def meeting_download(request, pk, meeting_pk):
    """The meeting (all its occurrences) as an .ics file to import into a calendar."""
    vendor, meeting = vendor_record(request, pk, _with_people, meeting_pk)
    response = HttpResponse(
        ics.meeting_ics(meeting, overrides=selectors.overrides_of(meeting)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"{file_slug(vendor.name)}-meeting-{meeting.pk}.ics"
    )
    return response
