"""Security clauses."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance import services
from governance.models import RequiredClause, SecurityClause

from ..fields import JSONObjectField
from .base import ModelSerializer, VendorRecordSerializer


class ClauseSerializer(VendorRecordSerializer):
    parameters = JSONObjectField(
        required=False,
        help_text='Further type-specific parameters, e.g. {"min_tls": "1.2"}.',
    )
    evidence_file = serializers.SerializerMethodField(
        help_text="Where to download the uploaded evidence (uploaded via the web UI): a "
        "permission-checked address; null when there is none."
    )
    save_with = staticmethod(services.clause_save)

    class Meta:
        model = SecurityClause
        fields = [
            "id",
            "vendor",
            "clause_type",
            "requirement",
            "parameters",
            "notification_hours",
            "notify_whom",
            "notify_how",
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
        extra_kwargs = {
            "notification_hours": {
                "help_text": "Breach notification only: the hours from detection within which "
                "the vendor must notify us (1 to 8784)."
            },
            "notify_whom": {"help_text": "Breach notification only: whom the vendor notifies."},
            "notify_how": {"help_text": "Breach notification only: how (channel, form)."},
        }

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_evidence_file(self, clause):
        if not clause.evidence_file:
            return None
        path = reverse("governance:clause-evidence", args=[clause.vendor_id, clause.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class RequiredClauseSerializer(ModelSerializer):
    save_with = staticmethod(services.required_clause_save)

    class Meta:
        model = RequiredClause
        fields = ["id", "tier", "clause_type"]
        # The pair's uniqueness is the model's rule, reported per field by the service.
        validators = []
