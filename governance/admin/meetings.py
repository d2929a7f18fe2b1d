"""Meetings and the agenda items proposed for them."""

import datetime as dt
import functools

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html_join

from governance import selectors, services
from governance.admin.base import EMPTY, AdministratorsOnly, Writes, vendor_column
from governance.domain import zones
from governance.models import AgendaProposal, Meeting, time_zone_choices


class MeetingForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="UTC")

    class Meta:
        model = Meeting
        fields = list(services.MEETING_FIELDS)
        help_texts = {
            "recurrence": "An RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO; empty for a one-off.",
            "starts_at": "The first occurrence.",
        }


@admin.register(Meeting)
class MeetingAdmin(AdministratorsOnly, admin.ModelAdmin):
    form = MeetingForm
    list_display = ["title", "vendor", "kind", "starts_at", "time_zone", "recurrence", "channel"]
    list_filter = ["kind", "channel", "vendor__tier"]
    search_fields = ["title", "vendor__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["vendor", "attendees", "contacts"]
    list_select_related = ["vendor"]
    readonly_fields = ["upcoming_occurrences"]
    show_full_result_count = False
    writes = Writes(delete=services.record_delete)

    @admin.display(description="Next occurrences (meeting's time zone, as saved)")
    def upcoming_occurrences(self, meeting):
        # Of the meeting as saved: a form sent back with errors holds the values the rules
        # refused (a duration of 10**14 minutes overflowed the expansion).
        saved = Meeting.objects.filter(pk=meeting.pk).first() if meeting.pk else None
        if saved is None:
            return EMPTY
        now = timezone.now()
        occurrences = selectors.meeting_occurrences(
            saved, start=now, end=now + dt.timedelta(days=120)
        )[:5]
        if not occurrences:
            return "None in the next 120 days."
        zone = zones.zone(saved.time_zone)
        return format_html_join(
            ", ",
            "{}",
            ((o.starts_at.astimezone(zone).strftime("%a %Y-%m-%d %H:%M"),) for o in occurrences),
        )

    def save_model(self, request, obj, form, change):
        services.meeting_save(
            obj,
            attendees=form.cleaned_data["attendees"],
            contacts=form.cleaned_data["contacts"],
        )


@admin.register(AgendaProposal)
class AgendaProposalAdmin(AdministratorsOnly, admin.ModelAdmin):
    """Agenda items proposed for meetings (vendor representatives propose them in the portal)."""

    list_display = ["__str__", "meeting", "vendor", "author", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["text", "meeting__title", "meeting__vendor__name"]
    autocomplete_fields = ["meeting", "author"]
    list_select_related = ["meeting__vendor", "author"]
    actions = ["accept_proposals", "decline_proposals"]
    show_full_result_count = False
    writes = Writes(services.validated_save, services.record_delete)
    vendor = vendor_column("meeting__vendor")

    def _decide(self, request, queryset, *, accept):
        decide = functools.partial(services.agenda_proposal_decide, accept=accept)
        decided = self.write_each(request, queryset, decide)
        self.message_user(request, f"Decided {decided} proposal(s).", messages.SUCCESS)

    @admin.action(description="Accept (add to the meeting's agenda)", permissions=["change"])
    def accept_proposals(self, request, queryset):
        self._decide(request, queryset, accept=True)

    @admin.action(description="Decline", permissions=["change"])
    def decline_proposals(self, request, queryset):
        self._decide(request, queryset, accept=False)
