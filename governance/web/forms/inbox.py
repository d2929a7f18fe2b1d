"""The inbox's filters, from the query string."""

from django import forms

from governance.models import VendorActivity


class InboxFilterForm(forms.Form):
    unread = forms.BooleanField(required=False, label="Unread only")
    kind = forms.ChoiceField(
        required=False, label="What", choices=[("", "Anything"), *VendorActivity.Kind.choices]
    )
    # A vendor by name, typed (a portfolio has thousands: no list of them all); a link names
    # one by id instead.
    vendor_name = forms.CharField(required=False, max_length=200, label="Vendor")
    # A vendor's key: at most what a key column holds (a larger number is no vendor).
    vendor = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor_name"].widget.attrs["placeholder"] = "Name contains"
