"""Forms of the vendor portal; saving goes through the services."""

from django import forms

from governance.models import ActionItem

MAX_TEXT = 4000


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: your response to the outcome, for the review's record.",
    )


class ProposalForm(forms.Form):
    text = forms.CharField(
        max_length=MAX_TEXT,
        label="Agenda item",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you would like to discuss; the meeting's organisers accept or decline it.",
    )


class ResolveForm(forms.Form):
    root_cause = forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What caused the incident and what fixed it.",
    )


class ActionItemStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)
