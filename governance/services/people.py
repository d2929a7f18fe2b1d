"""Users' profiles and roles: created once, at sign-up, and changed only here."""

import secrets

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError

from governance.domain import access
from governance.models import (
    Role,
    UserProfile,
    Vendor,
)
from governance.services.saving import assign_fields, use_case, validated_save

# --- users ---------------------------------------------------------------------------------


def profile_create(user):
    """Give a new account its profile: the one place a new user's role is decided.

    Superusers are administrators; everyone else gets ``GOVERNANCE_NEW_USER_ROLE``
    (a viewer unless the site says otherwise). Called once, when the user is created
    (``apps.GovernanceConfig.ready`` connects it to every door that creates users).
    """
    role = Role.ADMINISTRATOR if user.is_superuser else settings.GOVERNANCE_NEW_USER_ROLE
    if role not in NEW_USER_ROLES:
        role = Role.NONE  # a misconfiguration (the system check says so) grants nothing
    profile, _ = UserProfile.objects.get_or_create(user=user, defaults={"role": role})
    return profile


# The roles a new account may start with: a representative needs a vendor to represent.
NEW_USER_ROLES = frozenset(Role.values) - {Role.VENDOR_REP}


def check_new_user_role(**kwargs):
    """System check: ``GOVERNANCE_NEW_USER_ROLE`` names a role a new account can have."""
    role = settings.GOVERNANCE_NEW_USER_ROLE
    if role in NEW_USER_ROLES:
        return []
    return [
        checks.Error(
            f"GOVERNANCE_NEW_USER_ROLE (NEW_USER_ROLE) is {role!r}.",
            hint="Use one of: " + ", ".join(sorted(NEW_USER_ROLES)) + ".",
            id="governance.E001",
        )
    ]


def profile_for(user):
    """The user's profile; one created here (a user older than profiles) grants nothing."""
    profile, _ = UserProfile.objects.get_or_create(user=user)
    return profile


PROFILE_FIELDS = (
    "time_zone",
    "digest_enabled",
    "digest_weekday",
    "digest_hour",
    "muted_kinds",
    "lead_times",
    "security_contact",
)


@use_case
def profile_update(profile, **data):
    """Save the user's time zone and reminder preferences."""
    assign_fields(profile, data, PROFILE_FIELDS)
    return validated_save(profile)


@use_case
def profile_regenerate_calendar_token(profile):
    """Give the profile a new feed secret: every URL with the old one stops working at once."""
    profile.calendar_token = secrets.token_urlsafe()
    profile.save(update_fields=["calendar_token"])
    return profile.calendar_token


# --- roles, vendor portal ------------------------------------------------------------------
# Who may call these is decided by governance.domain.access in the views; the rules about the data
# itself (what a role implies, what can be acknowledged and when) live here.


def user_role_set(user, *, role, vendor=None):
    """Give ``user`` a role (see ``profile_role_set``)."""
    return profile_role_set(profile_for(user), role=role, vendor=vendor)


@use_case
def profile_role_set(profile, *, role, vendor=None):
    """Give the profile's user a role; a vendor representative belongs to exactly one ``vendor``.

    A user who owns vendors keeps a role that may own them (hand the vendors over first);
    leaving the manager roles ends the user's assignments to other vendors. Other changes
    already made to ``profile`` (its time zone, say) are saved with it.
    """
    user = profile.user
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if role not in access.WRITER_ROLES and not user.is_superuser:
        owned = Vendor.objects.filter(owner=user).count()
        if owned:
            raise ValidationError(
                {
                    "role": f"{user.get_username()} owns {owned} vendor(s); hand them over to "
                    "a manager before giving this role."
                }
            )
        Vendor.managers.through.objects.filter(user_id=user.pk).delete()
    profile.role = role
    profile.vendor = vendor if role == Role.VENDOR_REP else None
    return validated_save(profile)
