"""The action-item register: adding an item, moving one along, and the register's filters."""

from django import forms

from governance.domain import access
from governance.models import ActionItem, Contact, Incident, Meeting, Review, Vendor
from governance.selectors.actions import SCOPES
from governance.web.forms.base import UIModelForm, UserChoiceField, typed_vendor_fields
from governance.web.templatetags.governance_ui import period


class ActionItemForm(UIModelForm):
    """A new action item of one of the vendors the user may change. Its review, meeting,
    incident and vendor contact are chosen among the records of the vendor ``vendor_id``
    (the one the form was opened for or posted with); the item's source is the record it
    names (``services.action_item_save``)."""

    error_fields = {"action_item_source_matches": "review"}

    vendor = forms.ModelChoiceField(queryset=Vendor.objects.none())
    owner = UserChoiceField(queryset=access.internal_users(), required=False)

    class Meta(UIModelForm.Meta):
        model = ActionItem
        fields = [
            "vendor",
            "description",
            "owner",
            "vendor_contact",
            "due_date",
            "status",
            "review",
            "meeting",
            "incident",
        ]
        labels = {"vendor_contact": "Vendor contact (owner on their side)"}
        help_texts = {
            "review": "Where it came from, if anywhere: one record at most.",
        }

    def __init__(self, *args, user, vendor_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = access.editable_vendors(user).order_by("name")
        self.fields["owner"].queryset = (
            access.action_item_owner_candidates(vendor_id) if vendor_id else access.internal_users()
        ).order_by("username")
        records = {
            "vendor_contact": Contact.objects.order_by("name"),
            "review": Review.objects.order_by("-scheduled_for"),
            "meeting": Meeting.objects.order_by("title"),
            "incident": Incident.objects.order_by("-opened_at"),
        }
        for name, queryset in records.items():
            self.fields[name].queryset = (
                queryset.filter(vendor_id=vendor_id) if vendor_id else queryset.none()
            )
            if not vendor_id:
                self.fields[name].help_text = "Choose the vendor first (Add from its workspace)."
        self.fields["review"].label_from_instance = lambda review: period(
            review.period_start, review.period_end
        )


class OccurrenceActionItemForm(UIModelForm):
    """An action item recorded at a meeting occurrence: what, who (one of our people, a
    representative, or a contact of the vendor), by when. It comes from the occurrence's
    meeting (``ActionItem.fill_from_source``)."""

    owner = UserChoiceField(queryset=access.internal_users(), required=False)

    class Meta(UIModelForm.Meta):
        model = ActionItem
        fields = ["description", "owner", "vendor_contact", "due_date"]
        labels = {"vendor_contact": "Vendor contact (owner on their side)"}

    def __init__(self, *args, occurrence, **kwargs):
        super().__init__(*args, **kwargs)
        vendor_id = occurrence.meeting.vendor_id
        self.instance.vendor_id = vendor_id
        self.instance.occurrence = occurrence
        self.fields["owner"].queryset = access.action_item_owner_candidates(vendor_id).order_by(
            "username"
        )
        self.fields["vendor_contact"].queryset = Contact.objects.filter(
            vendor_id=vendor_id
        ).order_by("name")


class ActionItemStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)


class ActionItemFilterForm(forms.Form):
    """The register's switch (whose items) and filters, from the query string."""

    scope = forms.ChoiceField(required=False, choices=list(SCOPES.items()), label="Whose")
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Open or in progress"), ("any", "Any status"), *ActionItem.Status.choices],
    )
    vendor_name, vendor = typed_vendor_fields()
    source = forms.ChoiceField(
        required=False, choices=[("", "Any source"), *ActionItem.Source.choices]
    )
    overdue = forms.BooleanField(required=False, label="Overdue only")
