"""The inbox's filters, from the query string."""

from django import forms

from governance.models import VendorActivity
from governance.web.forms.base import typed_vendor_fields


class InboxFilterForm(forms.Form):
    unread = forms.BooleanField(required=False, label="Unread only")
    kind = forms.ChoiceField(
        required=False, label="What", choices=[("", "Anything"), *VendorActivity.Kind.choices]
    )
    vendor_name, vendor = typed_vendor_fields()
