"""Demo and scale data: a realistic vendor portfolio, written with bulk inserts.

``seed_portfolio`` bypasses the per-row services for speed (10,000 vendors are about a million
rows) but writes exactly what they would: incident due times are ``opened_at`` plus the
target's minutes (``services.incident_due_times``), a review's overall score is the mean of its
scores rounded to two places, a goal's current value is its latest check-in, reviews follow
each other one cadence apart over contiguous periods (``scheduling.next_period``) and a
verified clause is next due a year after its verification, as ``services.clause_verify`` sets.

Vendors are generated and inserted a chunk at a time, so memory stays flat whatever the size;
each vendor draws from its own random stream, so a seed gives the same portfolio every time
(on the same day: dates are relative to today, so that reminders have something to fire on).
"""

import datetime as dt
import itertools
import random
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from django.contrib.auth import get_user_model
from django.db import reset_queries
from django.utils import timezone
from django.utils.text import slugify

from governance.domain import scheduling
from governance.models import (
    ActionItem,
    ClauseType,
    Contact,
    Goal,
    GoalCheckIn,
    Incident,
    Meeting,
    Priority,
    RequiredClause,
    Review,
    ReviewScore,
    ReviewScoreCriterion,
    SecurityClause,
    Service,
    SLATarget,
    UserProfile,
    Vendor,
)
from governance.services import figures

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

