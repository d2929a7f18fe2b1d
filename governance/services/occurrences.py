"""A meeting's occurrences: cancelled, moved, held with attendance, minutes and decisions,
minutes shared with the vendor and signed off by one of its representatives.

Every function takes an occurrence record, saved or not: ``occurrence_of`` gives the record of
an instance of a series (a new, unsaved one while nothing was recorded), so "cancel the 3rd
of March" and "cancel record 12" are the same call. The rules are the model's
(``MeetingOccurrence.clean`` and its constraints); these functions only say what changes.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.models import ActivityKind, Decision, MeetingOccurrence
from governance.services import figures
from governance.services.inbox import activity_record
from governance.services.meetings import set_attendance
from governance.services.saving import use_case, validated_save

# The fields the API and the forms edit directly (the rest through the functions below).
OCCURRENCE_FIELDS = ("meeting", "original_start", "minutes", "attendees", "contacts")


def occurrence_of(meeting, original_start):
    """The record of ``meeting``'s instance at ``original_start``: the stored one, or a new
    (unsaved) one while nothing was recorded for it."""
    found = MeetingOccurrence.objects.filter(meeting=meeting, original_start=original_start).first()
    return found or MeetingOccurrence(meeting=meeting, original_start=original_start)


def _locked(occurrence):
    """The stored row, locked for this transaction (a new record as it is)."""
    if occurrence.pk is None:
        return occurrence
    return MeetingOccurrence.objects.select_for_update().get(pk=occurrence.pk)


def _save(occurrence):
    validated_save(occurrence)
    # Cancelling or moving changes the series' next occurrence (the dashboard, reminders).
    figures.meetings_refresh([occurrence.meeting])
    return occurrence


def _set_people(occurrence, *, attendees, contacts):
    set_attendance(occurrence, occurrence.meeting.vendor_id, attendees=attendees, contacts=contacts)


@use_case
def occurrence_save(occurrence, *, attendees=None, contacts=None):
    """Save an occurrence record as given (its instance, minutes) and, when given, who
    attended: internal users and contacts of the meeting's vendor."""
    if occurrence.pk is not None and occurrence.minutes_status in (
        MeetingOccurrence.MinutesStatus.SHARED,
        MeetingOccurrence.MinutesStatus.APPROVED,
    ):
        stored = MeetingOccurrence.objects.select_for_update().get(pk=occurrence.pk)
        if stored.minutes != occurrence.minutes:
            # Changed minutes are a new draft: the vendor signed off the old text.
            occurrence.minutes_status = MeetingOccurrence.MinutesStatus.DRAFT
            occurrence.signed_off_by = None
            occurrence.signed_off_at = None
    _save(occurrence)
    _set_people(occurrence, attendees=attendees, contacts=contacts)
    return occurrence


@use_case
def occurrence_cancel(occurrence):
    """Cancel the instance (left out of the schedule, the feeds and the reminders)."""
    occurrence = _locked(occurrence)
    if occurrence.status == MeetingOccurrence.Status.HELD:
        raise ValidationError({"status": "This meeting was held; it cannot be cancelled."})
    occurrence.status = MeetingOccurrence.Status.CANCELLED
    occurrence.starts_at = None
    return _save(occurrence)


@use_case
def occurrence_restore(occurrence):
    """Undo a cancellation: the instance is scheduled again at the series' time."""
    occurrence = _locked(occurrence)
    if occurrence.status != MeetingOccurrence.Status.CANCELLED:
        raise ValidationError({"status": "Only a cancelled meeting can be restored."})
    occurrence.status = MeetingOccurrence.Status.SCHEDULED
    return _save(occurrence)


@use_case
def occurrence_move(occurrence, *, starts_at):
    """Move the instance to ``starts_at`` (UTC); its original start stays its name."""
    occurrence = _locked(occurrence)
    if starts_at is None:
        raise ValidationError({"starts_at": "Give the new start."})
    if occurrence.status != MeetingOccurrence.Status.SCHEDULED:
        raise ValidationError(
            {"status": f"A {occurrence.get_status_display().lower()} meeting cannot be moved."}
        )
    occurrence.starts_at = None if starts_at == occurrence.original_start else starts_at
    return _save(occurrence)


@use_case
def occurrence_record(occurrence, *, minutes=None, attendees=None, contacts=None):
    """Record that the instance was held: its minutes (a draft until shared) and who
    attended."""
    occurrence = _locked(occurrence)
    if occurrence.status == MeetingOccurrence.Status.CANCELLED:
        raise ValidationError({"status": "This meeting was cancelled; restore it first."})
    occurrence.status = MeetingOccurrence.Status.HELD
    if minutes is not None:
        occurrence.minutes = minutes
    return occurrence_save(occurrence, attendees=attendees, contacts=contacts)


@use_case
def decision_add(occurrence, *, text, by):
    """Record a decision taken at the (held) occurrence."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Say what was decided."})
    return validated_save(Decision(occurrence=occurrence, text=text, recorded_by=by))


@use_case
def minutes_share(occurrence):
    """Share the minutes with the vendor, whose representatives may then sign them off."""
    occurrence = _locked(occurrence)
    if occurrence.pk is None or occurrence.status != MeetingOccurrence.Status.HELD:
        raise ValidationError({"status": "Record the meeting as held before sharing minutes."})
    if not occurrence.minutes.strip():
        raise ValidationError({"minutes": "Write the minutes before sharing them."})
    if occurrence.minutes_status in (
        MeetingOccurrence.MinutesStatus.SHARED,
        MeetingOccurrence.MinutesStatus.APPROVED,
    ):
        raise ValidationError({"minutes_status": "These minutes were shared already."})
    occurrence.minutes_status = MeetingOccurrence.MinutesStatus.SHARED
    occurrence.signed_off_by = None
    occurrence.signed_off_at = None
    occurrence.minutes_comment = ""
    return _save(occurrence)


@use_case
def minutes_sign_off(occurrence, *, by, approve, comment=""):
    """A representative of the vendor approves the shared minutes, or asks for changes
    (``comment`` says which); the sign-off is in the record's history."""
    occurrence = _locked(occurrence)
    if occurrence.pk is None or occurrence.minutes_status != MeetingOccurrence.MinutesStatus.SHARED:
        raise ValidationError(
            {"minutes_status": "Only minutes shared with the vendor are signed off."}
        )
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"minutes_comment": "Say what should change."})
    occurrence.minutes_status = (
        MeetingOccurrence.MinutesStatus.APPROVED
        if approve
        else MeetingOccurrence.MinutesStatus.CHANGES_REQUESTED
    )
    occurrence.minutes_comment = comment
    occurrence.signed_off_by = by
    occurrence.signed_off_at = timezone.now()
    _save(occurrence)
    activity_record(
        ActivityKind.MINUTES_APPROVED if approve else ActivityKind.MINUTES_CHANGES_REQUESTED,
        by=by,
        vendor_id=occurrence.meeting.vendor_id,
        comment=comment,
        meeting=occurrence.meeting,
        occurrence=occurrence,
    )
    return occurrence
