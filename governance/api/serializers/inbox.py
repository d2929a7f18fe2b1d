"""The inbox (what vendor representatives did), agenda proposals and answering a dispute."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.domain.models.inbox import KIND_SUBJECTS
from governance.models import AgendaProposal, Review, VendorActivity

from ..scoping import VisibleMeetingField
from .base import ModelSerializer


class ActivitySubjectSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=sorted(set(KIND_SUBJECTS.values())),
        help_text="What the activity is about: `review`, `proposal` (an agenda proposal), "
        "`occurrence` (a meeting occurrence), `goal`, `incident` or `action_item`.",
    )
    id = serializers.IntegerField(help_text="That record's id (its own endpoint's).")


class VendorActivitySerializer(serializers.ModelSerializer):
    subject = serializers.SerializerMethodField()
    is_read = serializers.BooleanField(
        read_only=True, help_text="Whether you have read it (each person's own)."
    )

    class Meta:
        model = VendorActivity
        fields = ["id", "vendor", "kind", "actor", "at", "comment", "meeting", "subject", "is_read"]
        read_only_fields = fields
        extra_kwargs = {
            "actor": {"help_text": "The vendor representative (user id)."},
            "meeting": {"help_text": "The meeting an agenda proposal or a sign-off is about."},
        }

    @extend_schema_field(ActivitySubjectSerializer)
    def get_subject(self, activity):
        field = KIND_SUBJECTS[activity.kind]
        return {"type": field, "id": getattr(activity, f"{field}_id")}


class ActivitiesReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many activities were marked read.")


class AgendaProposalSerializer(ModelSerializer):
    meeting = VisibleMeetingField(help_text="The meeting (of a vendor you may see).")
    vendor = serializers.IntegerField(
        source="meeting.vendor_id", read_only=True, help_text="The meeting's vendor."
    )

    class Meta:
        model = AgendaProposal
        fields = ["id", "meeting", "vendor", "text", "author", "status", "created_at"]
        read_only_fields = ["author", "status"]
        extra_kwargs = {
            "author": {"help_text": "Who proposed it (a representative or one of ours)."},
            "status": {
                "help_text": "`proposed`, then `accepted` (joined the meeting's agenda) or "
                "`declined`: POST agenda-proposals/{id}/answer/."
            },
        }


class AgendaProposalAnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField(
        help_text="true: the item joins the meeting's agenda; false: declined."
    )


class DisputeAnswerSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[Review.DisputeStatus.UPHELD.value, Review.DisputeStatus.REVISED.value],
        help_text="`upheld` (the outcome stands) or `revised`.",
    )
    answer = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="What you tell the vendor."
    )
