"""Vendors (with the vendor list's filters) and their contacts."""

from django import forms

from governance.domain import access
from governance.models import Cadence, Contact, Service, Vendor
from governance.services import VENDOR_FIELDS
from governance.web.forms.base import (
    TimeZoneField,
    UIModelForm,
    UserChoiceField,
    UsersChoiceField,
    user_choices,
)


class VendorForm(UIModelForm):
    services = forms.MultipleChoiceField(
        choices=Service.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    owner = UserChoiceField(queryset=user_choices(), label="Relationship owner")
    managers = UsersChoiceField(
        queryset=user_choices(),
        required=False,
        label="Assigned managers",
        help_text="Managers who change this vendor's records besides its owner.",
        widget=forms.CheckboxSelectMultiple,
    )
    time_zone = TimeZoneField()

    class Meta(UIModelForm.Meta):
        model = Vendor
        fields = list(VENDOR_FIELDS)
        labels = {"renewal_notice_days": "Renewal notice (days)"}
        help_texts = {
            "country": "Two-letter code, e.g. PL.",
            "currency": "Three-letter code, e.g. EUR.",
            "review_cadence": "Leave empty to use the tier's default.",
        }

    def __init__(self, *args, may_assign=True, **kwargs):
        super().__init__(*args, **kwargs)
        # Who may own or be assigned is the domain's rule; these are the people it allows.
        self.fields["owner"].queryset = access.owner_candidates().order_by("username")
        self.fields["managers"].queryset = access.owner_candidates().order_by("username")
        if self.instance.pk:
            self.fields["managers"].initial = list(self.instance.managers.all())
        if not may_assign:
            # Handing a vendor over is for its owner and administrators (governance.domain.access).
            self.fields["owner"].disabled = True
            self.fields["managers"].disabled = True
        self.fields["review_cadence"].required = False
        self.fields["review_cadence"].choices = [("", "The tier's default"), *Cadence.choices]

    # Codes are typed in any case and stored in capitals.
    def clean_country(self):
        return self.cleaned_data["country"].strip().upper()

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()

    def vendor_data(self):
        """The vendor's fields for ``services.vendor_create`` / ``vendor_update``."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class VendorFilterForm(forms.Form):
    SORTS = [
        ("name", "Name"),
        ("health", "Weakest health"),
        ("tier", "Tier (critical first)"),
        ("status", "Status"),
        ("next_review", "Next review"),
        ("contract_end", "Contract end"),
        ("owner", "Owner"),
    ]
    q = forms.CharField(required=False, label="Search")
    tier = forms.ChoiceField(required=False, choices=[("", "Any tier"), *Vendor.Tier.choices])
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Vendor.Status.choices])
    service = forms.ChoiceField(required=False, choices=[("", "Any service"), *Service.choices])
    owner = forms.ChoiceField(required=False, choices=[("", "Any owner")])
    sort = forms.ChoiceField(required=False, choices=SORTS)
    per_page = forms.TypedChoiceField(
        required=False,
        label="Rows per page",
        coerce=int,
        empty_value=None,
        choices=[(10, "10"), (25, "25"), (50, "50"), (100, "100")],
        initial=25,
    )

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("per_page"):
            # Filtering without choosing a page length keeps the default shown as selected.
            self.data = self.data.copy()
            self.data["per_page"] = str(self.fields["per_page"].initial)
        self.fields["owner"].choices = [("", "Any owner")] + [
            (str(user.pk), user.get_full_name() or user.username) for user in owners
        ]


class ContactForm(UIModelForm):
    class Meta(UIModelForm.Meta):
        model = Contact
        fields = ["name", "role", "email", "phone", "is_primary"]
        labels = {"is_primary": "Primary contact"}
