"""Snoozing one's reminders about a record until a date."""

from django import forms
from django.apps import apps

from governance.domain import access
from governance.models import SNOOZABLE_MODELS
from governance.web.forms.base import DateInput, UIForm


class SnoozeForm(UIForm):
    """What to snooze (by ``SNOOZABLE_MODELS`` name and id: one the user may see) and until
    when; the rules on ``until`` are the service's (``services.snooze_set``)."""

    subject_type = forms.ChoiceField(
        choices=[(name, name.replace("_", " ").capitalize()) for name in sorted(SNOOZABLE_MODELS)],
        label="What",
    )
    subject_id = forms.IntegerField(min_value=1, max_value=2**63 - 1, label="Its id")
    until = forms.DateField(
        widget=DateInput(), label="Snooze until", help_text="Reminders resume on this day."
    )
    note = forms.CharField(required=False, max_length=200, label="Note")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.subject = None

    def clean(self):
        cleaned = super().clean()
        kind, pk = cleaned.get("subject_type"), cleaned.get("subject_id")
        if kind and pk:
            model = apps.get_model(SNOOZABLE_MODELS[kind])
            subject = model.objects.filter(pk=pk).first()
            visible = access.vendors_for(self.user)
            if subject is None or not visible.filter(pk=access.vendor_id_of(subject)).exists():
                self.add_error("subject_id", "No such record.")
            else:
                self.subject = subject
        return cleaned
