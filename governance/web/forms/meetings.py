"""Meetings: the first start typed as a wall-clock time in the meeting's own time zone, and
the repeat presets that stand for the usual recurrence rules."""

import datetime as dt

from django import forms

from governance.domain import zones
from governance.models import Contact, Meeting
from governance.web.forms.base import (
    ContactsChoiceField,
    DateInput,
    TimeZoneField,
    UIModelForm,
    UsersChoiceField,
    internal_user_choices,
    user_choices,
)

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class MeetingForm(UIModelForm):
    """A meeting whose start is typed as a wall-clock time in the meeting's own time zone."""

    REPEAT_CHOICES = [
        ("", "Does not repeat"),
        ("weekdays", "Every weekday (Mon-Fri)"),
        ("weekly", "Weekly on the same day"),
        ("biweekly", "Every two weeks on the same day"),
        ("weekly_days", "Weekly on the days chosen below"),
        ("biweekly_days", "Every two weeks on the days chosen below (e.g. Mon and Thu)"),
        ("monthly", "Monthly on the same date"),
        ("monthly_nth", "Monthly on the same weekday (e.g. every 2nd Tuesday)"),
        ("monthly_last", "Monthly on the last such weekday (e.g. last Friday)"),
        ("custom", "Custom rule (RRULE, advanced)"),
    ]
    # The presets that repeat on the days ticked in ``days`` rather than the start's.
    DAY_PRESETS = {"weekly_days": 1, "biweekly_days": 2}
    start_date = forms.DateField(widget=DateInput(), label="Date")
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Time")
    time_zone = TimeZoneField(help_text="The meeting's own time zone; the time above is in it.")
    repeat = forms.ChoiceField(choices=REPEAT_CHOICES, required=False)
    days = forms.MultipleChoiceField(
        choices=[
            ("MO", "Mon"),
            ("TU", "Tue"),
            ("WE", "Wed"),
            ("TH", "Thu"),
            ("FR", "Fri"),
            ("SA", "Sat"),
            ("SU", "Sun"),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="On",
        help_text="The days of the week, with “Weekly / Every two weeks on the days chosen”.",
    )
    rrule = forms.CharField(
        required=False,
        label="Custom rule",
        help_text="RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=1TU. Used with “Custom rule”.",
    )
    attendees = UsersChoiceField(
        queryset=user_choices(),
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
        model = Meeting
        fields = [
            "title",
            "kind",
            "duration_minutes",
            "time_zone",
            "channel",
            "location",
            "agenda",
            "minutes",
        ]
        labels = {"duration_minutes": "Duration (minutes)", "location": "Link or place"}

    field_order = [
        "title",
        "kind",
        "start_date",
        "start_time",
        "time_zone",
        "duration_minutes",
        "repeat",
        "days",
        "rrule",
        "channel",
        "location",
        "attendees",
        "contacts",
        "agenda",
        "minutes",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = internal_user_choices()
        self.fields["contacts"].queryset = self.vendor.contacts.all()
        meeting = self.instance
        if meeting.pk:
            local = meeting.starts_at.astimezone(zones.zone_or_utc(meeting.time_zone))
            self.initial.update(
                start_date=local.date(),
                start_time=local.time().replace(second=0, microsecond=0),
                attendees=list(meeting.attendees.all()),
                contacts=list(meeting.contacts.all()),
                **self._repeat_initial(meeting.recurrence, local),
            )
        else:
            # A new meeting is in the vendor's time zone unless the manager picks another.
            self.initial["time_zone"] = self.vendor.time_zone

    def error_field(self, name):
        # The start is typed as a date and a time; the rule as a preset or a custom rule.
        if name == "starts_at":
            return "start_date"
        if name == "recurrence":
            return "rrule" if self.cleaned_data.get("repeat") == "custom" else "repeat"
        return super().error_field(name)

    def _repeat_initial(self, recurrence, local):
        if not recurrence:
            return {"repeat": ""}
        for value, _label in self.REPEAT_CHOICES[1:-1]:
            if value not in self.DAY_PRESETS and _rule_for(value, local.date()) == recurrence:
                return {"repeat": value}
        for value, interval in self.DAY_PRESETS.items():
            days = _days_of(recurrence, interval)
            if days:
                return {"repeat": value, "days": days}
        return {"repeat": "custom", "rrule": recurrence}

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("start_date"), cleaned.get("start_time")
        if day and time:
            # Read in the meeting's zone; an unknown one (which the model refuses) as UTC.
            zone = zones.zone_or_utc(cleaned.get("time_zone"))
            self.instance.starts_at = dt.datetime.combine(day, time).replace(tzinfo=zone)
        repeat = cleaned.get("repeat")
        if repeat == "custom":
            text = (cleaned.get("rrule") or "").strip()
            if not text:
                self.add_error("rrule", "Enter the rule, or choose another repeat option.")
            self.instance.recurrence = text.removeprefix("RRULE:").removeprefix("rrule:")
        elif repeat in self.DAY_PRESETS:
            days = cleaned.get("days") or []
            if not days:
                self.add_error("days", "Choose the days it repeats on.")
            self.instance.recurrence = _days_rule(days, self.DAY_PRESETS[repeat])
        elif repeat and day:
            self.instance.recurrence = _rule_for(repeat, day)
        else:
            self.instance.recurrence = ""
        return cleaned

    def related(self):
        """The meeting's people for ``services.meeting_save``."""
        return {
            "attendees": self.cleaned_data["attendees"],
            "contacts": self.cleaned_data["contacts"],
        }


def _rule_for(repeat, day):
    weekday = WEEKDAYS[day.weekday()]
    # The how-manieth such weekday of its month the start is; a 5th is not in every month,
    # so it repeats as the last one.
    nth = (day.day - 1) // 7 + 1
    return {
        "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "weekly": f"FREQ=WEEKLY;BYDAY={weekday}",
        "biweekly": f"FREQ=WEEKLY;INTERVAL=2;BYDAY={weekday}",
        "monthly": f"FREQ=MONTHLY;BYMONTHDAY={day.day}",
        "monthly_nth": f"FREQ=MONTHLY;BYDAY={nth if nth < 5 else -1}{weekday}",
        "monthly_last": f"FREQ=MONTHLY;BYDAY=-1{weekday}",
    }[repeat]


def _days_rule(days, interval):
    """Weekly (``interval`` 1) or every ``interval`` weeks on ``days`` (MO, TH...)."""
    ordered = ",".join(day for day in WEEKDAYS if day in days)
    every = f"INTERVAL={interval};" if interval > 1 else ""
    return f"FREQ=WEEKLY;{every}BYDAY={ordered}"


def _days_of(recurrence, interval):
    """The days of a rule ``_days_rule`` wrote with ``interval``; None for any other rule."""
    prefix = "FREQ=WEEKLY;" + (f"INTERVAL={interval};" if interval > 1 else "") + "BYDAY="
    if not recurrence.startswith(prefix):
        return None
    days = recurrence.removeprefix(prefix).split(",")
    if not days or any(day not in WEEKDAYS for day in days):
        return None
    return days if _days_rule(days, interval) == recurrence else None
