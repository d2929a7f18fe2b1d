"""Vendors, their contacts and the managers assigned to them."""

from django.core.exceptions import ValidationError

from governance.domain import access, scheduling
from governance.models import (
    Contact,
    UserProfile,
    Vendor,
)
from governance.services import webhooks
from governance.services.saving import assign_fields, use_case, validated_save

# Fields a caller may set on each model through the generic create/update helpers.
VENDOR_FIELDS = (
    "name",
    "services",
    "tier",
    "status",
    "owner",
    "time_zone",
    "country",
    "contract_start",
    "contract_end",
    "renewal_notice_days",
    "annual_value",
    "currency",
    "review_cadence",
    "notes",
    "email_vendor_contacts",
)


# --- vendors -------------------------------------------------------------------------------


@use_case
def vendor_create(*, owner, managers=None, **data):
    """Create a vendor, with its assigned ``managers`` when given; an empty review cadence
    takes the default of the vendor's tier. All or nothing."""
    _check_owner(owner)
    return _vendor_save(Vendor(owner=owner), managers=managers, data=data)


@use_case
def vendor_update(vendor, *, managers=None, **data):
    """Change a vendor and, when given, replace its assigned ``managers``. All or nothing."""
    if "owner" in data and getattr(data["owner"], "pk", None) != vendor.owner_id:
        _check_owner(data["owner"])
    return _vendor_save(vendor, managers=managers, data=data)


def _vendor_save(vendor, *, managers, data):
    previous_status = webhooks.vendor_stored_status(vendor)
    assign_fields(vendor, data, VENDOR_FIELDS)
    vendor_prepare(vendor)
    validated_save(vendor)
    webhooks.vendor_saved(vendor, previous_status=previous_status)
    if managers is not None:
        vendor_managers_set(vendor, managers=managers)
    return vendor


def vendor_prepare(vendor):
    """Fill in what a vendor takes by default before it is validated and saved (by one
    save here, or in bulk by an import): an empty review cadence takes its tier's."""
    if not vendor.review_cadence:
        vendor.review_cadence = scheduling.default_cadence_for_tier(vendor.tier)


def _check_owner(owner):
    """A vendor is owned by a manager or an administrator (``access.owner_candidates``)."""
    if owner is not None and not access.owner_candidates().filter(pk=owner.pk).exists():
        raise ValidationError({"owner": "Only a manager or an administrator can own a vendor."})


def vendor_history_counts(vendor):
    """How many records of each kind make up the vendor's history (non-zero kinds only)."""
    counts = {
        "goals": vendor.goals.count(),
        "reviews": vendor.reviews.count(),
        "meetings": vendor.meetings.count(),
        "incidents": vendor.incidents.count(),
        "security clauses": vendor.clauses.count(),
    }
    return {name: count for name, count in counts.items() if count}


@use_case
def vendor_delete(vendor):
    """Delete a vendor that has no history and no representatives.

    One with history must be ended instead; one with representatives keeps them until they
    are given another role (deleting them with it would leave accounts without a profile).
    The foreign keys PROTECT both too, so no other door can delete it silently.
    """
    vendor_check_deletable(vendor)
    vendor.delete()


def vendor_check_deletable(vendor):
    """Raise the ``ValidationError`` saying why ``vendor_delete`` would refuse ``vendor``, if
    it would: for a page to explain before anyone confirms."""
    history = vendor_history_counts(vendor)
    if history:
        listed = ", ".join(f"{count} {name}" for name, count in history.items())
        raise ValidationError(
            f"{vendor.name} has history ({listed}); set its status to ended instead of deleting."
        )
    representatives = sorted(
        UserProfile.objects.filter(vendor=vendor).values_list("user__username", flat=True)
    )
    if representatives:
        raise ValidationError(
            f"{vendor.name} has vendor representatives ({', '.join(representatives)}); give "
            "them another role first, or set the vendor's status to ended, which closes "
            "their portal."
        )


@use_case
def contact_save(contact):
    """Save a contact; marking it primary unmarks the vendor's previous primary contact."""
    if contact.is_primary:
        Contact.objects.filter(vendor_id=contact.vendor_id, is_primary=True).exclude(
            pk=contact.pk
        ).update(is_primary=False)
    return validated_save(contact)


@use_case
def vendor_managers_set(vendor, *, managers):
    """Assign the managers who edit ``vendor`` besides its owner (replacing the old ones)."""
    managers = [user for user in managers if user.pk != vendor.owner_id]
    refused = sorted(
        user.get_username() for user in managers if not access.may_manage_vendors(user)
    )
    if refused:
        raise ValidationError(
            {"managers": f"Only managers and administrators can be assigned: {', '.join(refused)}."}
        )
    vendor.managers.set(managers)
    return vendor
