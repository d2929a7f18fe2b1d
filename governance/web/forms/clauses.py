"""Security clauses of a vendor's contract."""

from governance.domain.uploads import EVIDENCE_TYPES, accepted_evidence
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
            "notification_hours",
            "notify_whom",
            "notify_how",
            "parameters",
            "evidence_url",
            "evidence_file",
            "effective_date",
            "expires_on",
            "last_verified_on",
            "next_verification_due",
        ]
        labels = {
            "evidence_url": "Evidence link",
            "evidence_file": "Evidence document",
            "notification_hours": "Notification window (hours)",
            "notify_whom": "Notify whom",
            "notify_how": "Notify how",
        }
        help_texts = {
            "parameters": 'Further terms as a JSON object, e.g. {"min_tls": "1.2"}.',
            "notification_hours": "Breach notification only: hours from the vendor's "
            "detection of an incident to its notification.",
            "notify_whom": "Breach notification only.",
            "notify_how": "Breach notification only: channel and form.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parameters"].required = False
        self.fields["parameters"].widget.attrs.update(rows=2)
        # What may be uploaded, said before the upload rather than after a refusal; the
        # browser's file picker offers only those kinds.
        evidence = self.fields["evidence_file"]
        evidence.help_text = accepted_evidence()
        evidence.widget.attrs["accept"] = ",".join(f".{kind}" for kind in EVIDENCE_TYPES)

    def clean_parameters(self):
        # An empty box is no parameters.
        value = self.cleaned_data.get("parameters")
        return {} if value in (None, "") else value
