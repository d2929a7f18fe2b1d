"""What the API's model serializers share: fields mapped from the model, one service per write.

A serializer maps fields and errors and nothing more. What a value may be is the domain's
to say: the fields DRF builds from a model carry that model's validators and choices, and
every write goes through a service whose ``full_clean()`` runs the model's ``clean()`` and
constraints; their errors answer 400 per field (``exceptions.exception_handler``).
"""

from django.db import models
from rest_framework import serializers

from ..fields import DateTimeField
from ..scoping import VisibleVendorField


class ModelSerializer(serializers.ModelSerializer):
    """A model's representation, written through the service ``save_with``.

    ``save_with``: the service that validates and saves an unsaved or changed instance;
    ``save_separately``: fields given to it as keywords instead (many-to-many fields, nested
    rows); ``create_only_fields``: fields an update may not change.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }
    create_only_fields = ()
    save_with = None
    save_separately = ()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None:
            errors = {
                name: ["This cannot be changed once created."]
                for name in self.create_only_fields
                if name in attrs and attrs[name] != getattr(self.instance, name)
            }
            if errors:
                raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data):
        return self._save(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, instance, data):
        separately = {name: data.pop(name, None) for name in self.save_separately}
        for name, value in data.items():
            setattr(instance, name, value)
        return self.save_with(instance, **separately)


class VendorRecordSerializer(ModelSerializer):
    """A record of a vendor: that of a vendor the user may see, and it stays that vendor's."""

    vendor = VisibleVendorField()
    create_only_fields = ("vendor",)