# Insert order: parents before children.
MODELS_IN_ORDER = [
    Vendor,
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

# --- reference data ------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    code: str
    time_zones: tuple
    currency: str
    legal_form: str
    phone_prefix: str
    city: str
    names: str  # key into PEOPLE


COUNTRIES = [
    Country("PL", ("Europe/Warsaw",), "PLN", "Sp. z o.o.", "+48 22", "Warsaw", "pl"),
    Country(
        "US",
        ("America/New_York", "America/Chicago", "America/Los_Angeles"),
        "USD",
        "Inc.",
        "+1 212",
        "New York",
        "en",
    ),
    Country("IN", ("Asia/Kolkata",), "INR", "Pvt. Ltd.", "+91 80", "Bengaluru", "in"),
    Country("DE", ("Europe/Berlin",), "EUR", "GmbH", "+49 30", "Berlin", "de"),
    Country("GB", ("Europe/London",), "GBP", "Ltd", "+44 20", "London", "en"),
    Country("IE", ("Europe/Dublin",), "EUR", "Ltd", "+353 1", "Dublin", "en"),
    Country("NL", ("Europe/Amsterdam",), "EUR", "B.V.", "+31 20", "Amsterdam", "de"),
    Country("UA", ("Europe/Kyiv",), "UAH", "LLC", "+380 44", "Kyiv", "east"),
    Country("RO", ("Europe/Bucharest",), "RON", "S.R.L.", "+40 21", "Bucharest", "east"),
    Country("CZ", ("Europe/Prague",), "CZK", "s.r.o.", "+420 2", "Prague", "east"),
    Country("ES", ("Europe/Madrid",), "EUR", "S.L.", "+34 91", "Madrid", "es"),
    Country("PH", ("Asia/Manila",), "PHP", "Inc.", "+63 2", "Manila", "asia"),
    Country("SG", ("Asia/Singapore",), "SGD", "Pte. Ltd.", "+65 6", "Singapore", "asia"),
    Country("BR", ("America/Sao_Paulo",), "BRL", "Ltda.", "+55 11", "Sao Paulo", "es"),
    Country("MX", ("America/Mexico_City",), "MXN", "S.A. de C.V.", "+52 55", "Mexico City", "es"),
    Country("CA", ("America/Toronto",), "CAD", "Inc.", "+1 416", "Toronto", "en"),
    Country("AU", ("Australia/Sydney",), "AUD", "Pty Ltd", "+61 2", "Sydney", "en"),
]

# Rough EUR -> local currency factors, so contract values look plausible in each currency.
FX = {
    "EUR": 1,
    "PLN": 4.3,
    "USD": 1.1,
    "INR": 92,
    "GBP": 0.85,
    "UAH": 45,
    "RON": 5,
    "CZK": 25,
    "PHP": 63,
    "SGD": 1.45,
    "BRL": 6,
    "MXN": 20,
    "CAD": 1.5,
    "AUD": 1.65,
}

PEOPLE = {
    "pl": (
        [
            "Anna",
            "Piotr",
            "Katarzyna",
            "Tomasz",
            "Magdalena",
            "Marcin",
            "Agnieszka",
            "Pawel",
            "Joanna",
            "Michal",
        ],
        [
            "Nowak",
            "Wisniewski",
            "Wojcik",
            "Kaminska",
            "Lewandowski",
            "Zielinska",
            "Szymanski",
            "Dabrowska",
        ],
    ),
    "en": (
        [
            "Emma",
            "Liam",
            "Olivia",
            "Noah",
            "Sophie",
            "James",
            "Grace",
            "Oliver",
            "Chloe",
            "Daniel",
            "Megan",
            "Ryan",
        ],
        [
            "Smith",
            "Johnson",
            "Brown",
            "Taylor",
            "Wilson",
            "Davies",
            "Evans",
            "Walker",
            "Wright",
            "Thompson",
            "Murphy",
        ],
    ),
    "in": (
        [
            "Aarav",
            "Priya",
            "Rohan",
            "Ananya",
            "Vikram",
            "Kavya",
            "Arjun",
            "Sneha",
            "Rahul",
            "Divya",
            "Karthik",
            "Meera",
        ],
        [
            "Sharma",
            "Iyer",
            "Reddy",
            "Patel",
            "Nair",
            "Gupta",
            "Menon",
            "Rao",
            "Krishnan",
            "Banerjee",
            "Kulkarni",
        ],
    ),
    "de": (
        [
            "Lukas",
            "Anna",
            "Jonas",
            "Lea",
            "Felix",
            "Sophie",
            "Maximilian",
            "Marie",
            "Daan",
            "Emma",
            "Jan",
            "Sanne",
        ],
        [
            "Muller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "de Vries",
            "Jansen",
            "Bakker",
            "Visser",
            "Meyer",
        ],
    ),
    "east": (
        [
            "Andrii",
            "Olena",
            "Ioana",
            "Mihai",
            "Petr",
            "Tereza",
            "Oleksandr",
            "Iryna",
            "Alexandru",
            "Jana",
            "Tomas",
        ],
        [
            "Shevchenko",
            "Kovalenko",
            "Popescu",
            "Ionescu",
            "Novak",
            "Svoboda",
            "Bondarenko",
            "Dvorak",
            "Stan",
        ],
    ),
    "es": (
        [
            "Lucia",
            "Mateo",
            "Sofia",
            "Diego",
            "Valentina",
            "Pablo",
            "Camila",
            "Javier",
            "Isabela",
            "Gabriel",
            "Elena",
        ],
        [
            "Garcia",
            "Rodriguez",
            "Martinez",
            "Silva",
            "Santos",
            "Lopez",
            "Hernandez",
            "Oliveira",
            "Fernandez",
        ],
    ),
    "asia": (
        [
            "Wei",
            "Mei",
            "Jia",
            "Hui",
            "Maria",
            "Jose",
            "Angelica",
            "Paolo",
            "Siti",
            "Kevin",
            "Grace",
            "Ming",
        ],
        [
            "Tan",
            "Lim",
            "Ng",
            "Reyes",
            "Santos",
            "Cruz",
            "Lee",
            "Wong",
            "Garcia",
            "Mendoza",
            "Chua",
            "Goh",
        ],
    ),
}

NAME_PREFIXES = [
    "Northwind",
    "Bluepeak",
    "Vistula",
    "Granite",
    "Silverline",
    "Copperleaf",
    "Brightwave",
    "Ironbridge",
    "Quantix",
    "Nexora",
    "Solvium",
    "Arcadia",
    "Helix",
    "Lumen",
    "Orbital",
    "Cobalt",
    "Meridian",
    "Polaris",
    "Tatra",
    "Baltic",
    "Saffron",
    "Monsoon",
    "Cedar",
    "Harbor",
    "Summit",
    "Aurora",
    "Vertex",
    "Keystone",
    "Redwood",
    "Falcon",
    "Kestrel",
    "Evergreen",
    "Bluewater",
    "Sterling",
    "Beacon",
    "Horizon",
    "Pinnacle",
    "Atlas",
    "Zenith",
    "Crescent",
    "Lighthouse",
    "Riverstone",
    "Oakridge",
    "Fjord",
    "Sierra",
    "Andes",
    "Danube",
    "Carpathia",
    "Pacifica",
    "Coral",
    "Amber",
    "Onyx",
    "Jade",
    "Topaz",
    "Sapphire",
    "Indigo",
    "Crimson",
    "Stratus",
    "Nimbus",
    "Cirrus",
    "Tundra",
    "Savanna",
    "Sahara",
    "Lotus",
    "Banyan",
    "Kite",
    "Anchor",
    "Compass",
    "Mosaic",
    "Prism",
    "Quartz",
    "Vector",
    "Radius",
    "Tangent",
    "Fulcrum",
    "Lattice",
    "Cascade",
    "Ember",
    "Glacier",
    "Boreal",
]
NAME_CORES = [
    "Systems",
    "Networks",
    "Digital",
    "Cloud",
    "Labs",
    "Solutions",
    "Technologies",
    "Consulting",
    "Data",
    "Secure",
    "Infrastructure",
    "IT Services",
    "Software",
    "Hosting",
    "Telecom",
    "Support",
    "Analytics",
    "Engineering",
    "Security",
    "Works",
    "Logic",
    "Dynamics",
    "Partners",
    "Group",
    "Tech",
    "Link",
    "Ops",
    "Services",
    "Integration",
    "Computing",
    "Managed Services",
    "Connect",
]

TIER_WEIGHTS = {"critical": 10, "high": 25, "medium": 40, "low": 25}
STATUS_WEIGHTS = {"active": 70, "on_watch": 10, "onboarding": 8, "offboarding": 5, "ended": 7}
# Annual contract value in EUR by tier (low, high).
TIER_VALUE_EUR = {
    "critical": (600_000, 4_000_000),
    "high": (150_000, 900_000),
    "medium": (30_000, 200_000),
    "low": (5_000, 40_000),
}
# (response, resolution) minutes per priority P1..P4.
TIER_SLA = {
    "critical": [(15, 240), (30, 480), (120, 1440), (480, 4320)],
    "high": [(30, 480), (60, 1440), (240, 2880), (960, 7200)],
    "medium": [(60, 1440), (120, 2880), (480, 4320), (1440, 10080)],
    "low": [(120, 2880), (240, 4320), (960, 7200), (2880, 14400)],
}
# Incidents in the last year (min, max) by tier: at 10,000 vendors, with the other rows,
# about a million rows in all (the largest size ``manage.py bench`` measures).
INCIDENT_HISTORY_DAYS = 365
TIER_INCIDENTS = {"critical": (60, 100), "high": (30, 60), "medium": (12, 36), "low": (4, 16)}
PRIORITY_WEIGHTS = {"P1": 5, "P2": 15, "P3": 45, "P4": 35}
CLAUSE_STATUS_WEIGHTS = {
    "verified": 45,
    "agreed": 30,
    "negotiating": 10,
    "missing": 8,
    "non_compliant": 7,
}
CONTACT_ROLES = [
    "Account manager",
    "Service delivery manager",
    "Technical lead",
    "Information security officer",
    "Billing contact",
]
# Criterion biases: innovation and cost tend to score lower than day-to-day delivery.
CRITERION_BIAS = {
    "quality": 0.1,
    "responsiveness": 0.0,
    "communication": 0.2,
    "security": 0.0,
    "cost": -0.3,
    "innovation": -0.5,
}
ACTION_ITEMS = [
    "Agree a root-cause template for P1/P2 post-mortems",
    "Share the monthly capacity forecast one week before the steering committee",
    "Close the open findings of the last penetration test",
    "Reduce the backlog of tickets older than 30 days",
    "Provide named backups for the service delivery manager",
    "Publish the patching calendar for the next quarter",
    "Review the escalation matrix and contact list",
    "Propose two automation ideas with business cases",
    "Align invoice line items with the service catalogue",
    "Run a disaster-recovery test and share the report",
    "Update the knowledge base for the top ten recurring requests",
    "Confirm data-retention settings in the ticketing system",
]
# (title template, metric, unit, baseline, target, direction)
GOALS = [
    ("Raise first-call resolution to {target}%", "First-call resolution", "%", 62, 80, "h"),
    ("Cut P2 time to resolve to {target} h", "Mean time to resolve P2", "h", 18, 8, "l"),
    ("Patch compliance at {target}%", "Servers patched within 30 days", "%", 84, 98, "h"),
    ("Availability of {target}%", "Monthly availability", "%", "99.50", "99.90", "h"),
    ("Change failure rate below {target}%", "Change failure rate", "%", 12, 5, "l"),
    (
        "Open ticket backlog under {target}",
        "Open tickets older than 7 days",
        "tickets",
        340,
        150,
        "l",
    ),
    ("Customer satisfaction of {target}", "CSAT (1-5)", "pts", "3.90", "4.50", "h"),
    (
        "No critical vulnerability older than 30 days",
        "Critical vulns > 30 days",
        "items",
        14,
        0,
        "l",
    ),
    ("Automated test coverage of {target}%", "Automated test coverage", "%", 55, 75, "h"),
    (
        "Onboarding of new staff in {target} days",
        "Days to onboard a new starter",
        "days",
        12,
        5,
        "l",
    ),
]
INCIDENT_TITLES = {
    "network_management": [
        "VPN gateway unreachable from the {city} office",
        "Packet loss on the MPLS link to the data centre",
        "Core switch failover did not complete",
        "Wi-Fi authentication failing on floor 3",
    ],
    "security": [
        "Phishing campaign reported by several users",
        "EDR agent offline on a group of laptops",
        "Suspicious sign-ins blocked on the admin portal",
        "Certificate expired on the partner API endpoint",
    ],
    "software_development": [
        "Release broke the invoice export",
        "Regression in the customer portal search",
        "Nightly build failing since the last merge",
        "Payment API returning 500s after deployment",
    ],
    "technical_support": [
        "Service desk phone line unavailable",
        "Password resets queued for over an hour",
        "Laptop rollout delayed for new starters",
        "Shared mailbox access requests not processed",
    ],
    "system_maintenance": [
        "Backup job failed on the file servers",
        "Database server disk usage above 95%",
        "Patch window overran into business hours",
        "Monitoring alerts not delivered overnight",
    ],
    "hosting": [
        "Elevated latency in the primary region",
        "Storage volume degraded on the ERP cluster",
        "Load balancer health checks flapping",
        "Scheduled maintenance exceeded its window",
    ],
    "other": ["Service degraded", "Request backlog above threshold"],
}
ROOT_CAUSES = [
    "Configuration change applied without peer review.",
    "Capacity threshold reached; monitoring alert was muted.",
    "Expired credential in an integration account.",
    "Upstream provider outage.",
    "Defect introduced in the last release; rolled back.",
    "Hardware failure; replaced under warranty.",
]
CLAUSE_REQUIREMENTS = {
    "confidentiality": "Both parties keep shared information confidential during and after "
    "the contract.",
    "data_protection": "A data processing agreement covers all personal data processed on our "
    "behalf.",
    "breach_notification": "The vendor notifies us of any security breach without undue delay.",
    "iso27001": "The vendor holds a current ISO 27001 certificate covering the contracted "
    "services.",
    "soc2": "The vendor provides a SOC 2 Type II report every year.",
    "right_to_audit": "We may audit the vendor's controls with 30 days' notice.",
    "data_residency": "Data is stored and processed only in the agreed regions.",
    "subcontractors": "Subcontractors need our prior written approval.",
    "access_control": "Access to our systems is personal, least-privilege and reviewed quarterly.",
    "encryption": "Data is encrypted at rest and in transit.",
    "business_continuity": "A tested business continuity and disaster recovery plan is in place.",
    "vulnerability_management": "Critical vulnerabilities are remediated within the agreed time.",
    "background_checks": "Staff with access to our systems pass background checks.",
    "termination_data_return": "On termination, our data is returned and then securely deleted.",
}
CLAUSE_PARAMETERS = {
    "breach_notification": [{"notification_hours": h} for h in (24, 48, 72)],
    "data_residency": [{"regions": ["EU"]}, {"regions": ["EU", "UK"]}, {"regions": ["US"]}],
    "encryption": [{"at_rest": "AES-256", "in_transit": "TLS 1.2+"}],
    "vulnerability_management": [{"critical_days": d, "high_days": 30} for d in (7, 14)],
    "right_to_audit": [{"notice_days": 30, "per_year": 1}],
    "business_continuity": [{"rto_hours": 4, "rpo_hours": 1}, {"rto_hours": 24, "rpo_hours": 4}],
}
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]


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
    builder = _Builder(now=now, users=list(users), required=required)
    counts = Counter()
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
        done += size
        reset_queries()  # DEBUG keeps every query's SQL: a million rows of it otherwise
        if progress:
            progress(done, sum(counts.values()))
    return dict(counts)


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


