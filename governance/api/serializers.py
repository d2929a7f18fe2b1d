"""The API's representations and input validation.

Serializers check the shape of a request and turn it into friendly per-field messages; every
write goes through ``governance.services`` (which validate again with ``full_clean`` and hold
the business rules) and every derived figure comes from ``governance.selectors``.
"""

import datetime as dt

from django.contrib.auth import authenticate, get_user_model
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.validators import UniqueTogetherValidator

from governance import selectors, services
from governance.domain import access, bounds
from governance.models import (
    ActionItem,
    Contact,
    Goal,
    GoalCheckIn,
    Incident,
    Meeting,
    Reminder,
    Review,
    ReviewScore,
    SecurityClause,
    Service,
    SLATarget,
    Vendor,
)
from governance.selectors import history as audit

from .fields import (
    DateField,
    DateTimeField,
    JSONObjectField,
    PercentField,
    UserField,
)
from .scoping import VisibleContactField, VisibleVendorField


def _value(attrs, instance, name):
    """The value ``name`` will have after this write: from the request, else the instance."""
    if name in attrs:
        return attrs[name]
    return getattr(instance, name, None)


def check_order(attrs, instance, first, second, message, *, strict=False):
    """Per-field error on ``second`` when it comes before ``first`` (or equals it if strict)."""
    start, end = _value(attrs, instance, first), _value(attrs, instance, second)
    if start is None or end is None:
        return {}
    if end < start or (strict and end == start):
        return {second: [message]}
    return {}


class ModelSerializer(serializers.ModelSerializer):
    # Bounded date fields everywhere; ``create_only_fields`` cannot change after creation.

    create_only_fields = ()

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if field_class is serializers.DateField:
            field_class = DateField
        elif field_class is serializers.DateTimeField:
            field_class = DateTimeField
        return field_class, field_kwargs

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


def _set(instance, data):
    for name, value in data.items():
        setattr(instance, name, value)
    return instance


