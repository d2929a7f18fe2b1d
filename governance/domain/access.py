"""Who may see and change what: the one place where roles are enforced.

Roles (``governance.models.Role``, on ``UserProfile.role``; every superuser is an
administrator):

- administrator: reads and changes everything, and is the only role let into ``/admin/``;
- manager: reads the whole portfolio, changes the vendors they own or are assigned to
  (``Vendor.owner``, ``Vendor.managers``), and may add vendors;
- viewer: reads the portfolio, changes nothing, does not see the change history;
- auditor: reads the portfolio and its change history, changes nothing;
- vendor representative: nothing of the internal application (pages, API, exports, feeds);
  only the vendor portal of their one vendor (``UserProfile.vendor``), while that vendor's
  relationship has not ended;
- none: nothing at all.

Access fails closed: a user without a profile, with the role ``none``, an unknown role or a
representative's role without a vendor is treated like an anonymous visitor. Nobody gets
a role by default here; a new account gets the site's role for new users once, when it is
created (``services.profile_create``).

The web UI, the API, the CSV exports, the calendar feeds, the admin and the vendor portal
all ask here, so one rule holds at every door: querysets are narrowed by ``vendors_for`` and
``editable_vendors``, single objects are checked with ``can_edit``.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

from governance.domain.models import (
    AgendaProposal,
    Decision,
    GoalCheckIn,
    MeetingOccurrence,
    ReviewScore,
    Role,
    UserProfile,
    Vendor,
)

INTERNAL_ROLES = frozenset({Role.ADMINISTRATOR, Role.MANAGER, Role.VIEWER, Role.AUDITOR})
# Roles that may change anything at all (which vendors: ``editable_vendors``).
WRITER_ROLES = frozenset({Role.ADMINISTRATOR, Role.MANAGER})
# Roles that see who changed what (the vendor history page and API endpoint).
HISTORY_ROLES = frozenset({Role.ADMINISTRATOR, Role.MANAGER, Role.AUDITOR})


# --- who the user is -----------------------------------------------------------------------


def profile_of(user):
    """The user's profile; for a user without one, an unsaved profile that grants nothing.

    Reading ``user.profile`` once per request object is what keeps role checks free: the
    profile is cached on the user (the web middleware and the API's token check load it).
    Nothing is written here: a missing profile is never filled in with a default role.
    """
    profile = _stored_profile(user)
    if profile is None:
        profile = UserProfile(user=user, role=Role.NONE)
    return profile


def _stored_profile(user):
    try:
        return user.profile
    except ObjectDoesNotExist:
        return None


# Roles that grant something; ``Role.NONE`` and anything unknown grant nothing.
GRANTING_ROLES = INTERNAL_ROLES | {Role.VENDOR_REP}


def role_of(user):
    """The user's ``Role``, or None when the user may do nothing.

    None for anonymous and deactivated users, users without a profile, the role ``none``,
    a role this code does not know, and a vendor representative without a vendor.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    profile = _stored_profile(user)
    if profile is None or profile.role not in GRANTING_ROLES:
        return None
    if profile.role == Role.VENDOR_REP and profile.vendor_id is None:
        return None
    return profile.role


def is_administrator(user):
    return role_of(user) == Role.ADMINISTRATOR


def is_internal(user):
    """True for the organisation's own people (every role but vendor representative)."""
    return role_of(user) in INTERNAL_ROLES


def is_vendor_rep(user):
    return role_of(user) == Role.VENDOR_REP


def can_write(user):
    """True when the user may change something (which vendors: ``can_edit_vendor``)."""
    return role_of(user) in WRITER_ROLES


def can_create_vendor(user):
    return can_write(user)


def may_manage_vendors(user):
    """True for users who may own or be assigned to a vendor (as ``owner_candidates``)."""
    return can_write(user)


def can_view_history(user):
    return role_of(user) in HISTORY_ROLES


def can_manage_webhooks(user):
    """Outbound webhooks (their targets, secrets and delivery log) are administrators' alone:
    a subscription sends every vendor's events to any URL."""
    return is_administrator(user)


def can_use_admin(user):
    """The operator's admin is for administrators with staff status only."""
    return bool(user.is_active and user.is_staff and is_administrator(user))


# --- internal scope ------------------------------------------------------------------------


def reads_whole_portfolio(user):
    """Whether ``user`` may read every vendor's records (``vendors_for`` is every vendor)."""
    return is_internal(user)


def vendors_for(user):
    """The vendors whose records ``user`` may read in the internal application.

    Every internal role reads the whole portfolio; anonymous users and vendor
    representatives read none of it (representatives use the portal: ``portal_vendor``).
    """
    if reads_whole_portfolio(user):
        return Vendor.objects.all()
    return Vendor.objects.none()


def _assigned_vendor_ids(user):
    return Vendor.managers.through.objects.filter(user_id=user.pk).values("vendor_id")


def editable_vendors(user):
    """The vendors ``user`` may change: all for administrators, owned or assigned for managers."""
    role = role_of(user)
    if role == Role.ADMINISTRATOR:
        return Vendor.objects.all()
    if role == Role.MANAGER:
        return Vendor.objects.filter(Q(owner_id=user.pk) | Q(pk__in=_assigned_vendor_ids(user)))
    return Vendor.objects.none()


def can_edit_vendor(user, vendor):
    """True when ``user`` may change ``vendor`` (an instance or an id) and its records."""
    role = role_of(user)
    if role == Role.ADMINISTRATOR:
        return True
    if role != Role.MANAGER or vendor is None:
        return False
    if getattr(vendor, "owner_id", None) == user.pk:
        return True
    vendor_id = getattr(vendor, "pk", vendor)
    return editable_vendors(user).filter(pk=vendor_id).exists()


def can_assign_vendor(user, vendor):
    """True when ``user`` may hand ``vendor`` over (owner, assigned managers) or delete it.

    The owner and administrators may; an assigned manager edits the records, not who
    is responsible for them.
    """
    role = role_of(user)
    if role == Role.ADMINISTRATOR:
        return True
    if vendor is None or vendor.pk is None:
        return role == Role.MANAGER
    return role == Role.MANAGER and vendor.owner_id == user.pk


def vendor_id_of(obj):
    """The id of the vendor a governance record belongs to."""
    if isinstance(obj, Vendor):
        return obj.pk
    if isinstance(obj, GoalCheckIn):
        return obj.goal.vendor_id
    if isinstance(obj, ReviewScore):
        return obj.review.vendor_id
    if isinstance(obj, AgendaProposal | MeetingOccurrence):
        return obj.meeting.vendor_id
    if isinstance(obj, Decision):
        return obj.occurrence.meeting.vendor_id
    return obj.vendor_id


def can_edit(user, obj):
    """True when ``user`` may change ``obj`` (a vendor or any record of one)."""
    if isinstance(obj, Vendor):
        return can_edit_vendor(user, obj)
    return can_edit_vendor(user, vendor_id_of(obj))


class EditScope:
    """Which vendors a user may change, answered without a query per vendor.

    For lists that show many vendors' records (the dashboard): ``vendor_id in scope``.
    """

    def __init__(self, user):
        self.everything = is_administrator(user)
        if self.everything or not can_write(user):
            self.vendor_ids = frozenset()
        else:
            self.vendor_ids = frozenset(editable_vendors(user).values_list("pk", flat=True))

    def __contains__(self, vendor_id):
        return self.everything or vendor_id in self.vendor_ids

    def __bool__(self):
        return self.everything or bool(self.vendor_ids)


# --- who may be chosen ---------------------------------------------------------------------


def _active_users():
    return get_user_model().objects.filter(is_active=True)


def _with_roles(roles):
    return Q(is_superuser=True) | Q(profile__role__in=roles)


def owner_candidates():
    """Users who may own or be assigned to a vendor: managers and administrators."""
    return _active_users().filter(_with_roles(WRITER_ROLES))


def internal_users():
    """Users of the organisation: goal owners, reviewers, meeting attendees."""
    return _active_users().filter(_with_roles(INTERNAL_ROLES))


def security_contacts():
    """The organisation's security contacts: internal users who asked for every vendor's
    security notification clocks."""
    return internal_users().filter(profile__security_contact=True)


def administrators():
    """Active administrators: where a missed security notification deadline escalates."""
    return _active_users().filter(_with_roles({Role.ADMINISTRATOR}))


def action_item_owner_candidates(vendor_id):
    """Who an action item of a review of ``vendor_id`` may be assigned to.

    The organisation's people, and the representatives of that vendor (who then see the
    item in their portal).
    """
    return _active_users().filter(
        _with_roles(INTERNAL_ROLES) | Q(profile__role=Role.VENDOR_REP, profile__vendor_id=vendor_id)
    )


# --- vendor portal -------------------------------------------------------------------------


def portal_vendor(user):
    """The one vendor whose portal ``user`` may use, or None.

    None for everyone but vendor representatives, and for the representatives of a vendor
    whose relationship has ended: the portal closes with the contract.
    """
    if not is_vendor_rep(user):
        return None
    return (
        Vendor.objects.filter(pk=_stored_profile(user).vendor_id)
        .exclude(status=Vendor.Status.ENDED)
        .first()
    )


def representatives_of(vendor):
    """The vendor's representatives (users who may use its portal)."""
    return _active_users().filter(
        profile__role=Role.VENDOR_REP, profile__vendor_id=getattr(vendor, "pk", vendor)
    )