def _pick(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _money(value, places="0.01"):
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_EVEN)


def _first_of_month(day):
    return day.replace(day=1)


def _period_for(scheduled_for, cadence):
    """The period a review scheduled on ``scheduled_for`` covers: the whole cadence before
    the month it is held in. Periods of successive reviews are contiguous, as
    ``scheduling.next_period`` chains them."""
    end = _first_of_month(scheduled_for) - dt.timedelta(days=1)
    start = scheduling.add_cadence(_first_of_month(scheduled_for), cadence, times=-1)
    return start, end


class _Builder:
    def __init__(self, *, now, users, required):
        self.now = now
        self.today = timezone.localdate(now)
        self.users = users
        self.required = required

    def vendor(self, chunk, rng, index, name_parts):
        name, base, country = name_parts
        tier = _pick(rng, TIER_WEIGHTS)
        status = _pick(rng, STATUS_WEIGHTS)
        owner = self.users[index % len(self.users)]
        notice_days = rng.choice([30, 60, 90, 90, 90, 180])
        start, end = self._contract(rng, index, status, notice_days)
        cadence = scheduling.default_cadence_for_tier(tier)
        if rng.random() < 0.1:
            cadence = rng.choice(list(scheduling.CADENCE_MONTHS))
        low, high = TIER_VALUE_EUR[tier]
        value = rng.uniform(low, high) * FX[country.currency]
        services = rng.sample(
            [s for s in Service.values if s != Service.OTHER], k=rng.choice([1, 1, 2, 2, 3])
        )
        vendor = chunk.add(
            Vendor(
                name=name,
                services=services,
                tier=tier,
                status=status,
                owner=owner,
                time_zone=rng.choice(country.time_zones),
                country=country.code,
                contract_start=start,
                contract_end=end,
                renewal_notice_days=notice_days,
                annual_value=_money(round(value, -3)),
                currency=country.currency,
                review_cadence=cadence,
                notes=f"{Service(services[0]).label} provider based in {country.city}.",
            )
        )
        # How well this vendor performs, 1-5: drives scores, SLA hits and goal progress.
        quality = rng.uniform(2.0, 3.3) if status == "on_watch" else rng.uniform(2.9, 4.8)
        domain = slugify(base).replace("-", "") + ".example"
        contacts = self._contacts(chunk, rng, vendor, country, domain)
        targets = self._sla_targets(chunk, vendor, tier)
        self._reviews(chunk, rng, index, vendor, cadence, quality)
        self._goals(chunk, rng, vendor, quality, contacts[0])
        self._meetings(chunk, rng, vendor, country, contacts, domain)
        self._incidents(chunk, rng, index, vendor, targets, quality, country)
        self._clauses(chunk, rng, index, vendor, domain)

    def _contract(self, rng, index, status, notice_days):
        today = self.today

        def days(low, high):
            return dt.timedelta(days=rng.randint(low, high))

        if status == "onboarding":
            start = today - days(5, 90)
            return start, start + dt.timedelta(days=365 * rng.choice([2, 3]))
        if status == "offboarding":
            return today - days(700, 2000), today + days(10, 120)
        if status == "ended":
            return today - days(800, 2500), today - days(15, 200)
        start = today - days(200, 2000)
        if index % 6 == 0 or rng.random() < 0.08:
            # Inside the notice period (deadline passed) or the deadline coming up: the
            # contract notice reminders have something to say.
            if rng.random() < 0.5:
                return start, today + days(7, notice_days)
            return start, today + dt.timedelta(days=notice_days) + days(1, 90)
        end = start + dt.timedelta(days=365 * rng.randint(2, 5))
        if end <= today + dt.timedelta(days=notice_days + 90):
            end = today + days(notice_days + 91, 1100)  # renewed
        return start, end

    def _contacts(self, chunk, rng, vendor, country, domain):
        first_names, last_names = PEOPLE[country.names]
        wanted, people = rng.randint(2, 4), set()
        while len(people) < wanted:
            people.add((rng.choice(first_names), rng.choice(last_names)))
        roles = rng.sample(CONTACT_ROLES, k=len(people))
        contacts = []
        for position, ((first, last), role) in enumerate(zip(sorted(people), roles, strict=True)):
            contacts.append(
                chunk.add(
                    Contact(
                        vendor=vendor,
                        name=f"{first} {last}",
                        email=f"{first}.{last}@{domain}".lower().replace(" ", ""),
                        role=role,
                        phone=f"{country.phone_prefix} {rng.randint(100, 999)} "
                        f"{rng.randint(1000, 9999)}",
                        is_primary=position == 0,
                    )
                )
            )
        return contacts

    def _sla_targets(self, chunk, vendor, tier):
        targets = {}
        for priority, (response, resolution) in zip(Priority.values, TIER_SLA[tier], strict=True):
            targets[priority] = chunk.add(
                SLATarget(
                    vendor=vendor,
                    priority=priority,
                    response_minutes=response,
                    resolution_minutes=resolution,
                )
            )
        return targets

    def _reviews(self, chunk, rng, index, vendor, cadence, quality):
        today = self.today
        months = scheduling.CADENCE_MONTHS[cadence]
        if vendor.status == "ended":
            upcoming = vendor.contract_end + dt.timedelta(days=rng.randint(1, 28 * months))
        elif vendor.status == "onboarding":
            upcoming = vendor.contract_start + dt.timedelta(days=rng.randint(20, 75))
        elif index % 5 == 1 or rng.random() < 0.12:
            upcoming = today - dt.timedelta(days=rng.randint(1, 25))  # overdue
        else:
            upcoming = today + dt.timedelta(days=rng.randint(1, 28 * months))
        if upcoming.day > 28:
            # Keep the calendar off month ends, where add_cadence would pin it to the last day:
            # an overdue review stays in the past, a future one in the future.
            upcoming = (
                upcoming.replace(day=28)
                if upcoming < today
                else _first_of_month(upcoming + dt.timedelta(days=4))
            )
        status = Review.Status.SCHEDULED
        if vendor.status == "ended":
            status = Review.Status.CANCELLED
        elif upcoming <= today + dt.timedelta(days=3) and rng.random() < 0.4:
            status = Review.Status.IN_PROGRESS
        period_start, period_end = _period_for(upcoming, cadence)
        chunk.add(
            Review(
                vendor=vendor,
                period_start=period_start,
                period_end=period_end,
                scheduled_for=upcoming,
                status=status,
                reviewer=vendor.owner,
            )
        )
        if vendor.status == "onboarding":
            return
        horizon = min(today, upcoming) - dt.timedelta(days=365)
        for times in itertools.count(1):
            held = scheduling.add_cadence(upcoming, cadence, times=-times)
            if held < horizon or held < vendor.contract_start:
                break
            self._completed_review(chunk, rng, vendor, cadence, held, quality)

    def _completed_review(self, chunk, rng, vendor, cadence, held, quality):
        zone = zoneinfo.ZoneInfo(vendor.time_zone)
        completed_at = dt.datetime.combine(
            held + dt.timedelta(days=rng.randint(0, 6)),
            dt.time(rng.randint(9, 16), rng.choice([0, 15, 30, 45])),
            tzinfo=zone,
        ).astimezone(dt.UTC)
        completed_at = min(completed_at, self.now - dt.timedelta(hours=1))
        scores = {
            criterion: min(5, max(1, round(rng.gauss(quality + CRITERION_BIAS[criterion], 0.6))))
            for criterion in ReviewScoreCriterion.values
        }
        # services.review_refresh_overall_score: mean of the scores, two places.
        overall = _money(Decimal(sum(scores.values())) / len(scores))
        period_start, period_end = _period_for(held, cadence)
        review = chunk.add(
            Review(
                vendor=vendor,
                period_start=period_start,
                period_end=period_end,
                scheduled_for=held,
                status=Review.Status.COMPLETED,
                reviewer=vendor.owner,
                overall_score=overall,
                summary=_review_summary(overall),
                completed_at=completed_at,
            )
        )
        for criterion, score in scores.items():
            chunk.add(
                ReviewScore(
                    review=review,
                    criterion=criterion,
                    score=score,
                    comment=_score_comment(criterion, score),
                )
            )
        count = 1 if overall >= 4 else rng.randint(1, 3)
        for description in rng.sample(ACTION_ITEMS, k=count):
            due = completed_at.date() + dt.timedelta(days=rng.choice([30, 45, 60]))
            if due < self.today:
                status = rng.choices(["done", "cancelled", "open"], weights=[80, 5, 15])[0]
            else:
                status = rng.choice(["open", "in_progress"])
            chunk.add(
                ActionItem(
                    review=review,
                    description=description,
                    owner=vendor.owner if rng.random() < 0.6 else None,
                    due_date=due,
                    status=status,
                )
            )

    def _goals(self, chunk, rng, vendor, quality, vendor_owner):
        today = self.today
        count = rng.randint(1, 2) if vendor.status == "onboarding" else rng.randint(3, 5)
        for title, metric, unit, baseline, target, direction in rng.sample(GOALS, k=count):
            baseline, target = Decimal(str(baseline)), Decimal(str(target))
            start = max(vendor.contract_start, today - dt.timedelta(days=rng.randint(30, 330)))
            due = start + dt.timedelta(days=rng.randint(120, 365))
            if vendor.status == "ended":
                due = min(due, vendor.contract_end)
                start = min(start, due)
            goal = chunk.add(
                Goal(
                    vendor=vendor,
                    title=title.format(target=format(target.normalize(), "f")),
                    description=f"Agreed with {vendor.name} at the last steering committee.",
                    metric=metric,
                    unit=unit,
                    baseline=baseline,
                    target_value=target,
                    direction="higher_is_better" if direction == "h" else "lower_is_better",
                    owner=vendor.owner,
                    vendor_owner=vendor_owner,
                    start_date=start,
                    due_date=due,
                )
            )
            # Progress towards the target; good vendors overshoot the straight line a little.
            pace = rng.uniform(0.55, 1.0) * (quality / 4)
            latest = None
            for month in itertools.count(1):
                day = start + dt.timedelta(days=30 * month)
                if day > min(today, due):
                    break
                share = min(1.2, pace * (day - start).days / max(1, (due - start).days))
                share += rng.uniform(-0.04, 0.04)
                value = float(baseline) + float(target - baseline) * share
                latest = chunk.add(
                    GoalCheckIn(
                        goal=goal,
                        date=day,
                        value=_money(round(value, 2)),
                        note=rng.choice(["Monthly figure", "From the service report", ""]),
                        author=vendor.owner,
                    )
                )
            # services.goal_refresh_current_value: the latest check-in sets it.
            goal.current_value = latest.value if latest else None
            goal.status = _goal_status(rng, goal, latest, today)

    def _meetings(self, chunk, rng, vendor, country, contacts, domain):
        zone = vendor.time_zone
        last_day = vendor.contract_end if vendor.status == "ended" else self.today
        first = max(vendor.contract_start, last_day - dt.timedelta(days=rng.randint(60, 300)))
        until = ""
        if vendor.status == "ended":
            until = f";UNTIL={vendor.contract_end:%Y%m%d}T235959"
        plans = [
            (
                "Weekly operations sync",
                Meeting.Kind.OPERATIONAL,
                f"FREQ=WEEKLY;BYDAY={rng.choice(WEEKDAYS)}",
                rng.choice([30, 45, 60]),
            )
        ]
        if vendor.tier in ("critical", "high"):
            plans.append(
                (
                    "Steering committee",
                    Meeting.Kind.STEERING,
                    f"FREQ=MONTHLY;BYDAY=1{rng.choice(WEEKDAYS)}",
                    90,
                )
            )
        if vendor.tier != "low":
            plans.append(
                (
                    "Quarterly business review",
                    Meeting.Kind.QBR,
                    f"FREQ=MONTHLY;INTERVAL=3;BYDAY=2{rng.choice(WEEKDAYS)}",
                    120,
                )
            )
        for title, kind, rule, minutes in plans:
            local_day = _first_matching_day(first, rule)
            starts_at = dt.datetime.combine(
                local_day,
                dt.time(rng.randint(9, 15), rng.choice([0, 30])),
                tzinfo=zoneinfo.ZoneInfo(zone),
            ).astimezone(dt.UTC)
            channel = _pick(rng, {"video": 70, "phone": 10, "onsite": 20})
            room = f"{domain.split('.')[0][:12]}-{rng.randint(100, 999)}"
            location = {
                "video": f"https://meet.example.com/{room}",
                "phone": f"{country.phone_prefix} 555 0100, PIN {rng.randint(1000, 9999)}",
                "onsite": f"{vendor.name}, {country.city} office",
            }[channel]
            meeting = chunk.add(
                Meeting(
                    vendor=vendor,
                    title=f"{title}: {vendor.name}",
                    kind=kind,
                    starts_at=starts_at,
                    duration_minutes=minutes,
                    time_zone=zone,
                    recurrence=rule + until,
                    channel=channel,
                    location=location,
                    agenda="1. Actions from last time\n2. Service performance\n3. Risks and "
                    "changes\n4. Any other business",
                )
            )
            attendees = {vendor.owner}
            if rng.random() < 0.5:
                attendees.add(rng.choice(self.users))
            for user in sorted(attendees, key=lambda u: u.pk):
                chunk.add(Meeting.attendees.through(meeting=meeting, user=user))
            for contact in contacts[: rng.randint(1, min(2, len(contacts)))]:
                chunk.add(Meeting.contacts.through(meeting=meeting, contact=contact))

    def _incidents(self, chunk, rng, index, vendor, targets, quality, country):
        now = self.now
        window_start = max(
            now - dt.timedelta(days=INCIDENT_HISTORY_DAYS),
            dt.datetime.combine(vendor.contract_start, dt.time(), tzinfo=dt.UTC),
        )
        window_end = now
        if vendor.status == "ended":
            window_end = dt.datetime.combine(vendor.contract_end, dt.time(18), tzinfo=dt.UTC)
        low, high = TIER_INCIDENTS[vendor.tier]
        count = rng.randint(low, high) if window_end > window_start else 0
        if vendor.status == "onboarding":
            count = min(count, 3)
        # Response and resolution hit rates, from the vendor's quality.
        hit_rate = min(0.97, 0.45 + 0.11 * quality)
        key_prefix = "".join(word[0] for word in vendor.name.split()[:2]).upper()
        number = rng.randint(100, 5000)
        span = (window_end - window_start).total_seconds()
        openings = sorted(
            window_start + dt.timedelta(seconds=rng.uniform(0, span)) for _ in range(count)
        )
        plans = [(opened_at, _pick(rng, PRIORITY_WEIGHTS), None) for opened_at in openings]
        if vendor.status != "ended" and index % 3 == 0:
            # Acknowledged but open past its resolution target: a breach while still open.
            late = dt.timedelta(minutes=targets["P2"].resolution_minutes * rng.uniform(1.2, 3))
            plans.append((now - late, "P2", "acknowledged"))
        if vendor.status != "ended" and index % 4 == 0:
            just_in = dt.timedelta(minutes=rng.randint(5, 40))
            plans.append((now - just_in, "P3", "open"))
        for opened_at, priority, special in plans:
            target = targets[priority]
            response = target.response_minutes * (
                rng.uniform(0.1, 0.95) if rng.random() < hit_rate else rng.uniform(1.05, 2.5)
            )
            resolution = target.resolution_minutes * (
                rng.uniform(0.2, 0.95) if rng.random() < hit_rate - 0.05 else rng.uniform(1.05, 2)
            )
            resolution = max(resolution, response + 5)
            acknowledged_at = opened_at + dt.timedelta(minutes=response)
            resolved_at = opened_at + dt.timedelta(minutes=resolution)
            if special == "open":
                acknowledged_at = resolved_at = None
            elif special == "acknowledged":
                acknowledged_at = opened_at + dt.timedelta(minutes=target.response_minutes / 2)
                resolved_at = None
            if acknowledged_at and acknowledged_at > now:
                acknowledged_at = resolved_at = None
            if resolved_at and resolved_at > now:
                resolved_at = None
            if resolved_at is None:
                status = Incident.Status.ACKNOWLEDGED if acknowledged_at else Incident.Status.OPEN
            elif resolved_at > now - dt.timedelta(days=5):
                status = Incident.Status.RESOLVED
            else:
                status = Incident.Status.CLOSED
            service = rng.choice(vendor.services)
            number += 1
            chunk.add(
                Incident(
                    vendor=vendor,
                    external_id=f"{key_prefix}-{number}",
                    title=rng.choice(INCIDENT_TITLES[service]).format(city=country.city),
                    description="Reported through the service desk; see the ticket for logs.",
                    priority=priority,
                    service=service,
                    opened_at=opened_at,
                    acknowledged_at=acknowledged_at,
                    resolved_at=resolved_at,
                    status=status,
                    root_cause=rng.choice(ROOT_CAUSES) if resolved_at else "",
                    # services.incident_due_times: opened_at + the target's minutes.
                    response_due_at=opened_at + dt.timedelta(minutes=target.response_minutes),
                    resolution_due_at=opened_at + dt.timedelta(minutes=target.resolution_minutes),
                )
            )

    def _clauses(self, chunk, rng, index, vendor, domain):
        today = self.today
        types = list(self.required.get(vendor.tier, []))
        if vendor.tier in ("critical", "high") and "soc2" not in types and rng.random() < 0.5:
            types.append(ClauseType.SOC2.value)
        forced_missing = types[-1] if index % 4 == 1 and types else None
        forced_expiring = types[0] if index % 4 == 3 and types else None
        for clause_type in types:
            weights = dict(CLAUSE_STATUS_WEIGHTS)
            if vendor.status == "onboarding":
                weights.update(negotiating=40, missing=20)
            status = "missing" if clause_type == forced_missing else _pick(rng, weights)
            if clause_type == forced_expiring and status not in ("agreed", "verified"):
                status = "agreed"
            effective = None
            if status not in ("missing", "negotiating"):
                effective = vendor.contract_start
            expires = None
            if clause_type in ("iso27001", "soc2") and effective:
                expires = today + dt.timedelta(days=rng.randint(-30, 700))
            elif effective and rng.random() < 0.3:
                expires = vendor.contract_end
            # Rare beyond the forced ones: about 10,000 reminders are due at 10,000 vendors.
            if effective and (clause_type == forced_expiring or rng.random() < 0.01):
                expires = today + dt.timedelta(days=rng.randint(1, 60))  # expiry reminders
            if effective and expires and expires < effective:
                effective = expires - dt.timedelta(days=365)
            verified_on = next_due = None
            if status in ("verified", "non_compliant"):
                verified_on = today - dt.timedelta(days=rng.randint(10, 340))
                # services.clause_verify: next verification a year after the last one.
                next_due = scheduling.add_cadence(verified_on, "annual")
            chunk.add(
                SecurityClause(
                    vendor=vendor,
                    clause_type=clause_type,
                    requirement=CLAUSE_REQUIREMENTS[clause_type],
                    parameters=rng.choice(CLAUSE_PARAMETERS.get(clause_type, [{}])),
                    status=status,
                    evidence_url=(
                        f"https://docs.example.com/{domain.split('.')[0]}/{clause_type}.pdf"
                        if status in ("agreed", "verified")
                        else ""
                    ),
                    effective_date=effective,
                    expires_on=expires,
                    last_verified_on=verified_on,
                    next_verification_due=next_due,
                )
            )


