"""Meetings and the agenda items proposed for them."""

from django.core.exceptions import ValidationError

from governance.domain import access
from governance.models import (
    ActivityKind,
    AgendaProposal,
)
from governance.services.inbox import activity_record
from governance.services.saving import use_case, validated_save

# A meeting's fields as the API and the admin edit them (attendees and contacts through
# ``meeting_save``).
MEETING_FIELDS = (
    "vendor",
    "title",
    "kind",
    "starts_at",
    "duration_minutes",
    "time_zone",
    "recurrence",
    "channel",
    "location",
    "agenda",
    "minutes",
    "attendees",
    "contacts",
)


# --- meetings ------------------------------------------------------------------------------


@use_case
def meeting_save(meeting, *, attendees=None, contacts=None):
    """Save a meeting and, when given, set its attendees (internal users) and contacts (of
    the meeting's vendor)."""
    validated_save(meeting)
    set_attendance(meeting, meeting.vendor_id, attendees=attendees, contacts=contacts)
    return meeting


def set_attendance(record, vendor_id, *, attendees=None, contacts=None):
    """Set who attends ``record`` (a meeting, or one of its occurrences), when given: our
    people are internal users, the vendor's are contacts of ``vendor_id``."""
    if attendees is not None:
        internal = set(
            access.internal_users()
            .filter(pk__in=[user.pk for user in attendees])
            .values_list("pk", flat=True)
        )
        refused = sorted(user.get_username() for user in attendees if user.pk not in internal)
        if refused:
            raise ValidationError(
                {"attendees": f"Only internal users can attend: {', '.join(refused)}."}
            )
        record.attendees.set(attendees)
    if contacts is not None:
        if any(contact.vendor_id != vendor_id for contact in contacts):
            raise ValidationError({"contacts": "Contacts must belong to the meeting's vendor."})
        record.contacts.set(contacts)


@use_case
def agenda_propose(*, meeting, author, text):
    """Propose an item for the meeting's agenda; the meeting's team accepts or declines it.
    A representative's proposal reaches the inbox."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Describe the item you propose."})
    proposal = validated_save(AgendaProposal(meeting=meeting, author=author, text=text))
    activity_record(
        ActivityKind.AGENDA_PROPOSED,
        by=author,
        vendor_id=meeting.vendor_id,
        comment=text,
        meeting=meeting,
        proposal=proposal,
    )
    return proposal


@use_case
def agenda_proposal_decide(proposal, *, accept):
    """Accept (the item joins the meeting's agenda) or decline a proposed agenda item."""
    proposal = (
        AgendaProposal.objects.select_for_update().select_related("meeting").get(pk=proposal.pk)
    )
    if proposal.status != AgendaProposal.Status.PROPOSED:
        raise ValidationError(f"This proposal was already {proposal.get_status_display().lower()}.")
    if accept:
        meeting = proposal.meeting
        item = f"- {proposal.text}"
        meeting.agenda = f"{meeting.agenda.rstrip()}\n{item}" if meeting.agenda.strip() else item
        validated_save(meeting)
        proposal.status = AgendaProposal.Status.ACCEPTED
    else:
        proposal.status = AgendaProposal.Status.DECLINED
    return validated_save(proposal)
