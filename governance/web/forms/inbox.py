"""The inbox's filters, from the query string."""

from django import forms

from governance.models import VendorActivity


class InboxFilterForm(forms.Form):
    unread = forms.BooleanField(required=False, label="Unread only")
    kind = forms.ChoiceField(
        required=False, label="What", choices=[("", "Anything"), *VendorActivity.Kind.choices]
    )
    vendor = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=[("", "Any vendor")]
    )

    def __init__(self, *args, vendors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].choices = [("", "Any vendor")] + [(pk, name) for pk, name in vendors]
