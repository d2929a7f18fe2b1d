"""Service credits: a vendor's credit policy, a statement's status, the month to compute,
the period to show SLA compliance for."""

from django import forms

from governance.domain import bounds, credits
from governance.models import CreditPolicy, CreditStatement
from governance.web.forms.base import DateInput, UIForm, UIModelForm


class CreditPolicyForm(UIModelForm):
    also_validate = ("vendor",)

    class Meta(UIModelForm.Meta):
        model = CreditPolicy
        fields = [
            "monthly_fee",
            "currency",
            "bands",
            "per_breach",
            "cap_percent",
            "claim_window_days",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("bands", "per_breach"):
            self.fields[name].required = False
            self.fields[name].widget.attrs.update(rows=3)

    def clean_bands(self):
        # An empty box is no bands.
        value = self.cleaned_data.get("bands")
        return [] if value in (None, "") else value

    def clean_per_breach(self):
        value = self.cleaned_data.get("per_breach")
        return {} if value in (None, "") else value


class CreditStatusForm(UIModelForm):
    class Meta(UIModelForm.Meta):
        model = CreditStatement
        fields = ["status", "status_note"]
        labels = {"status_note": "Note (required to waive)"}


class CreditComputeForm(UIForm):
    month = forms.CharField(widget=forms.TextInput(attrs={"type": "month"}), help_text="YYYY-MM")

    def clean_month(self):
        try:
            return credits.parse_month(self.cleaned_data["month"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class CreditPeriodForm(forms.Form):
    """A period of SLA compliance, both days included, from the credits page's query
    (``?start=YYYY-MM-DD&end=YYYY-MM-DD``): the API's rules (``credits.period_errors``)."""

    start = forms.DateField(widget=DateInput(), label="From")
    end = forms.DateField(widget=DateInput(), label="To (included)")

    def clean_start(self):
        return _in_window(self.cleaned_data["start"])

    def clean_end(self):
        return _in_window(self.cleaned_data["end"])

    def clean(self):
        cleaned = super().clean()
        if "start" in cleaned and "end" in cleaned:
            for name, message in credits.period_errors(cleaned["start"], cleaned["end"]).items():
                self.add_error(name, message)
        return cleaned


def _in_window(value):
    if not bounds.in_window(value):
        raise forms.ValidationError(bounds.RANGE_MESSAGE)
    return value
