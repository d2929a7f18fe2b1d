"""One step of a vendor's escalation matrix."""

from governance.models import EscalationContact
from governance.web.forms.base import UIModelForm, UserChoiceField, internal_user_choices


class EscalationContactForm(UIModelForm):
    """Our side names one of our users, the vendor's side one of its contacts."""

    # The vendor too: its constraints (one person once per topic and level) show on the form.
    also_validate = ("vendor",)

    user = UserChoiceField(queryset=internal_user_choices(), required=False, label="Our person")

    class Meta(UIModelForm.Meta):
        model = EscalationContact
        fields = ["topic", "level", "side", "user", "contact", "response_minutes", "reach"]
        labels = {
            "contact": "Vendor's contact",
            "response_minutes": "Expected response (minutes)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = internal_user_choices()
        self.fields["contact"].queryset = self.vendor.contacts.order_by("name")
