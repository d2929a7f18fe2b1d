"""Importing spreadsheets through the service: dry run, confirm, matching, the domain's rules."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from governance.domain.scheduling import default_cadence_for_tier
from governance.models import (
    Contact,
    Goal,
    ImportJob,
    Role,
    SecurityClause,
    SLATarget,
    UserProfile,
    Vendor,
)
from governance.services import imports
from tests.factories import ContactFactory, UserFactory, VendorFactory
from tests.imports.helpers import as_file

pytestmark = pytest.mark.django_db

VENDORS = [
    [
        "name",
        "services",
        "tier",
        "status",
        "country",
        "contract_start",
        "contract_end",
        "annual_value",
        "review_cadence",
        "notes",
        "contact_name",
        "contact_email",
        "contact_role",
        "contact_phone",
    ],
    [
        "Northwind Networks",
        "Network management;Security",
        "High",
        "Active",
        "PL",
        "2025-01-01",
        "2027-12-31",
        "120000.50",
        "Quarterly",
        "Managed WAN",
        "Anna Kowalska",
        "anna@northwind.example",
        "Account manager",
        "+48 22 555 0100",
    ],
    [
        "Contoso Hosting",
        "hosting",
        "critical",
        "onboarding",
        "DE",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "Fabrikam Support",
        "technical_support",
        "low",
        "on watch",
        "",
        "",
        "",
        "",
        "",
        "",
        "Li Wei",
        "",
        "",
        "",
    ],
]

SLA = [
    ["vendor", "priority", "response_minutes", "resolution_minutes"],
    ["Acme Hosting", "P1", "15", "240"],
    ["acme hosting", "P2 (high)", "60", "480"],
    ["Acme Hosting", "low", "240", "2880"],
]

CLAUSES = [
    ["vendor", "clause_type", "status", "requirement", "notification_hours", "expires_on"],
    ["Acme Hosting", "Data protection agreement", "Agreed", "GDPR art. 28", "", "2027-12-31"],
    ["Acme Hosting", "breach_notification", "verified", "", "24", ""],
]

GOALS = [
    [
        "vendor",
        "title",
        "metric",
        "unit",
        "baseline",
        "target_value",
        "direction",
        "due_date",
        "status",
    ],
    [
        "Acme Hosting",
        "First-call resolution",
        "FCR",
        "%",
        "62",
        "80",
        "Higher is better",
        "2026-12-31",
        "Agreed",
    ],
]


def run(user, kind, rows, file_format="csv"):
    name, content = as_file(rows, file_format)
    return imports.import_create(user=user, kind=kind, file_name=name, content=content)


def confirm(job, user):
    return imports.import_confirm(job, user=user)


def snapshot():
    """Every imported record's stored values, to compare the database before and after."""
    return [
        list(Vendor.objects.order_by("pk").values()),
        list(Contact.objects.order_by("pk").values()),
        list(SLATarget.objects.order_by("pk").values()),
        list(SecurityClause.objects.order_by("pk").values()),
        list(Goal.objects.order_by("pk").values()),
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_vendor_register_is_previewed_then_imported_with_labels_and_contacts(owner, file_format):
    job = run(owner, "vendors", VENDORS, file_format)

    assert job.status == ImportJob.Status.PREVIEWED
    assert job.summary == {"new": 3, "changed": 0, "unchanged": 0, "errors": 0}
    assert [row["action"] for row in job.rows] == ["new", "new", "new"]
    assert Vendor.objects.count() == 0  # a dry run writes nothing

    job = confirm(job, owner)

    assert job.status == ImportJob.Status.APPLIED
    northwind = Vendor.objects.get(name="Northwind Networks")
    assert northwind.services == ["network_management", "security"]
    assert (northwind.tier, northwind.status, northwind.review_cadence) == (
        "high",
        "active",
        "quarterly",
    )
    assert northwind.annual_value == Decimal("120000.50")
    assert northwind.contract_end == dt.date(2027, 12, 31)
    assert northwind.owner == owner
    contact = northwind.contacts.get()
    assert (contact.name, contact.email, contact.is_primary) == (
        "Anna Kowalska",
        "anna@northwind.example",
        True,
    )
    contoso = Vendor.objects.get(name="Contoso Hosting")
    # As a vendor made in the app: an empty cadence takes the tier's.
    assert contoso.review_cadence == default_cadence_for_tier("critical")
    assert not contoso.contacts.exists()
    assert Vendor.objects.get(name="Fabrikam Support").status == "on_watch"
    # Saved with their history, by the importer.
    assert northwind.history.get().history_user == owner
    assert job.content == b""


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_importing_the_same_file_twice_changes_nothing(owner, file_format):
    confirm(run(owner, "vendors", VENDORS, file_format), owner)
    before = snapshot()

    again = run(owner, "vendors", VENDORS, file_format)

    assert again.summary == {"new": 0, "changed": 0, "unchanged": 3, "errors": 0}
    again = confirm(again, owner)
    assert again.status == ImportJob.Status.APPLIED
    assert snapshot() == before


@pytest.mark.parametrize(
    ("kind", "rows", "model", "count"),
    [
        ("sla_targets", SLA, SLATarget, 3),
        ("clauses", CLAUSES, SecurityClause, 2),
        ("goals", GOALS, Goal, 1),
    ],
)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_each_kind_round_trips_and_a_second_import_is_unchanged(
    vendor, owner, kind, rows, model, count, file_format
):
    job = confirm(run(owner, kind, rows, file_format), owner)

    assert job.status == ImportJob.Status.APPLIED, job.rows
    assert model.objects.filter(vendor=vendor).count() == count
    before = snapshot()
    again = run(owner, kind, rows, file_format)
    assert again.summary == {"new": 0, "changed": 0, "unchanged": count, "errors": 0}
    confirm(again, owner)
    assert snapshot() == before


def test_labels_of_choices_are_read_as_people_type_them(vendor, owner):
    confirm(run(owner, "sla_targets", SLA), owner)
    confirm(run(owner, "clauses", CLAUSES), owner)

    assert sorted(vendor.sla_targets.values_list("priority", flat=True)) == ["P1", "P2", "P4"]
    clause = vendor.clauses.get(clause_type="data_protection")
    assert clause.status == "agreed"
    assert vendor.clauses.get(clause_type="breach_notification").notification_hours == 24


def test_a_changed_row_shows_each_changed_field_old_and_new(owner):
    confirm(run(owner, "vendors", VENDORS), owner)
    changed = [row[:] for row in VENDORS]
    changed[1][2] = "Critical"
    changed[1][11] = "anna.k@northwind.example"

    job = run(owner, "vendors", changed)

    row = job.rows[0]
    assert row["action"] == "changed"
    assert row["changes"] == {
        "tier": ["high", "critical"],
        "contact_email": ["anna@northwind.example", "anna.k@northwind.example"],
    }
    confirm(job, owner)
    northwind = Vendor.objects.get(name="Northwind Networks")
    assert northwind.tier == "critical"
    assert northwind.contacts.get().email == "anna.k@northwind.example"


def test_vendors_match_by_name_ignoring_case_and_keep_their_primary_contact(owner):
    existing = VendorFactory(name="NORTHWIND NETWORKS", owner=owner, tier="low")
    ContactFactory(vendor=existing, name="Old Primary", is_primary=True)

    job = confirm(run(owner, "vendors", VENDORS[:2]), owner)

    assert job.summary["changed"] == 1
    assert Vendor.objects.count() == 1
    existing.refresh_from_db()
    assert existing.name == "Northwind Networks"
    primary = existing.contacts.get(is_primary=True)
    assert (primary.name, primary.email) == ("Anna Kowalska", "anna@northwind.example")


def test_a_file_with_errors_writes_nothing_and_reports_every_bad_row_and_column(owner):
    rows = [
        VENDORS[0],
        VENDORS[1],
        ["", "hosting", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["Bad Tier", "", "Gold", "", "", "", "", "", "", "", "", "", "", ""],
        ["Bad Dates", "", "", "", "", "2027-01-01", "2026-01-01", "", "", "", "", "", "", ""],
        [
            "Bad Money",
            "teleportation",
            "",
            "",
            "pl",
            "",
            "",
            "-5",
            "",
            "",
            "",
            "not-an-email",
            "",
            "",
        ],
        ["Northwind networks", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ]

    job = run(owner, "vendors", rows)

    assert job.status == ImportJob.Status.INVALID
    assert job.summary == {"new": 1, "changed": 0, "unchanged": 0, "errors": 5}
    errors = {row["row"]: row["errors"] for row in job.rows if row["action"] == "error"}
    assert set(errors) == {3, 4, 5, 6, 7}
    assert set(errors[3]) == {"name"}
    assert "Gold" in errors[4]["tier"][0]
    assert errors[5] == {"contract_end": ["The contract cannot end before it starts."]}
    # Every cell wrong in the row; the contact has an address but no name.
    assert set(errors[6]) == {
        "services",
        "country",
        "annual_value",
        "contact_email",
        "contact_name",
    }
    assert errors[7] == {"name": ["Row 2 of the file already has this."]}
    with pytest.raises(ValidationError):
        confirm(job, owner)
    assert Vendor.objects.count() == 0


def test_confirming_validates_again_and_applies_nothing_if_a_row_became_invalid(owner, vendor):
    job = run(owner, "sla_targets", SLA)
    # Meanwhile the vendor is handed to someone else: the owner may no longer change it.
    vendor.owner = UserFactory(username="successor")
    vendor.save()

    job = confirm(job, owner)

    assert job.status == ImportJob.Status.INVALID
    assert job.summary["errors"] == 3
    assert not SLATarget.objects.exists()


def test_a_manager_cannot_change_another_managers_vendor_by_import(owner, member):
    VendorFactory(name="Acme Hosting", owner=member)

    job = run(owner, "sla_targets", SLA)

    assert job.status == ImportJob.Status.INVALID
    assert all("may not change" in row["errors"]["vendor"][0] for row in job.rows)


def test_an_unknown_vendor_and_a_wrong_type_are_errors_of_their_cells(owner, vendor):
    rows = [
        SLA[0],
        ["Nobody Ltd", "P1", "15", "240"],
        ["Acme Hosting", "P9", "15", "240"],
        ["Acme Hosting", "P3", "soon", "240"],
        ["Acme Hosting", "P4", "500", "100"],
    ]

    job = run(owner, "sla_targets", rows)

    errors = {row["row"]: row["errors"] for row in job.rows}
    assert "Nobody Ltd" in errors[2]["vendor"][0]
    assert "P9" in errors[3]["priority"][0]
    assert set(errors[4]) == {"response_minutes"}
    assert errors[5] == {"resolution_minutes": ["Resolution cannot be due before the response."]}


def test_a_clause_breaks_the_same_rule_as_at_every_other_door(owner, vendor):
    rows = [CLAUSES[0], ["Acme Hosting", "soc2", "agreed", "", "24", ""]]

    job = run(owner, "clauses", rows)

    assert job.rows[0]["errors"] == {
        "notification_hours": ["Only a breach-notification clause states this."]
    }


def test_formula_cells_are_refused_cell_by_cell(owner, vendor):
    rows = [SLA[0], ["Acme Hosting", "P1", "=1+1", "240"], ['=HYPERLINK("x")', "P2", "1", "2"]]

    job = run(owner, "sla_targets", rows, "xlsx")

    errors = {row["row"]: row["errors"] for row in job.rows}
    assert errors[2] == {"response_minutes": ["Formulas are not accepted: type the value itself."]}
    assert "Formulas" in errors[3]["vendor"][0]


def test_control_characters_are_cleaned_from_single_line_cells(owner):
    rows = [["name", "notes"], ["Tab\tVendor\x07", "line one\r\nline two\x1b"]]

    confirm(run(owner, "vendors", rows), owner)

    vendor = Vendor.objects.get()
    assert vendor.name == "Tab Vendor"
    assert vendor.notes == "line one\nline two"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AUDITOR, Role.VENDOR_REP])
def test_only_administrators_and_managers_may_import(role, vendor):
    user = UserFactory(username=f"who-{role}")
    UserProfile.objects.filter(user=user).update(
        role=role, vendor=vendor if role == Role.VENDOR_REP else None
    )
    user.refresh_from_db()

    with pytest.raises(ValidationError):
        run(user, "vendors", VENDORS)
    assert not ImportJob.objects.exists()


def test_only_the_uploader_may_confirm(owner, member):
    job = run(owner, "vendors", VENDORS)

    with pytest.raises(ValidationError):
        confirm(job, member)
    assert ImportJob.objects.get().status == ImportJob.Status.PREVIEWED


def test_a_job_is_confirmed_once(owner):
    job = confirm(run(owner, "vendors", VENDORS), owner)

    with pytest.raises(ValidationError, match="cannot be confirmed"):
        confirm(job, owner)
    assert Vendor.objects.count() == 3


def test_a_large_file_is_checked_and_applied_by_the_worker_with_progress(
    owner, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(imports, "INLINE_ROWS", 1)
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 1)
    with django_capture_on_commit_callbacks(execute=True):
        job = run(owner, "vendors", VENDORS)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    assert (job.done_rows, job.total_rows) == (3, 3)

    with django_capture_on_commit_callbacks(execute=True):
        imports.import_confirm(job, user=owner)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED
    assert Vendor.objects.count() == 3


def test_without_dry_run_a_clean_file_is_applied_at_once(owner):
    name, content = as_file(VENDORS, "csv")

    job = imports.import_create(
        user=owner, kind="vendors", file_name=name, content=content, dry_run=False
    )

    assert job.status == ImportJob.Status.APPLIED
    assert Vendor.objects.count() == 3


def test_templates_import_as_they_are(owner):
    for kind in imports.SPECS:
        for file_format in ("csv", "xlsx"):
            header, _rows = imports.read_sheet(
                kind, f"t.{file_format}", imports.template_file(kind, file_format)
            )
            assert header == list(imports.SPECS[kind].columns)
    job = imports.import_create(
        user=owner,
        kind="vendors",
        file_name="t.xlsx",
        content=imports.template_file("vendors", "xlsx"),
    )
    assert job.summary == {"new": 2, "changed": 0, "unchanged": 0, "errors": 0}, job.rows
    confirm(job, owner)
    for kind in ("sla_targets", "clauses", "goals"):
        job = imports.import_create(
            user=owner, kind=kind, file_name="t.csv", content=imports.template_file(kind, "csv")
        )
        assert job.summary["errors"] == 0, job.rows
