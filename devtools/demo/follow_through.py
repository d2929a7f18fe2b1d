"""The follow-through of issue 15 in the demo: every vendor's escalation matrix (levels 1-3,
service and security, both sides), some vendors letting escalations email their contacts,
and for a few vendors with a monthly steering committee its occurrences as records (one held
with minutes shared and approved and two decisions, one moved, one cancelled) with action
items from reviews, meetings, incidents and elsewhere, some overdue, and a couple snoozed.

The matrix is bulk-inserted (scale seeding); the few detailed vendors go through the services,
so their rows are what the web UI would have written.
"""

import datetime as dt
import random
import zoneinfo
from collections import defaultdict

from governance import selectors, services
from governance.models import (
    ActionItem,
    Contact,
    EscalationContact,
    Incident,
    Meeting,
    MeetingOccurrence,
    UserProfile,
    Vendor,
)

# Vendors whose steering committee is played through in detail (services, not bulk).
DETAILED_VENDORS = 6
# One vendor in this many lets escalations email its own contacts.
EMAIL_CONTACTS_EVERY = 3
BATCH_SIZE = 2000
LEVELS = (1, 2, 3)
TOPICS = (EscalationContact.Topic.SERVICE, EscalationContact.Topic.SECURITY)
RESPONSE_MINUTES = {1: 60, 2: 240, 3: 1440}
DECISIONS = (
    "Move the monthly patch window to the first Sunday, 02:00-06:00.",
    "Keep the P1 response target at 30 minutes; review again next quarter.",
    "Fund a second on-call engineer on the vendor's side from next month.",
    "Freeze non-urgent changes during the year-end close.",
)
MEETING_ITEMS = (
    "Send the revised capacity plan",
    "Share the root-cause report of last month's outage",
    "Confirm the disaster-recovery test date",
    "Propose the new escalation contacts for weekends",
)
OTHER_ITEMS = (
    "Renew the data-processing agreement annex",
    "Update the supplier risk questionnaire",
)
INCIDENT_ITEMS = ("Post-incident review: add monitoring on the failed component",)


