"""Vendors, their contacts, managers and scorecard."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from governance import selectors, services
from governance.models import Contact, Service, Vendor

from ..fields import PercentField
from .base import ModelSerializer, VendorRecordSerializer


class VendorSerializer(ModelSerializer):
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=Service.choices),
        required=False,
        max_length=len(Service.choices),
        help_text="The services the vendor provides, each listed once (none by default).",
    )
    next_review_date = serializers.DateField(
        read_only=True, allow_null=True, help_text="The earliest open review's date."
    )
    health_score = serializers.SerializerMethodField(
        help_text="0-100, the weighted mean of the scorecard parts that have data."
    )
    sla_compliance_90d = serializers.SerializerMethodField(
        help_text="Share (0-100) of SLA resolution targets met over the last 90 days."
    )
    clause_coverage = serializers.SerializerMethodField(
        help_text="Share (0-100) of the tier's required security clauses in force."
    )

    class Meta:
        model = Vendor
        fields = [
            "id",
            *services.VENDOR_FIELDS,
            "next_review_date",
            "health_score",
            "sla_compliance_90d",
            "clause_coverage",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "owner": {
                "required": False,
                "help_text": "The relationship owner (a manager's or an administrator's user "
                "id); defaults to the user who creates it.",
            },
            "time_zone": {"help_text": "An IANA time zone name such as Europe/Warsaw."},
            "country": {"help_text": "Two-letter ISO 3166 code, e.g. PL."},
            "currency": {"help_text": "Three-letter ISO 4217 code, e.g. EUR."},
            "review_cadence": {"help_text": "Empty takes the default of the vendor's tier."},
            "email_vendor_contacts": {
                "help_text": "Whether escalations (an overdue action item, a missed security "
                "notification) also email the vendor's own contacts on its escalation path."
            },
        }

    @extend_schema_field(PercentField())
    def get_health_score(self, vendor):
        return vendor.health_score

    @extend_schema_field(PercentField())
    def get_sla_compliance_90d(self, vendor):
        return selectors.sla_compliance_percent(vendor)

    @extend_schema_field(PercentField())
    def get_clause_coverage(self, vendor):
        return selectors.clause_coverage_percent(vendor)

    def create(self, validated_data):
        owner = validated_data.pop("owner", None) or self.context["request"].user
        return services.vendor_create(owner=owner, **validated_data)

    def update(self, instance, validated_data):
        return services.vendor_update(instance, **validated_data)


class VendorManagersSerializer(serializers.Serializer):
    owner = serializers.IntegerField(
        read_only=True, help_text="The relationship owner (user id), who always edits it."
    )
    managers = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=get_user_model().objects.all(),
        help_text="Managers who change the vendor's records besides its owner (user ids of "
        "managers or administrators).",
    )

    def to_representation(self, vendor):
        return {
            "owner": vendor.owner_id,
            "managers": sorted(vendor.managers.values_list("pk", flat=True)),
        }


class ContactSerializer(VendorRecordSerializer):
    save_with = staticmethod(services.contact_save)

    class Meta:
        model = Contact
        fields = ["id", "vendor", "name", "email", "role", "phone", "is_primary"]
        # Marking a second contact primary is allowed: contact_save unmarks the first.
        validators = []


# --- scorecard -----------------------------------------------------------------------------


class HealthPartsSerializer(serializers.Serializer):
    reviews = PercentField(help_text="The latest review score on a 0-100 scale.")
    sla = PercentField(help_text="SLA compliance over the window.")
    goals = PercentField(help_text="Measured goals on track or achieved.")
    clauses = PercentField(help_text="Required security clauses in force.")


class ReviewHistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scheduled_for = serializers.DateField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    overall_score = serializers.DecimalField(max_digits=3, decimal_places=2)


class ScorecardSLASerializer(serializers.Serializer):
    window_days = serializers.IntegerField()
    met = serializers.IntegerField()
    breached = serializers.IntegerField()
    compliance = PercentField()


class ScorecardGoalsSerializer(serializers.Serializer):
    measured = serializers.IntegerField()
    on_track_or_achieved = serializers.IntegerField()
    percent = PercentField()


class ScorecardClausesSerializer(serializers.Serializer):
    required = serializers.ListField(child=serializers.CharField())
    covered = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())
    coverage = PercentField()


class ScorecardSecuritySerializer(serializers.Serializer):
    window_days = serializers.IntegerField()
    incidents = serializers.IntegerField(
        help_text="Security incidents opened in the window (the SLA figure's)."
    )
    with_status = serializers.IntegerField(
        help_text="Of those, how many have a vendor notification status."
    )
    running = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    overdue = serializers.IntegerField()
    no_clause = serializers.IntegerField(
        help_text="Security incidents with no breach-notification clause in force at detection "
        "(a finding; not counted in the share)."
    )
    notified_on_time_percent = PercentField(
        help_text="On time among on time, late and overdue; null while no clock has ended. "
        "Not a part of the health figure."
    )


@extend_schema_serializer(deprecate_fields=["health"])
class ScorecardSerializer(serializers.Serializer):
    """A vendor's scorecard (``selectors.Scorecard``): derived, never typed in."""

    vendor = serializers.IntegerField(source="vendor.pk")
    vendor_name = serializers.CharField(source="vendor.name")
    # health_score, as in the vendor list; health is its old name, kept for existing clients.
    health_score = PercentField(
        source="health", help_text="The health figure, 0-100, from the parts below."
    )
    health = PercentField(
        help_text="Deprecated: the same value as `health_score`, the name the vendor list "
        "uses too; read `health_score` instead."
    )
    parts = HealthPartsSerializer()
    latest_score = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    previous_score = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    score_trend = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        allow_null=True,
        help_text="Latest minus previous review score.",
    )
    criteria = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="The latest completed review's score (1-5) per criterion.",
    )
    review_history = ReviewHistoryEntrySerializer(many=True)
    sla = ScorecardSLASerializer()
    goals = ScorecardGoalsSerializer()
    clauses = ScorecardClausesSerializer()
    security = ScorecardSecuritySerializer()
    next_review_date = serializers.DateField(allow_null=True)
    generated_at = serializers.DateTimeField()
    notes = serializers.ListField(child=serializers.CharField())
