"""The webhook subscription form: where to, which events, of which vendor, enabled or not.
Where the URL leads is the service's to check (``services.webhooks.save_subscription``)."""

from django import forms

from governance.models import Vendor, WebhookEventType, WebhookSubscription
from governance.web.forms.base import UIModelForm


class WebhookForm(UIModelForm):
    """A subscription; the vendor is typed by name (a portfolio has thousands: no list of
    them all), the events are checkboxes with their names."""

    events = forms.MultipleChoiceField(
        choices=WebhookEventType.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Events",
        help_text="Each delivery is one of these, for one vendor.",
    )
    vendor_name = forms.CharField(
        required=False,
        max_length=200,
        label="Only this vendor",
        help_text="The vendor's name as it is in the register (any case); blank: every vendor.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta(UIModelForm.Meta):
        model = WebhookSubscription
        fields = ["url", "description", "events", "is_active"]
        labels = {"url": "Target URL", "is_active": "Enabled"}
        help_texts = {
            "url": "http(s) address that receives a signed POST per event. Addresses on "
            "private, loopback or link-local networks are refused.",
            "is_active": "A disabled subscription gets nothing; enabling it again starts its "
            "failure count afresh.",
        }

    error_fields = {"vendor": "vendor_name"}
    field_order = ["url", "description", "events", "vendor_name", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.vendor_id and not self.is_bound:
            self.initial["vendor_name"] = self.instance.vendor.name

    def clean_vendor_name(self):
        name = self.cleaned_data["vendor_name"].strip()
        if not name:
            self.instance.vendor = None
            return ""
        vendor = (
            Vendor.objects.filter(name=name).first()
            or Vendor.objects.filter(name__iexact=name).order_by("pk").first()
        )
        if vendor is None:
            raise forms.ValidationError(f"No vendor is named “{name}”.")
        self.instance.vendor = vendor
        return vendor.name
