"""The inbox: what vendor representatives did, for the people who answer for those vendors."""

from django.db.models import Exists, OuterRef, Q

from governance.domain import access
from governance.models import Role, Vendor, VendorActivity

# The records an activity names: the vendor and the actor read with it; the subject, which
# one activity has of only one kind, read a query per kind present on the page. (Joined in
# one query, the eleven tables took PostgreSQL 45 ms to plan for a page of three rows.)
SUBJECT_JOINED = ("vendor", "actor")
SUBJECT_PREFETCHED = (
    "review",
    "proposal",
    "meeting",
    "occurrence__meeting",
    "goal",
    "incident",
    "action_item",
)


def inbox_vendors(user):
    """The vendors whose activities reach ``user``'s inbox.

    A manager hears from the vendors they own or are assigned to (the people who answer
    for them); administrators, viewers and auditors from every vendor they may see.
    Vendor representatives and users without a role have no inbox.
    """
    if access.role_of(user) == Role.MANAGER:
        return Vendor.objects.filter(pk__in=_managed_vendor_ids(user))
    return access.vendors_for(user)


def _managed_vendor_ids(user):
    return Vendor.objects.filter(Q(owner_id=user.pk) | Q(managers=user.pk)).values("pk")


def _read_by(user):
    through = VendorActivity.read_by.through
    return Exists(through.objects.filter(vendoractivity_id=OuterRef("pk"), user_id=user.pk))


def inbox_activities(user, *, unread=False, kind=None, vendor=None):
    """``user``'s inbox: the activities of ``inbox_vendors(user)``, newest first, each
    annotated ``is_read`` (for this user, in the database). ``unread``: only those not read;
    ``kind``: one ``VendorActivity.Kind``; ``vendor``: one vendor (an id or instance)."""
    if not access.is_internal(user):
        return VendorActivity.objects.none()
    activities = VendorActivity.objects.all()
    if access.role_of(user) == Role.MANAGER:
        # Not a join on the vendor list (which repeats rows): ids of the user's vendors.
        activities = activities.filter(vendor_id__in=_managed_vendor_ids(user))
    activities = activities.annotate(is_read=_read_by(user))
    if unread:
        activities = activities.filter(is_read=False)
    if kind:
        activities = activities.filter(kind=kind)
    if vendor:
        activities = activities.filter(vendor_id=getattr(vendor, "pk", vendor))
    return activities.order_by("-at", "-id")


def inbox_page_rows(activities):
    """``activities`` with every record a row shows: one query, and one more for each kind
    of subject among the rows read (at most seven)."""
    return activities.select_related(*SUBJECT_JOINED).prefetch_related(*SUBJECT_PREFETCHED)


def unread_count(user):
    """How many activities of ``user``'s inbox they have not read. One query."""
    return inbox_activities(user, unread=True).count()
