"""The action-item register across vendors: scoped to a person, open first, overdue ones
first among them."""

from dataclasses import dataclass

from django.db.models import BooleanField, Case, Q, Value, When
from django.utils import timezone

from governance.domain import access
from governance.domain.models.actions import REGISTER_ORDER, overdue_condition
from governance.models import ActionItem, AgendaProposal, Vendor
from governance.selectors.meetings import upcoming_occurrences

# Whose items: the person's own, those of the vendors they own or are assigned to, or all
# they may see.
SCOPES = {"mine": "Mine", "my_vendors": "My vendors'", "all": "All"}


def action_item_register(user, *, scope="all", today=None):
    """The action items ``user`` may see in ``scope`` (``SCOPES``), each annotated
    ``overdue``, in the register's order (``with_overdue``)."""
    today = today or timezone.localdate()
    items = ActionItem.objects.all()
    vendors = access.vendors_for(user)
    if vendors.query.has_filters() or vendors.query.is_sliced:
        # Not the whole portfolio (narrowing to all of it would only join every item to the
        # vendor table before a page could be read from the index).
        items = items.filter(vendor__in=vendors.values("pk"))
    if scope == "mine":
        items = items.filter(owner=user)
    elif scope == "my_vendors":
        mine = Vendor.objects.filter(Q(owner=user) | Q(managers=user)).values("pk")
        items = items.filter(vendor__in=mine)
    return with_overdue(items.select_related("vendor", "owner", "vendor_contact"), today)


# --- the items a meeting carries ------------------------------------------------------------

# Items listed with an agenda; the count says how many more there are.
CARRIED_LIMIT = 25


def with_overdue(items, today):
    """``items`` annotated ``overdue``, in the register's order (``REGISTER_ORDER``): open
    ones first by due date, so the overdue ones come first (their dates are the earliest),
    undated last; then done and cancelled ones by due date. The order is an index's
    (``action_item_register_idx``): a page is read from it, not sorted from every item."""
    return items.annotate(
        overdue=Case(
            When(overdue_condition(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).order_by(*REGISTER_ORDER)


def occurrence_action_items(occurrence, *, today=None):
    """The action items recorded at ``occurrence`` (an unsaved one has none)."""
    if occurrence.pk is None:
        return []
    items = ActionItem.objects.filter(occurrence=occurrence).select_related(
        "vendor", "owner", "vendor_contact"
    )
    return list(with_overdue(items, today or timezone.localdate()))


@dataclass(frozen=True)
class CarriedItems:
    """A vendor's open action items as carried into a meeting's agenda: the first
    ``CARRIED_LIMIT`` (overdue first, then by due date) and how many there are."""

    items: list
    count: int

    @property
    def more(self):
        return self.count - len(self.items)


def open_action_items(vendor_id, *, today=None):
    """``CarriedItems`` of the vendor ``vendor_id``: its open and in-progress items."""
    items = ActionItem.objects.filter(vendor_id=vendor_id, status__in=ActionItem.OPEN_STATUSES)
    count = items.count()
    found = (
        list(
            with_overdue(
                items.select_related("vendor", "owner", "vendor_contact"),
                today or timezone.localdate(),
            )[:CARRIED_LIMIT]
        )
        if count
        else []
    )
    return CarriedItems(found, count)


@dataclass(frozen=True)
class NextAgenda:
    """The agenda of a meeting's next occurrence: the meeting's agenda text, the accepted
    agenda proposals that are not written into it, and the vendor's open action items."""

    occurrence: object  # recurrence.Occurrence, or None when none is left
    agenda: str
    proposals: list
    carried: CarriedItems

    @property
    def is_empty(self):
        return not (self.agenda.strip() or self.proposals or self.carried.count)


def next_agenda(meeting, *, now=None, today=None):
    """The ``NextAgenda`` of ``meeting``. An accepted proposal joins the agenda text when it
    is accepted (``services.agenda_proposal_decide``); one whose text is not there (the
    agenda was rewritten since) is listed beside it."""
    now = now or timezone.now()
    coming = upcoming_occurrences(meeting, now=now, limit=1)
    agenda = meeting.agenda or ""
    proposals = [
        proposal
        for proposal in meeting.proposals.filter(status=AgendaProposal.Status.ACCEPTED)
        .select_related("author")
        .order_by("created_at", "pk")
        if proposal.text.strip() not in agenda
    ]
    return NextAgenda(
        occurrence=coming[0] if coming else None,
        agenda=agenda,
        proposals=proposals,
        carried=open_action_items(meeting.vendor_id, today=today),
    )


def carried_action_items(meeting, occurrence, *, now=None, today=None):
    """The open items carried into ``occurrence`` (a record, saved or not) when it is the
    meeting's next one (scheduled, not begun); None for any other occurrence."""
    now = now or timezone.now()
    if occurrence.status != occurrence.Status.SCHEDULED or occurrence.effective_start < now:
        return None
    coming = upcoming_occurrences(meeting, now=now, limit=1)
    if not coming or coming[0].recurrence_id != occurrence.original_start:
        return None
    return open_action_items(meeting.vendor_id, today=today)
