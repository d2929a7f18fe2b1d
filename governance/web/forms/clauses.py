"""Security clauses of a vendor's contract."""

from governance.models import SecurityClause
from governance.web.forms.base import UIModelForm


class ClauseForm(UIModelForm):
    also_validate = ("vendor",)
    # The model reports a clause type taken for the whole record; here it is the type's.
    error_fields = {"clause_one_per_vendor_type": "clause_type"}

    class Meta(UIModelForm.Meta):
        model = SecurityClause
        fields = [
            "clause_type",
            "status",
            "requirement",
            "parameters",
            "evidence_url",
            "evidence_file",
            "effective_date",
            "expires_on",
            "last_verified_on",
            "next_verification_due",
        ]
        labels = {"evidence_url": "Evidence link", "evidence_file": "Evidence document"}
        help_texts = {"parameters": 'JSON object, e.g. {"notification_hours": 24}.'}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parameters"].required = False
        self.fields["parameters"].widget.attrs.update(rows=2)

    def clean_parameters(self):
        # An empty box is no parameters.
        value = self.cleaned_data.get("parameters")
        return {} if value in (None, "") else value
