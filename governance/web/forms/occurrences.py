"""A meeting occurrence: moved to a wall-clock time in the meeting's zone, or recorded as held
(minutes, who attended), and the decisions taken at it."""

import datetime as dt

from django import forms

from governance.domain import zones
from governance.models import Contact, Decision, MeetingOccurrence
from governance.web.forms.base import (
    ContactsChoiceField,
    DomainErrors,
    UIModelForm,
    UsersChoiceField,
    internal_user_choices,
)


class OccurrenceMoveForm(DomainErrors, forms.Form):
    """The new start, typed on the meeting's own wall clock."""

    error_model = MeetingOccurrence

    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting

    def error_field(self, name):
        return "date" if name == "starts_at" else super().error_field(name)

    def starts_at(self):
        """The new start in UTC."""
        zone = zones.zone_or_utc(self.meeting.time_zone)
        local = dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return local.replace(tzinfo=zone).astimezone(dt.UTC)


class OccurrenceRecordForm(UIModelForm):
    """A held occurrence: its minutes and who attended."""

    attendees = UsersChoiceField(
        queryset=internal_user_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Internal attendees",
    )
    contacts = ContactsChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Vendor contacts",
    )

    class Meta(UIModelForm.Meta):
        model = MeetingOccurrence
        fields = ["minutes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = internal_user_choices()
        self.fields["contacts"].queryset = self.vendor.contacts.all()
        occurrence = self.instance
        if occurrence.pk:
            self.initial.update(
                attendees=list(occurrence.attendees.all()),
                contacts=list(occurrence.contacts.all()),
            )
        if self.is_bound:
            # Recording it says it was held: the model's rules for a held meeting apply.
            occurrence.status = MeetingOccurrence.Status.HELD

    def related(self):
        return {
            "attendees": self.cleaned_data["attendees"],
            "contacts": self.cleaned_data["contacts"],
        }


class DecisionForm(UIModelForm):
    class Meta(UIModelForm.Meta):
        model = Decision
        fields = ["text"]
        labels = {"text": "Decision"}
