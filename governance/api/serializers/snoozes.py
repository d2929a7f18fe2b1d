"""Snoozes: a person's reminders about one object held until a date."""

from django.apps import apps
from django.utils import timezone
from rest_framework import serializers

from governance import services
from governance.domain import access, zones
from governance.models import SNOOZABLE_MODELS, Snooze

SUBJECT_TYPES = {label: name for name, label in SNOOZABLE_MODELS.items()}


class SubjectTypeField(serializers.ChoiceField):
    """What a snooze is about, by the name of ``SNOOZABLE_MODELS`` (read from its content
    type)."""

    def get_attribute(self, instance):
        content_type = instance.content_type
        label = f"{content_type.app_label}.{content_type.model}"
        return SUBJECT_TYPES.get(label, content_type.model)


class SnoozeSerializer(serializers.ModelSerializer):
    subject_type = SubjectTypeField(
        choices=sorted(SNOOZABLE_MODELS), help_text="What it is about, e.g. incident."
    )
    subject_id = serializers.IntegerField(
        source="object_id", min_value=1, max_value=2**63 - 1, help_text="The id of that object."
    )

    class Meta:
        model = Snooze
        fields = ["id", "subject_type", "subject_id", "vendor", "until", "note", "created_at"]
        read_only_fields = ["vendor", "created_at"]
        extra_kwargs = {"until": {"help_text": "Reminders resume on this day (after today)."}}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None:
            subject = self.instance.subject
            current = {
                "subject_type": self.fields["subject_type"].get_attribute(self.instance),
                "object_id": self.instance.object_id,
            }
            for name, value in current.items():
                if name in attrs and attrs[name] != value:
                    field = "subject_id" if name == "object_id" else name
                    raise serializers.ValidationError({field: "This cannot be changed."})
        else:
            model = apps.get_model(SNOOZABLE_MODELS[attrs["subject_type"]])
            subject = model.objects.filter(pk=attrs["object_id"]).first()
        user = self.context["request"].user
        if (
            subject is None
            or not access.vendors_for(user).filter(pk=access.vendor_id_of(subject)).exists()
        ):
            raise serializers.ValidationError({"subject_id": "No such object."})
        attrs["subject"] = subject
        return attrs

    def _save(self, attrs):
        user = self.context["request"].user
        today = timezone.localdate(timezone=zones.zone_or_utc(access.profile_of(user).time_zone))
        current = self.instance
        return services.snooze_set(
            user,
            attrs["subject"],
            until=attrs.get("until", current.until if current else None),
            note=attrs.get("note", current.note if current else ""),
            today=today,
        )

    def create(self, validated_data):
        return self._save(validated_data)

    def update(self, instance, validated_data):
        return self._save(validated_data)
