"""Reminders (read-only)."""

from rest_framework import serializers

from governance.models import Reminder


class ReminderSerializer(serializers.ModelSerializer):
    subject_type = serializers.CharField(
        source="content_type.model", read_only=True, help_text="What it is about, e.g. review."
    )
    subject_id = serializers.IntegerField(source="object_id", read_only=True)

    class Meta:
        model = Reminder
        fields = [
            "id",
            "kind",
            "subject_type",
            "subject_id",
            "vendor",
            "occurrence",
            "lead_time",
            "recipient",
            "recipient_contact",
            "status",
            "attempts",
            "created_at",
            "claimed_at",
            "sent_at",
            "last_error",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "lead_time": {"help_text": "How long before the occurrence, as [DD] [HH:[MM:]]ss."},
            "recipient": {"help_text": "The user it goes to (null when it goes to a contact)."},
            "recipient_contact": {
                "help_text": "The vendor's contact it goes to (an escalation to the vendor's "
                "side, where the vendor allows it); null when it goes to a user."
            },
        }
