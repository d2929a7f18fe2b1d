"""Demo and scale data: a realistic vendor portfolio, written with bulk inserts.

``seed_portfolio`` bypasses the per-row services for speed (10,000 vendors are about a million
rows) but writes exactly what they would: incident due times are ``opened_at`` plus the
target's minutes (``services.incident_due_times``), a review's overall score is the mean of its
scores rounded to two places, a goal's current value is its latest check-in, reviews follow
each other one cadence apart over contiguous periods (``scheduling.next_period``) and a
verified clause is next due a year after its verification, as ``services.clause_verify`` sets.

Vendors are generated and inserted a chunk at a time, so memory stays flat whatever the size;
each vendor draws from its own random stream, so a seed gives the same portfolio every time
(on the same day: dates are relative to today, so that reminders have something to fire on)."""

import itertools
import random
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import reset_queries
from django.utils import timezone

from devtools.demo.builder import _Builder
from devtools.demo.data import COUNTRIES, CREDIT_WAIVER_REASON, NAME_CORES, NAME_PREFIXES
from governance.models import (
    ActionItem,
    ClauseType,
    Contact,
    CreditPolicy,
    CreditStatement,
    Goal,
    GoalCheckIn,
    Incident,
    Meeting,
    RequiredClause,
    Review,
    ReviewScore,
    SecurityClause,
    SLATarget,
    UserProfile,
    Vendor,
)
from governance.services import credits, figures

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-governance"
# Ordinary IT managers (not staff) who own vendors beside the demo user.
MANAGERS = [
    ("anna.kowalska", "Anna", "Kowalska", "Europe/Warsaw"),
    ("james.carter", "James", "Carter", "America/New_York"),
    ("priya.nair", "Priya", "Nair", "Asia/Kolkata"),
]

CHUNK_VENDORS = 250
BATCH_SIZE = 2000
# Months of credit statements before the current one, computed by the service.
STATEMENT_MONTHS = 3

# Insert order: parents before children.
MODELS_IN_ORDER = [
    Vendor,
    CreditPolicy,
    Contact,
    SLATarget,
    Review,
    ReviewScore,
    ActionItem,
    Goal,
    GoalCheckIn,
    Meeting,
    Meeting.attendees.through,
    Meeting.contacts.through,
    Incident,
    SecurityClause,
]


# --- users ---------------------------------------------------------------------------------


