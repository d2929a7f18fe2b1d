"""Shared goals and their check-ins (the check-in form serves the portal too)."""

from django.utils import timezone

from governance.models import Goal, GoalCheckIn
from governance.services import GOAL_FIELDS
from governance.web.forms.base import (
    UIModelForm,
    UserChoiceField,
    internal_user_choices,
    user_choices,
)


class GoalForm(UIModelForm):
    owner = UserChoiceField(queryset=user_choices(), required=False, label="Internal owner")

    class Meta(UIModelForm.Meta):
        model = Goal
        # The vendor comes from the page, not the form.
        fields = [name for name in GOAL_FIELDS if name != "vendor"]
        labels = {"target_value": "Target", "vendor_owner": "Vendor-side owner"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = internal_user_choices()
        self.fields["vendor_owner"].queryset = self.vendor.contacts.all()
        status = self.fields["status"]
        if self.instance.pk and self.instance.current_value is not None:
            # Measured: the check-ins decide the status; a person may only decide to drop it
            # (or take it back to proposed).
            derived = self.instance.status
            status.choices = [
                (value, f"{label} (from the check-ins)" if value == derived else label)
                for value, label in Goal.Status.choices
                if value == derived or value in Goal.MANUAL_STATUSES
            ]
            status.help_text = (
                "Follows the check-ins: achieved, missed, on track or at risk. Only "
                "Proposed and Dropped are set by hand."
            )
        else:
            status.help_text = (
                "Set by hand until the first check-in; from then on the check-ins decide "
                "(achieved, missed, on track, at risk), except Proposed and Dropped."
            )


class CheckInForm(UIModelForm):
    """Progress on ``instance``'s goal (``GoalCheckIn(goal=...)``), for
    ``services.goal_check_in_add``."""

    class Meta(UIModelForm.Meta):
        model = GoalCheckIn
        fields = ["date", "value", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate
        self.fields["note"].widget.attrs.update(rows=2)
