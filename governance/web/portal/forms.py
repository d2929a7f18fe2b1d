"""Forms of the vendor portal: they map fields and errors; saving goes through the services,
whose rules (the domain's) come back as errors on these forms."""

from django import forms

from governance.models import ActionItem, Incident
from governance.web.forms import UIForm, UIModelForm


class AcknowledgeForm(UIForm):
    """The vendor's answer to a review's outcome: acknowledge it, or dispute it saying why."""

    # The review's field for it is the vendor's comment.
    error_fields = {"vendor_comment": "comment"}
    response = forms.ChoiceField(
        label="Your answer",
        choices=[("acknowledge", "Acknowledge the outcome"), ("dispute", "Dispute the outcome")],
        widget=forms.RadioSelect,
        initial="acknowledge",
        # Left out (an older form, a script): an acknowledgement.
        required=False,
    )
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional when you acknowledge; when you dispute, say what and why "
        "(for example: we dispute the innovation score). The manager answers a dispute.",
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


class SecurityIncidentReportForm(UIModelForm):
    """A vendor's report of a security incident. The vendor, the category and the times of
    the report (opened, notified us) are the view's, never typed: the report is the
    notification, so its moment is the server's clock."""

    # The report's own time is not a field here: "notified before detected" is the
    # detection's error (it lies in the future).
    error_fields = {"vendor_notified_at": "detected_at"}

    class Meta(UIModelForm.Meta):
        model = Incident
        fields = [
            "title",
            "priority",
            "detected_at",
            "description",
            "personal_data_affected",
            "systems_affected",
            "data_involved",
            "notified_by",
        ]
        labels = {
            "detected_at": "You detected it at",
            "personal_data_affected": "Personal data is affected",
            "notified_by": "Reported by",
        }
        help_texts = {
            "detected_at": "In your time zone. The notification window runs from here.",
            "description": "What happened, what you know so far, what you are doing about it.",
            "notified_by": "Whom we call back.",
        }

    def __init__(self, *args, reporter_name="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["detected_at"].required = True
        self.fields["notified_by"].required = True
        # The instance's empty value would win over the field's initial one.
        self.initial["notified_by"] = reporter_name


class MinutesSignOffForm(UIForm):
    """The vendor's answer to shared minutes: approve them, or ask for changes saying which."""

    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("changes", "Request changes")],
        widget=forms.RadioSelect,
        initial="approve",
    )
    minutes_comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you ask for changes: say what should change.",
    )
