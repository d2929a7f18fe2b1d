"""Reference data the demo portfolio draws from: countries, people, vendor names, weights
per tier, texts of goals, incidents and clauses."""

from dataclasses import dataclass

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
# Security incidents (issue 14): what the vendor detected, what it touched.
SECURITY_INCIDENT_TITLES = [
    "Phishing led to a compromised service desk account",
    "Ransomware contained on two file servers",
    "Misconfigured storage bucket exposed exports",
    "Credential stuffing against the customer portal",
    "Malware found on an administrator's laptop",
    "Unauthorised access to the ticketing system",
    "Backup tapes lost in transit",
    "Vulnerable VPN appliance exploited",
]
SECURITY_SYSTEMS = [
    "Service desk (ticketing), shared mailbox",
    "File servers FS01 and FS02",
    "Object storage used for nightly exports",
    "Customer portal and its identity provider",
    "An administrator's laptop and jump host",
    "VPN concentrator in the primary data centre",
]
SECURITY_DATA = [
    "Names, e-mail addresses and phone numbers of our employees",
    "Customer contact details and order history",
    "Internal documents; no personal data found so far",
    "Hashed passwords of portal users",
    "Payroll exports of one month",
]
# Per tier: how many security incidents a vendor had in the last SECURITY_HISTORY_DAYS.
TIER_SECURITY_INCIDENTS = {"critical": (1, 3), "high": (0, 2), "medium": (0, 1), "low": (0, 1)}
SECURITY_HISTORY_DAYS = 300
NOTIFY_WHOM = [
    "Our CISO and the service desk",
    "The security operations centre",
    "The relationship owner and the DPO",
]
NOTIFY_HOW = ["E-mail to security@ and a phone call", "Phone, then a written report", "Portal"]
# Credit policies: contract styles (bands as contracts list them; amounts per breach are a
# share of the monthly fee, so they scale with the vendor).
CREDIT_BANDS = [
    [{"below_percent": 99, "credit_percent": 5}, {"below_percent": 95, "credit_percent": 10}],
    [{"below_percent": 98, "credit_percent": 3}, {"below_percent": 90, "credit_percent": 8}],
    [{"below_percent": 95, "credit_percent": 10}],
]
CREDIT_WAIVER_REASON = "Waived in return for the extra capacity delivered at no cost in Q3."
