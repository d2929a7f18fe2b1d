"""Shared goals and their check-ins."""

from rest_framework import serializers

from governance import services
from governance.models import Goal, GoalCheckIn

from ..scoping import VisibleContactField
from .base import ModelSerializer, VendorRecordSerializer


class GoalSerializer(VendorRecordSerializer):
    vendor_owner = VisibleContactField(
        required=False, allow_null=True, help_text="The vendor-side owner: one of its contacts."
    )
    save_with = staticmethod(services.goal_save)

    class Meta:
        model = Goal
        fields = ["id", *services.GOAL_FIELDS, "current_value", "created_at", "updated_at"]
        read_only_fields = ["current_value"]
        extra_kwargs = {
            "owner": {"help_text": "The internal owner (a user id)."},
            "current_value": {"help_text": "The value of the latest check-in."},
            "status": {
                "help_text": "Typed until the goal's first check-in; from then on derived "
                "from the check-ins (`achieved` once the latest value reaches the target in "
                "the goal's direction, `missed` past the due date without it, else "
                "`on_track` or `at_risk` by the way made against the time gone), whatever "
                "is sent, except the decisions `proposed` and `dropped`."
            },
        }


class CheckInSerializer(ModelSerializer):
    author = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = GoalCheckIn
        fields = ["id", "goal", "date", "value", "note", "author", "created_at"]
        read_only_fields = ["goal"]

    def create(self, validated_data):
        return services.goal_check_in_add(**validated_data)
