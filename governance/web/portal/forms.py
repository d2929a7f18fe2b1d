"""Forms of the vendor portal: they map fields and errors; saving goes through the services,
whose rules (the domain's) come back as errors on these forms."""

from django import forms

from governance.models import ActionItem
from governance.web.forms import UIForm


class AcknowledgeForm(UIForm):
    # The review's field for it is the vendor's comment.
    error_fields = {"vendor_comment": "comment"}
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: your response to the outcome, for the review's record.",
    )


class ProposalForm(UIForm):
    text = forms.CharField(
        label="Agenda item",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you would like to discuss; the meeting's organisers accept or decline it.",
    )


class ResolveForm(UIForm):
    root_cause = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What caused the incident and what fixed it.",
    )


class ActionItemStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)