def ensure_demo_users():
    """The demo superuser and the managers, created if missing (never reset): (demo, managers)."""
    user_model = get_user_model()
    demo, created = user_model.objects.get_or_create(
        username=DEMO_USERNAME,
        defaults={
            "first_name": "Demo",
            "last_name": "Operator",
            "email": "demo@example.com",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if created:
        demo.set_password(DEMO_PASSWORD)
        demo.save(update_fields=["password"])
    UserProfile.objects.get_or_create(user=demo, defaults={"time_zone": "Europe/Warsaw"})
    managers = []
    for username, first, last, zone in MANAGERS:
        manager, created = user_model.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.com"},
        )
        if created:
            manager.set_password(DEMO_PASSWORD)
            manager.save(update_fields=["password"])
        UserProfile.objects.get_or_create(user=manager, defaults={"time_zone": zone})
        managers.append(manager)
    return demo, managers


VENDOR_REP_USERNAME = "vendor.rep"


def ensure_vendor_rep():
    """A vendor representative of the first vendor, for trying the portal (None: no vendors)."""
    vendor = Vendor.objects.order_by("name").first()
    if vendor is None:
        return None
    user_model = get_user_model()
    rep, created = user_model.objects.get_or_create(
        username=VENDOR_REP_USERNAME,
        defaults={
            "first_name": "Vendor",
            "last_name": "Representative",
            "email": "rep@example.com",
        },
    )
    if created:
        rep.set_password(DEMO_PASSWORD)
        rep.save(update_fields=["password"])
        UserProfile.objects.update_or_create(
            user=rep, defaults={"role": UserProfile.Role.VENDOR_REP, "vendor": vendor}
        )
    return rep


# --- the portfolio -------------------------------------------------------------------------


@dataclass
class _Chunk:
    """Unsaved rows of a chunk of vendors, per model, in insert order."""

    rows: dict = field(default_factory=lambda: {model: [] for model in MODELS_IN_ORDER})

    def add(self, obj):
        self.rows[type(obj)].append(obj)
        return obj


def seed_portfolio(*, vendors, seed, users, now=None, progress=None, chunk_size=None):
    """Insert ``vendors`` vendors with their whole history; returns row counts per model.

    ``users`` are the relationship owners to spread the vendors over; ``progress`` is called
    with (vendors done, rows so far) after each chunk. The caller owns the transaction.
    """
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    chunk_size = chunk_size or CHUNK_VENDORS
    required = {}
    for tier, clause_type in RequiredClause.objects.values_list("tier", "clause_type"):
        required.setdefault(tier, []).append(clause_type)
    names = _vendor_names(random.Random(seed), set(Vendor.objects.values_list("name", flat=True)))
    builder = _Builder(now=now, users=list(users), required=required, seed=seed)
    months = _last_months(timezone.localdate(now))
    counts = Counter()
    owing = []
    done = 0
    while done < vendors:
        size = min(chunk_size, vendors - done)
        chunk = _Chunk()
        for index in range(done, done + size):
            rng = random.Random(seed * 1_000_003 + index)
            builder.vendor(chunk, rng, index, next(names))
        for model, rows in chunk.rows.items():
            # Children hold their parents, saved just before: bulk_create copies their ids.
            model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            counts[model._meta.label] += len(rows)
        # bulk_create sends no signals: the stored figures of the chunk's vendors are
        # computed here, a chunk at a time, as the lists need them.
        figures.refresh([vendor.pk for vendor in chunk.rows.get(Vendor, [])], now=now)
        figures.meetings_refresh(chunk.rows.get(Meeting, []), now=now)
        _history(chunk, now)
        computed, due = _statements(chunk, months, now)
        counts[CreditStatement._meta.label] += computed
        if len(owing) < len(CHOSEN_STATUSES):
            owing += due
        done += size
        reset_queries()  # DEBUG keeps every query's SQL: a million rows of it otherwise
        if progress:
            progress(done, sum(counts.values()))
    _set_statuses(owing)
    return dict(counts)


def _history(chunk, now):
    """The history rows ``save()`` would have written for what the clocks and the credit
    pages read from history: the breach-notification clause in force at a detection is found
    among its versions (``selectors.notification_clocks``), and a policy shows in the
    vendor's history."""
    breach = [
        clause
        for clause in chunk.rows[SecurityClause]
        if clause.clause_type == ClauseType.BREACH_NOTIFICATION
    ]
    SecurityClause.history.bulk_history_create(breach, batch_size=BATCH_SIZE, default_date=now)
    CreditPolicy.history.bulk_history_create(
        chunk.rows[CreditPolicy], batch_size=BATCH_SIZE, default_date=now
    )


def _statements(chunk, months, now):
    """Compute the chunk's credit statements for ``months`` with the service (history and
    all; vendors without a policy get none); returns how many, and the first few that owe a
    credit (oldest month first), whose fate ``_set_statuses`` decides."""
    vendors = [policy.vendor for policy in chunk.rows[CreditPolicy]]
    if not vendors:
        return 0, []
    computed = sum(
        credits.credit_statements_compute_month(month, now=now, vendors=vendors).computed
        for month in months
    )
    owing = CreditStatement.objects.filter(vendor__in=vendors, credit_due__gt=0)
    owing = owing.select_related("vendor").order_by("month", "vendor__name")
    return computed, list(owing[: len(CHOSEN_STATUSES)])


def _last_months(today):
    """The first days of the ``STATEMENT_MONTHS`` months before ``today``'s, oldest first."""
    months = [credits.previous_month(today)]
    while len(months) < STATEMENT_MONTHS:
        months.append(credits.previous_month(months[-1]))
    return months[::-1]


# What became of the first credits due of the first chunk that has them (oldest month
# first, then by vendor): one claimed, one received, one waived with its reason; the rest
# stay due.
CHOSEN_STATUSES = [
    (
        CreditStatement.Status.CLAIMED,
        "Claimed by e-mail to the account manager; credit note promised with the next invoice.",
    ),
    (CreditStatement.Status.RECEIVED, "Credited on the invoice of the following month."),
    (CreditStatement.Status.WAIVED, CREDIT_WAIVER_REASON),
]


def _set_statuses(owing):
    for statement, (status, note) in zip(owing, CHOSEN_STATUSES, strict=False):
        credits.credit_statement_status_set(statement, status=status, status_note=note)


def _vendor_names(rng, taken):
    """Unique, plausible company names as (name, country), in a seed-determined order."""
    combos = list(itertools.product(NAME_PREFIXES, NAME_CORES, COUNTRIES))
    rng.shuffle(combos)
    for round_number in itertools.count(1):
        for prefix, core, country in combos:
            base = f"{prefix} {core}" if round_number == 1 else f"{prefix} {core} {round_number}"
            name = f"{base} {country.legal_form}"
            if name not in taken:
                taken.add(name)
                yield name, base, country
