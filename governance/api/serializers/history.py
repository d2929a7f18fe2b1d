"""A vendor's change history (``selectors.history``)."""

from rest_framework import serializers

from governance.selectors import history


class HistoryQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(history.KINDS), required=False, allow_blank=True)


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field's name, as in the API where it has one.")
    label = serializers.CharField(help_text="The field's name as people read it.")
    before = serializers.JSONField(
        allow_null=True, help_text="The value before (null when the record was created)."
    )
    after = serializers.JSONField(
        allow_null=True, help_text="The value after (null when the record was deleted)."
    )
    before_text = serializers.CharField(help_text="The value before, as people read it.")
    after_text = serializers.CharField(help_text="The value after, as people read it.")


class HistoryEntrySerializer(serializers.Serializer):
    """One change to the vendor or one of its records (``history.Entry``)."""

    kind = serializers.ChoiceField(
        choices=list(history.KINDS), help_text="What kind of record changed."
    )
    kind_label = serializers.CharField()
    history_id = serializers.IntegerField(help_text="The change's id among changes of its kind.")
    object_id = serializers.IntegerField(help_text="The id of the record that changed.")
    object = serializers.CharField(source="object_label", help_text="What the record is.")
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    at = serializers.DateTimeField(help_text="When the change was made.")
    user = serializers.IntegerField(
        source="user.pk", allow_null=True, help_text="Who made it (null: the system)."
    )
    user_name = serializers.CharField(help_text="Who made it, by username (empty: the system).")
    changes = HistoryChangeSerializer(many=True)
