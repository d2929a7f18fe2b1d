"""The action-item register: every follow-up of a vendor, whatever produced it."""

from django.utils import timezone
from rest_framework import serializers

from governance import services
from governance.domain.models.actions import SOURCE_FIELDS
from governance.models import ActionItem, Incident, Meeting, MeetingOccurrence, Review

from ..scoping import VisibleContactField, scoped_to, visible_vendors
from .base import VendorRecordSerializer

SOURCE_MODELS = {"review": Review, "meeting": Meeting, "incident": Incident}


class ActionItemRecordSerializer(VendorRecordSerializer):
    source_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The id of the review, meeting or incident it comes from (none for `other`).",
    )
    occurrence = serializers.PrimaryKeyRelatedField(
        queryset=MeetingOccurrence.objects.none(),
        required=False,
        allow_null=True,
        help_text="The meeting occurrence it was recorded at (a record id of "
        "meeting-occurrences/); given alone, the item comes from that occurrence's meeting.",
    )
    vendor_contact = VisibleContactField(
        required=False, allow_null=True, help_text="The vendor's contact who owns it."
    )
    is_overdue = serializers.SerializerMethodField(
        help_text="Open or in progress with its due date passed."
    )
    save_with = staticmethod(services.action_item_save)

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "vendor",
            "source",
            "source_id",
            "occurrence",
            "description",
            "owner",
            "vendor_contact",
            "due_date",
            "status",
            "is_overdue",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "owner": {
                "help_text": "An internal user, or a representative of the item's vendor (who "
                "then sees the item in the vendor portal)."
            },
        }

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["occurrence"].queryset = scoped_to(
                MeetingOccurrence.objects.all(), "meeting__vendor", visible_vendors(request)
            )
        return fields

    def get_is_overdue(self, item) -> bool:
        return item.is_overdue_on(timezone.localdate())

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "source" not in attrs and "source_id" not in attrs:
            return attrs
        current = self.instance
        source = attrs.get("source", current.source if current else ActionItem.Source.OTHER)
        if "source_id" in attrs:
            source_id = attrs.pop("source_id")
        else:
            source_id = current.source_id if current and current.source == source else None
        for field in SOURCE_FIELDS.values():
            attrs[field] = None
        if source in (ActionItem.Source.OTHER, ActionItem.Source.MEETING) and source_id is None:
            occurrence = attrs.get("occurrence", current.occurrence if current else None)
            if occurrence is not None:
                # Recorded at an occurrence: the item comes from its meeting.
                attrs["meeting"] = occurrence.meeting
                attrs["source"] = ActionItem.Source.MEETING
                return attrs
        if source not in SOURCE_FIELDS:
            if source_id is not None:
                raise serializers.ValidationError(
                    {"source_id": "An item from elsewhere names no record."}
                )
            return attrs
        if source_id is None:
            raise serializers.ValidationError(
                {"source_id": f"Give the id of the {source} it comes from."}
            )
        records = scoped_to(
            SOURCE_MODELS[source].objects.all(), "vendor", visible_vendors(self.context["request"])
        )
        record = records.filter(pk=source_id).first()
        if record is None:
            raise serializers.ValidationError({"source_id": f"No such {source}."})
        attrs[SOURCE_FIELDS[source]] = record
        return attrs