def seed_follow_through(*, seed, now, users, vendor_ids=None):
    """Seed the follow-through for the vendors ``vendor_ids`` (all when None); returns row
    counts per model. ``users``: our people, the first the demo user."""
    vendors = Vendor.objects.order_by("pk")
    if vendor_ids is not None:
        vendors = vendors.filter(pk__in=vendor_ids)
    counts = defaultdict(int)
    counts[EscalationContact._meta.label] += _matrices(vendors, users)
    ids = list(vendors.values_list("pk", flat=True))
    allowed = ids[::EMAIL_CONTACTS_EVERY]
    Vendor.objects.filter(pk__in=allowed).update(email_vendor_contacts=True)
    rng = random.Random(f"{seed}:follow-through")
    today = now.date()
    steering = list(
        Meeting.objects.filter(
            vendor__in=vendors.exclude(status=Vendor.Status.ENDED),
            kind=Meeting.Kind.STEERING,
            occurrences__isnull=True,
        )
        .select_related("vendor", "vendor__owner")
        .order_by("vendor__name", "pk")
    )
    # The portal's representative sees a steering committee played through, when it has one.
    rep = (
        UserProfile.objects.filter(role=UserProfile.Role.VENDOR_REP)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    rep_vendor = rep.vendor_id if rep else None
    if rep_vendor is not None and not any(m.vendor_id == rep_vendor for m in steering):
        candidate = vendors.filter(pk=rep_vendor).exclude(status=Vendor.Status.ENDED).first()
        if (
            candidate is not None
            and not candidate.meetings.filter(occurrences__isnull=False).exists()
        ):
            steering.append(_steering_committee(candidate, now))
    steering.sort(key=lambda meeting: meeting.vendor_id != rep_vendor)
    for meeting in steering[:DETAILED_VENDORS]:
        signer = rep.user if rep and meeting.vendor_id == rep_vendor else None
        for model, made in _steering(meeting, rng, now, today, users, signer).items():
            counts[model] += made
    return dict(counts)


def _steering_committee(vendor, now):
    """A monthly steering committee for ``vendor`` (the first Tuesday, 10:00 on its wall
    clock) that began four months ago: the portal's representative signs its minutes off."""
    zone = zoneinfo.ZoneInfo(vendor.time_zone)
    day = (now - dt.timedelta(days=120)).astimezone(zone).date().replace(day=1)
    while day.weekday() != 1:
        day += dt.timedelta(days=1)
    meeting = Meeting(
        vendor=vendor,
        title=f"Steering committee: {vendor.name}",
        kind=Meeting.Kind.STEERING,
        starts_at=dt.datetime.combine(day, dt.time(10), tzinfo=zone).astimezone(dt.UTC),
        duration_minutes=90,
        time_zone=vendor.time_zone,
        recurrence="FREQ=MONTHLY;BYDAY=1TU",
        channel=Meeting.Channel.VIDEO,
        location="https://meet.example.com/steering",
        agenda="1. Actions from last time\n2. Service performance\n3. Risks and decisions",
    )
    contacts = list(vendor.contacts.order_by("-is_primary", "pk")[:2])
    services.meeting_save(meeting, attendees=[vendor.owner], contacts=contacts)
    meeting.vendor = vendor
    return meeting


def _matrices(vendors, users):
    """Both sides of each vendor's matrix at every level for service and security."""
    contacts = defaultdict(list)
    for vendor_id, contact_id in (
        Contact.objects.filter(vendor__in=vendors)
        .order_by("vendor_id", "-is_primary", "pk")
        .values_list("vendor_id", "pk")
    ):
        contacts[vendor_id].append(contact_id)
    rows = []
    for index, (vendor_id, owner_id) in enumerate(vendors.values_list("pk", "owner_id")):
        ours = {
            1: owner_id,
            2: users[(index + 1) % len(users)].pk,
            3: users[0].pk,
        }
        theirs = contacts.get(vendor_id, [])
        for topic in TOPICS:
            for level in LEVELS:
                common = dict(
                    vendor_id=vendor_id,
                    level=level,
                    topic=topic,
                    response_minutes=RESPONSE_MINUTES[level],
                )
                if ours[level] is not None:
                    rows.append(EscalationContact(side="ours", user_id=ours[level], **common))
                if theirs:
                    contact = theirs[min(level - 1, len(theirs) - 1)]
                    rows.append(EscalationContact(side="vendor", contact_id=contact, **common))
    EscalationContact.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return len(rows)


def _steering(meeting, rng, now, today, users, signer):
    """One steering committee's last held occurrence (minutes, decisions, items), the next
    moved by a day and the one after cancelled; the vendor's other action items."""
    counts = defaultdict(int)
    vendor = meeting.vendor
    owner = vendor.owner
    contacts = list(vendor.contacts.order_by("-is_primary", "pk"))
    past = selectors.meeting_occurrences(meeting, start=now - dt.timedelta(days=120), end=now)
    coming = selectors.upcoming_occurrences(meeting, now=now, limit=2)
    held = None
    if past:
        instance = past[-1]
        held = services.occurrence_record(
            services.occurrence_of(meeting, instance.recurrence_id),
            minutes=(
                "Service performance reviewed against the SLA targets.\n"
                "The vendor presented the capacity outlook for the next two quarters.\n"
                "Open risks: the ageing storage array, weekend escalation coverage."
            ),
            attendees=[owner],
            contacts=contacts[:2],
        )
        for text in rng.sample(DECISIONS, k=2):
            services.decision_add(held, text=text, by=owner)
            counts["governance.Decision"] += 1
        held = services.minutes_share(held)
        if signer is not None:
            held = services.minutes_sign_off(held, by=signer, approve=True)
        counts[MeetingOccurrence._meta.label] += 1
    if coming:
        moved = services.occurrence_of(meeting, coming[0].recurrence_id)
        services.occurrence_move(moved, starts_at=coming[0].starts_at + dt.timedelta(days=1))
        counts[MeetingOccurrence._meta.label] += 1
    if len(coming) > 1:
        services.occurrence_cancel(services.occurrence_of(meeting, coming[1].recurrence_id))
        counts[MeetingOccurrence._meta.label] += 1
    items = []
    if held is not None:
        for n, description in enumerate(rng.sample(MEETING_ITEMS, k=2)):
            items.append(
                ActionItem(
                    vendor=vendor,
                    occurrence=held,
                    description=description,
                    # One ours, one theirs.
                    owner=owner if n == 0 else None,
                    vendor_contact=contacts[0] if n == 1 and contacts else None,
                    due_date=today + dt.timedelta(days=rng.choice([-9, -4, 6, 12])),
                )
            )
    incident = Incident.objects.filter(vendor=vendor).order_by("-opened_at").first()
    if incident is not None:
        items.append(
            ActionItem(
                vendor=vendor,
                incident=incident,
                description=INCIDENT_ITEMS[0],
                owner=users[rng.randrange(len(users))],
                due_date=today - dt.timedelta(days=rng.choice([3, 5, 8])),
            )
        )
    for description in OTHER_ITEMS:
        items.append(
            ActionItem(
                vendor=vendor,
                description=description,
                vendor_contact=contacts[-1] if contacts else None,
                owner=None if contacts else owner,
                due_date=today + dt.timedelta(days=rng.choice([-2, 10, 21])),
            )
        )
    saved = [services.action_item_save(item) for item in items]
    counts[ActionItem._meta.label] += len(saved)
    overdue = [item for item in saved if item.due_date and item.due_date < today]
    if overdue:
        services.snooze_set(
            owner,
            overdue[0],
            until=today + dt.timedelta(days=5),
            note="Vendor promised it for Friday",
            today=today,
        )
        counts["governance.Snooze"] += 1
    return counts
