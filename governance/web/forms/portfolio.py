"""The portfolio-wide lists' filters, read from the query string.

A value that does not fit its field (an unknown sort, a day count that is not a number) is
dropped with a message beside its field; the other filters still apply.
"""

from django import forms

from governance.models import (
    ClauseType,
    Incident,
    ListScope,
    Priority,
    SecurityClause,
    Vendor,
)
from governance.selectors import portfolio
from governance.web.forms.base import typed_vendor_fields

# A window in days: up to ten years ahead, as far as any stored date reaches.
MAX_DAYS = 3660


def _sort_choices(orders, labels):
    """Both directions of each whitelisted order, ascending first."""
    choices = [("", "Default")]
    for key in orders:
        label = labels.get(key, key.capitalize())
        choices += [(key, f"{label}, ascending"), (f"-{key}", f"{label}, descending")]
    return choices


class FlagInput(forms.CheckboxInput):
    """A checkbox that a link may also set with ``1`` and clear with ``0`` (a plain
    checkbox reads any text as checked, "0" too)."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, str) and value.strip().lower() in ("", "0", "false", "off", "no"):
            return False
        return super().value_from_datadict(data, files, name)


def _flag(label):
    return forms.BooleanField(required=False, label=label, widget=FlagInput)


def _days(label, help_text):
    return forms.IntegerField(
        required=False, min_value=0, max_value=MAX_DAYS, label=label, help_text=help_text
    )


class PortfolioFilterForm(forms.Form):
    """What every portfolio list has: the scope, the typed vendor, the order."""

    scope = forms.ChoiceField(required=False, choices=ListScope.choices, label="Whose")
    vendor_name, vendor = typed_vendor_fields()

    def filters(self):
        """The values of the fields that were valid (an invalid one is left out)."""
        self.is_valid()
        return dict(self.cleaned_data)


class IncidentFilterForm(PortfolioFilterForm):
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any status"),
            *((key, label) for key, (label, _) in portfolio.INCIDENT_STATUSES.items()),
        ],
    )
    breach = _flag("SLA breached, still open")
    priority = forms.ChoiceField(required=False, choices=[("", "Any priority"), *Priority.choices])
    category = forms.ChoiceField(
        required=False, choices=[("", "Any category"), *Incident.Category.choices]
    )
    sort = forms.ChoiceField(
        label="Order by",
        required=False,
        choices=_sort_choices(portfolio.INCIDENT_ORDERS, {"due": "Resolution due"}),
    )


class ReviewFilterForm(PortfolioFilterForm):
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any status"),
            *((key, label) for key, (label, _) in portfolio.REVIEW_STATUSES.items()),
        ],
    )
    due = forms.ChoiceField(
        required=False, choices=[("", "Any date"), *portfolio.REVIEW_DUE.items()]
    )
    sort = forms.ChoiceField(
        label="Order by",
        required=False,
        choices=_sort_choices(portfolio.REVIEW_ORDERS, {"score": "Overall score"}),
    )


class ClauseFilterForm(PortfolioFilterForm):
    type = forms.ChoiceField(required=False, choices=[("", "Any type"), *ClauseType.choices])
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *SecurityClause.Status.choices]
    )
    expiring = _days("Expiring within (days)", "Or due for verification; overdue included.")
    sort = forms.ChoiceField(
        label="Order by",
        required=False,
        choices=_sort_choices(
            portfolio.CLAUSE_ORDERS, {"expires": "Expiry", "verification": "Next verification"}
        ),
    )


class GoalFilterForm(PortfolioFilterForm):
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any status"),
            *((key, label) for key, (label, _) in portfolio.GOAL_STATUSES.items()),
        ],
    )
    due_within = _days("Due within (days)", "Active goals; overdue included.")
    sort = forms.ChoiceField(
        label="Order by",
        required=False,
        choices=_sort_choices(portfolio.GOAL_ORDERS, {"due": "Due date"}),
    )


class GapFilterForm(forms.Form):
    """The clause-gap matrix's filters: scope, tier, a vendor's name, only those with gaps."""

    scope = forms.ChoiceField(required=False, choices=ListScope.choices, label="Whose")
    tier = forms.ChoiceField(required=False, choices=[("", "Any tier"), *Vendor.Tier.choices])
    vendor_name = forms.CharField(
        required=False,
        max_length=200,
        label="Vendor",
        widget=forms.TextInput(attrs={"placeholder": "Name contains"}),
    )
    gaps = _flag("Only vendors with gaps")

    def filters(self):
        self.is_valid()
        return dict(self.cleaned_data)