def _first_matching_day(first, rule):
    """The first day on or after ``first`` that the (weekly or nth-weekday monthly) rule hits."""
    parts = dict(item.split("=") for item in rule.split(";"))
    byday = parts["BYDAY"]
    weekday = WEEKDAYS.index(byday[-2:])
    if parts["FREQ"] == "WEEKLY":
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7)
    nth = int(byday[:-2])
    month = _first_of_month(first)
    while True:
        day = month + dt.timedelta(days=(weekday - month.weekday()) % 7 + 7 * (nth - 1))
        if day >= first:
            return day
        month = _first_of_month(month + dt.timedelta(days=32))


def _goal_status(rng, goal, latest, today):
    if latest is None:
        return rng.choice([Goal.Status.PROPOSED, Goal.Status.AGREED])
    reached = (
        latest.value >= goal.target_value
        if goal.direction == "higher_is_better"
        else latest.value <= goal.target_value
    )
    if goal.due_date < today:
        if rng.random() < 0.05:
            return Goal.Status.DROPPED
        return Goal.Status.ACHIEVED if reached else Goal.Status.MISSED
    elapsed = (latest.date - goal.start_date).days / max(1, (goal.due_date - goal.start_date).days)
    progress = (latest.value - goal.baseline) / (goal.target_value - goal.baseline)
    return Goal.Status.ON_TRACK if progress >= Decimal(elapsed * 0.85) else Goal.Status.AT_RISK


def _review_summary(overall):
    if overall >= 4:
        return "Strong period: targets met, proactive communication, few escalations."
    if overall >= 3:
        return "Solid delivery overall; follow up on the action items before the next review."
    return "Below expectations: recurring SLA misses. Improvement plan agreed."


def _score_comment(criterion, score):
    if score >= 4:
        return ""
    label = ReviewScoreCriterion(criterion).label.lower()
    return f"{label.capitalize()} needs attention." if score <= 2 else f"Acceptable {label}."
