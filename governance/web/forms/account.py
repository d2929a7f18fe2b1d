"""The user's preferences: time zone and reminders."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from governance import reminders
from governance.domain.models.people import Weekday
from governance.models import Reminder, UserProfile
from governance.web.forms.base import TimeZoneField, UIForm


class PreferencesForm(UIForm):
    time_zone = TimeZoneField(help_text="Every date and time is shown in this time zone.")
    digest_enabled = forms.BooleanField(required=False, label="Send me the weekly digest")
    # "on [Monday] at [07:00]", in the person's own time zone; empty: the site's.
    digest_weekday = forms.TypedChoiceField(
        choices=lambda: (
            [("", f"{Weekday(_site_weekday()).label} (the default)")]
            + [(str(value), label) for value, label in Weekday.choices]
        ),
        coerce=int,
        empty_value=None,
        required=False,
        label="on",
    )
    digest_hour = forms.TypedChoiceField(
        choices=lambda: (
            [("", f"{_site_hour():02d}:00 (the default)")]
            + [(str(hour), f"{hour:02d}:00") for hour in range(24)]
        ),
        coerce=int,
        empty_value=None,
        required=False,
        label="at",
        help_text="Your own time zone's day and hour.",
    )
    security_contact = forms.BooleanField(
        required=False,
        label="I am a security contact",
        help_text="Send me the notification clocks of every vendor's security incidents "
        "(half time, three quarters, deadline).",
    )
    emailed_kinds = forms.MultipleChoiceField(
        choices=lambda: [(kind.code, kind.label) for kind in reminders.registry.mutable_kinds()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Email me about",
        help_text="Untick what you do not want to be emailed about. Escalations and the "
        "security clocks of a security contact always come.",
    )

    def __init__(self, *args, profile, internal=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile
        if not internal:
            # Security clocks are internal: a representative is never a security contact.
            del self.fields["security_contact"]
        self.initial.update(
            time_zone=profile.time_zone,
            digest_enabled=profile.digest_enabled,
            digest_weekday="" if profile.digest_weekday is None else str(profile.digest_weekday),
            digest_hour="" if profile.digest_hour is None else str(profile.digest_hour),
            security_contact=profile.security_contact,
            emailed_kinds=[
                kind.code
                for kind in reminders.registry.mutable_kinds()
                if kind.code not in (profile.muted_kinds or [])
            ],
        )
        for kind in Reminder.LEAD_TIME_KINDS:
            current = (profile.lead_times or {}).get(kind)
            default = reminders.preferences.site_lead_time_values(kind)
            self.fields[f"lead_{kind}"] = forms.CharField(
                required=False,
                label=f"{Reminder.Kind(kind).label}: before",
                help_text="Site default: "
                + (", ".join(_lead_text(value) for value in default) or "none")
                + ". Days (14), or 90m, 24h, 2d, 1w; comma-separated.",
                initial=", ".join(_lead_text(value) for value in current) if current else "",
                widget=forms.TextInput(
                    attrs={"placeholder": ", ".join(_lead_text(v) for v in default)}
                ),
            )

    @property
    def digest_fields(self):
        """The digest's switch, day and hour: one sentence on the page."""
        return [self["digest_enabled"], self["digest_weekday"], self["digest_hour"]]

    @property
    def lead_time_fields(self):
        return [self[f"lead_{kind}"] for kind in Reminder.LEAD_TIME_KINDS]

    def clean(self):
        cleaned = super().clean()
        lead_times = {}
        for kind in Reminder.LEAD_TIME_KINDS:
            text = (cleaned.get(f"lead_{kind}") or "").strip()
            values = [_lead_value(part) for part in text.replace(";", ",").split(",")]
            values = [value for value in values if value != ""]
            if not values:
                continue
            try:
                # The profile's own rule, asked of each kind's box: its message goes there.
                _LEAD_TIMES.run_validators({str(kind): values})
            except ValidationError as error:
                self.add_error(f"lead_{kind}", error)
                continue
            lead_times[str(kind)] = values
        cleaned["lead_times"] = lead_times
        return cleaned

    def profile_data(self):
        """The preferences for ``services.profile_update``."""
        data = {
            "time_zone": self.cleaned_data["time_zone"],
            "digest_enabled": self.cleaned_data["digest_enabled"],
            "digest_weekday": self.cleaned_data["digest_weekday"],
            "digest_hour": self.cleaned_data["digest_hour"],
            # Stored as what is not wanted: a kind added later reaches everyone.
            "muted_kinds": [
                kind.code
                for kind in reminders.registry.mutable_kinds()
                if kind.code not in self.cleaned_data["emailed_kinds"]
            ],
            "lead_times": self.cleaned_data["lead_times"],
        }
        if "security_contact" in self.fields:
            data["security_contact"] = self.cleaned_data["security_contact"]
        return data


_LEAD_TIMES = UserProfile._meta.get_field("lead_times")


def _site_weekday():
    return settings.GOVERNANCE_REMINDER_DIGEST_WEEKDAY


def _site_hour():
    return settings.GOVERNANCE_REMINDER_SEND_HOUR


def _lead_value(text):
    """A typed lead time: a whole number of days as an int, anything else as stripped text."""
    text = text.strip()
    return int(text) if text.isdigit() else text


def _lead_text(value):
    return str(value)
