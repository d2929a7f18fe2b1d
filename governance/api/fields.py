"""Serializer fields shared by the API's serializers."""

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.domain import access
from governance.domain.bounds import RANGE_MESSAGE, in_window

# The window every stored date keeps (``governance.domain.bounds``), checked as the value is read:
# converting a far-off moment before validators run is what could overflow.


class DateField(serializers.DateField):
    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not in_window(day):
            raise serializers.ValidationError(RANGE_MESSAGE, code="out_of_range")
        return day


class DateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value):
        try:
            moment = super().to_internal_value(value)
        except serializers.ValidationError as error:
            # A moment near year 1 or 9999 overflows when DRF moves it to the current zone.
            if any(getattr(d, "code", None) == "overflow" for d in error.detail):
                raise serializers.ValidationError(RANGE_MESSAGE, code="out_of_range") from error
            raise
        if not in_window(moment):
            raise serializers.ValidationError(RANGE_MESSAGE, code="out_of_range")
        return moment


@extend_schema_field(
    {"type": "object", "additionalProperties": {}, "example": {"notification_hours": 24}}
)
class JSONObjectField(serializers.JSONField):
    """A JSON object (not a list or scalar) whose text the database can store."""

    default_error_messages = {
        "not_an_object": "Expected a JSON object.",
        "null_character": "Text may not contain NUL characters.",
    }

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            self.fail("not_an_object")
        if _contains_nul(value):
            # PostgreSQL's jsonb cannot hold \u0000.
            self.fail("null_character")
        return value


def _contains_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(key) or _contains_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


@extend_schema_field(OpenApiTypes.INT)
class UserField(serializers.PrimaryKeyRelatedField):
    """A user by id; only active users can be chosen, and of them only those ``scope`` allows.

    ``scope``: ``"any"`` (every active user), ``"internal"`` (not vendor representatives),
    ``"owners"`` (managers and administrators: who may own or be assigned to a vendor).
    """

    def __init__(self, *, scope="any", **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        if self.scope == "owners":
            return access.owner_candidates()
        if self.scope == "internal":
            return access.internal_users()
        return get_user_model().objects.filter(is_active=True)


class PercentField(serializers.FloatField):
    """A derived 0-100 figure; null when there is no data to compute it from."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 100)
        super().__init__(**kwargs)
