"""Service credits: policies, monthly statements, and SLA compliance for a period."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance import services
from governance.domain import bounds, credits
from governance.models import CreditPolicy, CreditStatement

from ..fields import JSONObjectField
from ..scoping import VisibleVendorField
from .base import ModelSerializer, VendorRecordSerializer


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-03"})
class MonthField(serializers.Field):
    """A calendar month as ``YYYY-MM`` (stored as its first day)."""

    def to_representation(self, value):
        return f"{value:%Y-%m}"

    def to_internal_value(self, data):
        try:
            return credits.parse_month(data if isinstance(data, str) else "")
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from error


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "below_percent": {"type": "number", "minimum": 0, "maximum": 100},
                "credit_percent": {"type": "number", "minimum": 0, "maximum": 100},
            },
            "required": ["below_percent", "credit_percent"],
        },
    }
)
class BandsField(serializers.JSONField):
    """Compliance bands, highest ``below_percent`` first."""


class CreditPolicySerializer(VendorRecordSerializer):
    bands = BandsField(
        required=False,
        help_text="The lowest band the month's compliance falls below gives its credit_percent "
        'of the fee, e.g. [{"below_percent": 99, "credit_percent": 5}, '
        '{"below_percent": 95, "credit_percent": 10}].',
    )
    per_breach = JSONObjectField(
        required=False,
        help_text='An amount per breached resolution target, by priority: {"P1": 500}.',
    )
    fee = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        read_only=True,
        help_text="The monthly fee in force: monthly_fee, or the vendor's annual value / 12.",
    )
    save_with = staticmethod(services.credit_policy_save)

    class Meta:
        model = CreditPolicy
        fields = [
            "id",
            "vendor",
            "monthly_fee",
            "fee",
            "currency",
            "bands",
            "per_breach",
            "cap_percent",
            "claim_window_days",
            "created_at",
            "updated_at",
        ]


class CreditStatementSerializer(ModelSerializer):
    """A month's statement; only ``status`` and ``status_note`` are written."""

    month = MonthField(read_only=True)
    breaches_by_priority = JSONObjectField(
        read_only=True, help_text='Breached resolution targets by priority: {"P1": 2}.'
    )

    class Meta:
        model = CreditStatement
        fields = [
            "id",
            "vendor",
            "month",
            "compliance_percent",
            "met",
            "breached",
            "breaches_by_priority",
            "credit_due",
            "currency",
            "status",
            "status_note",
            "computed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [name for name in fields if name not in ("status", "status_note")]

    def update(self, instance, validated_data):
        return services.credit_statement_status_set(
            instance,
            status=validated_data.get("status", instance.status),
            status_note=validated_data.get("status_note"),
        )


@extend_schema_field(OpenApiTypes.INT)
class _VendorIdField(VisibleVendorField):
    """A visible vendor's id, outside a model serializer (where the schema cannot tell)."""


class CreditComputeSerializer(serializers.Serializer):
    vendor = _VendorIdField(help_text="A vendor id (it needs a credit policy).")
    month = MonthField(help_text="The month to compute, YYYY-MM.")


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="The first day of the period, YYYY-MM-DD.")
    end = serializers.DateField(help_text="The last day of the period (included), YYYY-MM-DD.")

    def validate_start(self, value):
        return _in_window(value)

    def validate_end(self, value):
        return _in_window(value)

    def validate(self, attrs):
        errors = credits.period_errors(attrs["start"], attrs["end"])
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def _in_window(value):
    if not bounds.in_window(value):
        raise serializers.ValidationError(bounds.RANGE_MESSAGE)
    return value


class SLAComplianceSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    met = serializers.IntegerField(help_text="Resolution targets met.")
    breached = serializers.IntegerField(
        help_text="Resolution targets breached (also by incidents still open past them)."
    )
    compliance_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        help_text="met / (met + breached) in percent; null without targets.",
    )
