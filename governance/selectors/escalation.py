"""Escalation paths: a vendor's matrix, and who on our side a deadline escalates to."""

from collections import defaultdict

from governance.models import EscalationContact


def escalation_matrix(vendor):
    """``vendor``'s escalation contacts with their people, by topic, level and side."""
    return list(
        EscalationContact.objects.filter(vendor=vendor)
        .select_related("user", "contact")
        .order_by("topic", "level", "side", "pk")
    )


def escalation_user_ids(vendor_ids, *, topic, level):
    """``{vendor id: [user ids]}``: our side of each vendor's matrix for ``topic`` at
    ``level``, in one query."""
    rows = (
        EscalationContact.objects.filter(
            vendor_id__in=set(vendor_ids),
            topic=topic,
            level=level,
            side=EscalationContact.Side.OURS,
        )
        .order_by("pk")
        .values_list("vendor_id", "user_id")
    )
    found = defaultdict(list)
    for vendor_id, user_id in rows:
        found[vendor_id].append(user_id)
    return found


def escalation_contact_ids(vendor_ids, *, topic, level):
    """``{vendor id: [contact ids]}``: the vendor's side of each vendor's matrix for ``topic``
    at ``level``, only of the vendors that allow their contacts to be emailed and only the
    contacts with an email address, in one query."""
    rows = (
        EscalationContact.objects.filter(
            vendor_id__in=set(vendor_ids),
            topic=topic,
            level=level,
            side=EscalationContact.Side.VENDOR,
            vendor__email_vendor_contacts=True,
            contact__isnull=False,
        )
        .exclude(contact__email="")
        .order_by("pk")
        .values_list("vendor_id", "contact_id")
    )
    found = defaultdict(list)
    for vendor_id, contact_id in rows:
        if contact_id not in found[vendor_id]:
            found[vendor_id].append(contact_id)
    return found
