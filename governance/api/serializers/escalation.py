"""Escalation paths: a vendor's matrix of who to turn to, by level and topic."""

from governance import services
from governance.models import EscalationContact

from ..scoping import VisibleContactField
from .base import VendorRecordSerializer


class EscalationContactSerializer(VendorRecordSerializer):
    contact = VisibleContactField(
        required=False, allow_null=True, help_text="The vendor's side: one of its contacts."
    )
    save_with = staticmethod(services.escalation_contact_save)

    class Meta:
        model = EscalationContact
        fields = ["id", *services.ESCALATION_FIELDS, "created_at", "updated_at"]
        extra_kwargs = {
            "level": {"help_text": "1 operational, 2 management, 3 executive."},
            "user": {"help_text": "Our side: one of the organisation's users (a user id)."},
        }
        # The matrix's uniqueness is the model's rule, reported per field by the service.
        validators = []