# --- auth ----------------------------------------------------------------------------------


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)

    def validate(self, attrs):
        request = self.context.get("request")
        # The Django request, not DRF's wrapper: django-axes flags a locked-out attempt on it.
        http_request = getattr(request, "_request", request)
        user = authenticate(
            request=http_request,
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            raise serializers.ValidationError(
                "Unable to log in with the provided credentials.", code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(
        allow_null=True, help_text="When the token stops working (null: never)."
    )


class TokensRevokedSerializer(serializers.Serializer):
    revoked = serializers.IntegerField(min_value=0, help_text="How many tokens stopped working.")


# --- users ---------------------------------------------------------------------------------


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["id", "username", "first_name", "last_name", "email"]
        read_only_fields = fields


# --- vendors -------------------------------------------------------------------------------


class VendorSerializer(ModelSerializer):
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=Service.choices),
        required=False,
        max_length=len(Service.choices),
        help_text="The services the vendor provides, each listed once (none by default).",
    )
    owner = UserField(
        required=False,
        scope="owners",
        help_text="The relationship owner (a manager's or an administrator's user id); "
        "defaults to the user who creates it.",
    )
    renewal_notice_days = serializers.IntegerField(
        min_value=0, max_value=bounds.MAX_NOTICE_DAYS, required=False
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
            "time_zone": {"help_text": "An IANA time zone name such as Europe/Warsaw."},
            "country": {"help_text": "Two-letter ISO 3166 code, e.g. PL."},
            "currency": {"help_text": "Three-letter ISO 4217 code, e.g. EUR."},
            "annual_value": {"min_value": 0},
            "review_cadence": {"help_text": "Empty takes the default of the vendor's tier."},
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

    def validate(self, attrs):
        attrs = super().validate(attrs)
        errors = check_order(
            attrs,
            self.instance,
            "contract_start",
            "contract_end",
            "The contract cannot end before it starts.",
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data):
        owner = validated_data.pop("owner", None) or self.context["request"].user
        return services.vendor_create(owner=owner, **validated_data)

    def update(self, instance, validated_data):
        return services.vendor_update(instance, **validated_data)


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
    next_review_date = serializers.DateField(allow_null=True)
    generated_at = serializers.DateTimeField()
    notes = serializers.ListField(child=serializers.CharField())


class ContactSerializer(ModelSerializer):
    vendor = VisibleVendorField()
    create_only_fields = ("vendor",)

    class Meta:
        model = Contact
        fields = ["id", "vendor", "name", "email", "role", "phone", "is_primary"]
        # Marking a second contact primary is allowed: contact_save unmarks the first.
        validators = []

    def create(self, validated_data):
        return services.contact_save(Contact(**validated_data))

    def update(self, instance, validated_data):
        return services.contact_save(_set(instance, validated_data))


# --- goals ---------------------------------------------------------------------------------


class GoalSerializer(ModelSerializer):
    vendor = VisibleVendorField()
    owner = UserField(
        required=False, allow_null=True, scope="internal", help_text="The internal owner."
    )
    vendor_owner = VisibleContactField(
        required=False, allow_null=True, help_text="The vendor-side owner: one of its contacts."
    )
    create_only_fields = ("vendor",)

    class Meta:
        model = Goal
        fields = [
            "id",
            "vendor",
            "title",
            "description",
            "metric",
            "unit",
            "baseline",
            "target_value",
            "direction",
            "current_value",
            "owner",
            "vendor_owner",
            "start_date",
            "due_date",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["current_value"]
        extra_kwargs = {
            "current_value": {"help_text": "The value of the latest check-in."},
        }

    def validate(self, attrs):
        attrs = super().validate(attrs)
        errors = check_order(
            attrs,
            self.instance,
            "start_date",
            "due_date",
            "The goal cannot be due before it starts.",
        )
        vendor = _value(attrs, self.instance, "vendor")
        contact = _value(attrs, self.instance, "vendor_owner")
        if contact is not None and vendor is not None and contact.vendor_id != vendor.pk:
            errors["vendor_owner"] = ["Choose a contact of the goal's vendor."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data):
        return services.goal_save(Goal(**validated_data))

    def update(self, instance, validated_data):
        return services.goal_save(_set(instance, validated_data))


class CheckInSerializer(ModelSerializer):
    author = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = GoalCheckIn
        fields = ["id", "goal", "date", "value", "note", "author", "created_at"]
        read_only_fields = ["goal"]

    def create(self, validated_data):
        return services.goal_check_in_add(**validated_data)


# --- reviews -------------------------------------------------------------------------------


class ReviewScoreSerializer(serializers.ModelSerializer):
    score = serializers.IntegerField(min_value=1, max_value=5)

    class Meta:
        model = ReviewScore
        fields = ["criterion", "score", "comment"]


class ActionItemSerializer(ModelSerializer):
    owner = UserField(
        required=False,
        allow_null=True,
        help_text="An internal user, or a representative of the review's vendor (who then "
        "sees the item in the vendor portal).",
    )

    class Meta:
        model = ActionItem
        fields = ["id", "description", "owner", "due_date", "status"]


class ReviewSerializer(ModelSerializer):
    vendor = VisibleVendorField()
    reviewer = UserField(required=False, allow_null=True, scope="internal")
    scores = ReviewScoreSerializer(
        many=True,
        required=False,
        max_length=len(ReviewScore.Criterion.choices),
        help_text="One 1-5 score per criterion; when given, replaces the review's scores.",
    )
    action_items = ActionItemSerializer(
        many=True,
        required=False,
        max_length=100,
        help_text="When given, replaces the review's action items.",
    )
    create_only_fields = ("vendor",)

    class Meta:
        model = Review
        fields = [
            "id",
            "vendor",
            "period_start",
            "period_end",
            "scheduled_for",
            "status",
            "reviewer",
            "scores",
            "overall_score",
            "summary",
            "action_items",
            "completed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["overall_score", "completed_at"]
        extra_kwargs = {
            "overall_score": {"help_text": "The mean of the criterion scores."},
            "status": {"help_text": "Complete a review with POST reviews/{id}/complete/."},
        }

    def validate_scores(self, scores):
        # A PATCH is partial down to its nested items, where nothing is required any more.
        incomplete = [
            {
                name: ["This field is required."]
                for name in ("criterion", "score")
                if name not in item
            }
            for item in scores
        ]
        if any(incomplete):
            raise serializers.ValidationError(incomplete)
        seen = set()
        for item in scores:
            if item["criterion"] in seen:
                raise serializers.ValidationError(
                    f"The criterion {item['criterion']} is scored more than once."
                )
            seen.add(item["criterion"])
        return scores

    def validate(self, attrs):
        attrs = super().validate(attrs)
        errors = check_order(
            attrs,
            self.instance,
            "period_start",
            "period_end",
            "The period must end after it starts.",
            strict=True,
        )
        completing = attrs.get("status") == Review.Status.COMPLETED and (
            self.instance is None or self.instance.status != Review.Status.COMPLETED
        )
        if completing:
            errors["status"] = [
                "Complete a review with POST /api/v1/reviews/{id}/complete/, "
                "which also schedules the next one."
            ]
        vendor = _value(attrs, self.instance, "vendor")
        item_errors = _foreign_action_item_owners(attrs.get("action_items"), vendor)
        if item_errors:
            errors["action_items"] = item_errors
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data):
        scores = validated_data.pop("scores", None)
        action_items = validated_data.pop("action_items", None)
        return services.review_save(
            Review(**validated_data), scores=scores, action_items=action_items
        )

    def update(self, instance, validated_data):
        scores = validated_data.pop("scores", None)
        action_items = validated_data.pop("action_items", None)
        return services.review_save(
            _set(instance, validated_data), scores=scores, action_items=action_items
        )


def _foreign_action_item_owners(items, vendor):
    """Per-item errors for owners who are representatives of another vendor (or empty)."""
    if not items or vendor is None:
        return []
    allowed = set(
        access.action_item_owner_candidates(vendor.pk)
        .filter(pk__in=[item["owner"].pk for item in items if item.get("owner")])
        .values_list("pk", flat=True)
    )
    errors = [
        {"owner": ["Choose an internal user or a representative of this review's vendor."]}
        if item.get("owner") is not None and item["owner"].pk not in allowed
        else {}
        for item in items
    ]
    return errors if any(errors) else []


class ReviewCompletionSerializer(serializers.Serializer):
    review = ReviewSerializer(help_text="The review just completed.")
    next_review = ReviewSerializer(help_text="The review scheduled after it.")


# --- meetings ------------------------------------------------------------------------------


class MeetingSerializer(ModelSerializer):
    vendor = VisibleVendorField()
    attendees = UserField(
        many=True, required=False, scope="internal", help_text="Internal attendees (user ids)."
    )
    contacts = VisibleContactField(
        many=True, required=False, help_text="Vendor contacts attending (of the same vendor)."
    )
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False)
    create_only_fields = ("vendor",)

    class Meta:
        model = Meeting
        fields = [
            "id",
            *services.MEETING_FIELDS,
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "starts_at": {"help_text": "The first occurrence."},
            "time_zone": {
                "help_text": "IANA time zone the recurrence keeps its wall-clock time in."
            },
            "recurrence": {
                "help_text": "An RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO, or empty."
            },
        }

    def create(self, validated_data):
        attendees = validated_data.pop("attendees", None)
        contacts = validated_data.pop("contacts", None)
        return services.meeting_save(
            Meeting(**validated_data), attendees=attendees, contacts=contacts
        )

    def update(self, instance, validated_data):
        attendees = validated_data.pop("attendees", None)
        contacts = validated_data.pop("contacts", None)
        return services.meeting_save(
            _set(instance, validated_data), attendees=attendees, contacts=contacts
        )


class OccurrenceSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class OccurrenceRangeSerializer(serializers.Serializer):
    """The ``start`` / ``end`` query of ``meetings/{id}/occurrences/``."""

    MAX_DAYS = 366

    start = DateTimeField(help_text="Occurrences starting at or after this moment.")
    end = DateTimeField(help_text=f"...and before this one; at most {MAX_DAYS} days later.")

    def validate(self, attrs):
        span = attrs["end"] - attrs["start"]
        if span <= dt.timedelta(0):
            raise serializers.ValidationError({"end": ["The end must be after the start."]})
        if span > dt.timedelta(days=self.MAX_DAYS):
            raise serializers.ValidationError(
                {"end": [f"The range may span at most {self.MAX_DAYS} days."]}
            )
        return attrs


# --- SLA -----------------------------------------------------------------------------------


class SLATargetSerializer(ModelSerializer):
    vendor = VisibleVendorField()
    response_minutes = serializers.IntegerField(min_value=1, max_value=bounds.MAX_SLA_MINUTES)
    resolution_minutes = serializers.IntegerField(min_value=1, max_value=bounds.MAX_SLA_MINUTES)
    create_only_fields = ("vendor", "priority")

    class Meta:
        model = SLATarget
        fields = ["id", "vendor", "priority", "response_minutes", "resolution_minutes"]
        validators = [
            UniqueTogetherValidator(
                queryset=SLATarget.objects.all(),
                fields=["vendor", "priority"],
                message="This vendor already has a target for this priority.",
            )
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        errors = check_order(
            attrs,
            self.instance,
            "response_minutes",
            "resolution_minutes",
            "The resolution time cannot be shorter than the response time.",
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data):
        return services.sla_target_save(SLATarget(**validated_data))

    def update(self, instance, validated_data):
        return services.sla_target_save(_set(instance, validated_data))


class IncidentSerializer(ModelSerializer):
    vendor = VisibleVendorField()
    response_breached = serializers.BooleanField(
        read_only=True, help_text="The response target passed without an acknowledgement."
    )
    resolution_breached = serializers.BooleanField(
        read_only=True, help_text="The resolution target passed without a resolution."
    )
    create_only_fields = ("vendor",)

    class Meta:
        model = Incident
        fields = [
            "id",
            "vendor",
            "external_id",
            "title",
            "description",
            "priority",
            "service",
            "opened_at",
            "acknowledged_at",
            "resolved_at",
            "status",
            "root_cause",
            "response_due_at",
            "resolution_due_at",
            "response_breached",
            "resolution_breached",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["response_due_at", "resolution_due_at"]
        extra_kwargs = {
            "external_id": {
                "help_text": "The ticketing system's key, unique per vendor. A POST with an "
                "existing vendor + external_id updates that incident."
            },
            "response_due_at": {"help_text": "Derived from the vendor's SLA target."},
            "resolution_due_at": {"help_text": "Derived from the vendor's SLA target."},
        }
        # vendor + external_id uniqueness is the upsert's business (services.incident_upsert).
        validators = []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        errors = {
            **check_order(
                attrs,
                self.instance,
                "opened_at",
                "acknowledged_at",
                "An incident cannot be acknowledged before it was opened.",
            ),
            **check_order(
                attrs,
                self.instance,
                "opened_at",
                "resolved_at",
                "An incident cannot be resolved before it was opened.",
            ),
        }
        external_id = attrs.get("external_id")
        renamed = self.instance is not None and external_id not in (None, "")
        if renamed and external_id != self.instance.external_id:
            taken = Incident.objects.filter(
                vendor_id=self.instance.vendor_id, external_id=external_id
            )
            if taken.exists():
                errors["external_id"] = ["Another incident of this vendor has this external id."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data):
        return services.incident_save(Incident(**validated_data))

    def update(self, instance, validated_data):
        return services.incident_save(_set(instance, validated_data))


# --- clauses -------------------------------------------------------------------------------


class ClauseSerializer(ModelSerializer):
    vendor = VisibleVendorField()
    parameters = JSONObjectField(
        required=False,
        help_text='Type-specific parameters, e.g. {"notification_hours": 24}.',
    )
    evidence_file = serializers.SerializerMethodField(
        help_text="Where to download the uploaded evidence (uploaded via the web UI): a "
        "permission-checked address; null when there is none."
    )
    create_only_fields = ("vendor",)

    class Meta:
        model = SecurityClause
        fields = [
            "id",
            "vendor",
            "clause_type",
            "requirement",
            "parameters",
            "status",
            "evidence_url",
            "evidence_file",
            "effective_date",
            "expires_on",
            "last_verified_on",
            "next_verification_due",
            "created_at",
            "updated_at",
        ]
        validators = [
            UniqueTogetherValidator(
                queryset=SecurityClause.objects.all(),
                fields=["vendor", "clause_type"],
                message="This vendor already has a clause of this type.",
            )
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_evidence_file(self, clause):
        if not clause.evidence_file:
            return None
        path = reverse("governance:clause-evidence", args=[clause.vendor_id, clause.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def validate(self, attrs):
        attrs = super().validate(attrs)
        errors = check_order(
            attrs,
            self.instance,
            "effective_date",
            "expires_on",
            "A clause cannot expire before it takes effect.",
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data):
        return services.clause_save(SecurityClause(**validated_data))

    def update(self, instance, validated_data):
        return services.clause_save(_set(instance, validated_data))


# --- reminders -----------------------------------------------------------------------------


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
        }


# --- access and history --------------------------------------------------------------------


class VendorManagersSerializer(serializers.Serializer):
    owner = serializers.IntegerField(
        read_only=True, help_text="The relationship owner (user id), who always edits it."
    )
    managers = UserField(
        many=True,
        scope="owners",
        help_text="Managers who change the vendor's records besides its owner (user ids).",
    )

    def to_representation(self, vendor):
        return {
            "owner": vendor.owner_id,
            "managers": sorted(vendor.managers.values_list("pk", flat=True)),
        }


class HistoryQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(audit.KINDS), required=False, allow_blank=True)


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
    """One change to the vendor or one of its records (``audit.Entry``)."""

    kind = serializers.ChoiceField(
        choices=list(audit.KINDS), help_text="What kind of record changed."
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
