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
