"""Serializer fields shared by the API's serializers: how values are read and documented.

What a value may be is the domain's to say (the models' validators, ``clean()`` and
constraints, run by the services' ``full_clean``); these fields only parse and describe.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.domain.bounds import RANGE_MESSAGE


class DateTimeField(serializers.DateTimeField):
    """DRF's, answering a moment too near year 1 or 9999 to convert with the domain's message
    for dates outside its window (``governance.domain.bounds``) instead of its own."""

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except serializers.ValidationError as error:
            if any(getattr(detail, "code", None) == "overflow" for detail in error.detail):
                raise serializers.ValidationError(RANGE_MESSAGE, code="out_of_range") from error
            raise


@extend_schema_field({"type": "object", "additionalProperties": {}, "example": {"min_tls": "1.2"}})
class JSONObjectField(serializers.JSONField):
    """A JSON value documented as an object (the model requires one, e.g. clause parameters)."""


class PercentField(serializers.FloatField):
    """A derived 0-100 figure; null when there is no data to compute it from."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 100)
        super().__init__(**kwargs)
