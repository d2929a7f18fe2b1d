"""A file is read once, at upload: the dry run and the confirmation use the rows then kept
(as JSON on the job), never the workbook again; an upload is never taken for kept rows."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from governance.infra import spreadsheets
from governance.models import ImportJob, Vendor
from governance.services import imports
from tests.imports.helpers import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

REGISTER = [
    ["name", "tier", "status", "contract_start", "contract_end", "renewal_notice_days"],
    ["Northwind", "High", "Active", dt.date(2025, 1, 1), dt.datetime(2027, 12, 31), 90],
    ["Contoso", "low", "onboarding", "2025-02-01", "", 30.0],
]


@pytest.fixture
def reads(monkeypatch):
    """The files ``spreadsheets.read`` parses, counted."""
    counted = []
    original = spreadsheets.read

    def counting(name, data, **kwargs):
        counted.append(name)
        return original(name, data, **kwargs)

    monkeypatch.setattr(spreadsheets, "read", counting)
    return counted


def test_an_xlsx_is_parsed_once_for_upload_dry_run_and_confirmation(owner, reads):
    job = imports.import_create(
        user=owner, kind="vendors", file_name="register.xlsx", content=xlsx_bytes(REGISTER)
    )
    assert job.status == "previewed"
    job = imports.import_confirm(job, user=owner)

    assert job.status == "applied"
    assert reads == ["register.xlsx"]
    northwind = Vendor.objects.get(name="Northwind")
    assert (northwind.contract_start, northwind.contract_end) == (
        dt.date(2025, 1, 1),
        dt.date(2027, 12, 31),
    )
    assert Vendor.objects.get(name="Contoso").renewal_notice_days == 30


def test_kept_rows_read_back_equal_with_dates_numbers_and_formulas():
    sheet = spreadsheets.Sheet(
        header=["a", "b", "c", "d", "e", "f", "g"],
        rows=[
            (2, ["text", 3, 2.5, True, dt.date(2025, 1, 2), dt.datetime(2025, 1, 2, 3, 4), None]),
            (4, [spreadsheets.FORMULA, "", "=x", 0, -1.0, False, "z\u00f3\u0142"]),
        ],
    )
    kept = spreadsheets.keep(sheet)

    assert spreadsheets.is_kept(kept)
    back = spreadsheets.unkeep(kept)
    assert back.header == sheet.header
    assert back.rows[0] == sheet.rows[0]
    assert [type(cell) for cell in back.rows[0][1]] == [type(c) for c in sheet.rows[0][1]]
    assert back.rows[1][1][0] is spreadsheets.FORMULA
    assert back.rows[1][1][1:] == sheet.rows[1][1][1:]


def test_an_upload_shaped_like_kept_rows_is_read_as_a_file_and_refused(owner):
    forged = spreadsheets.keep(
        spreadsheets.Sheet(header=["name", "notes"], rows=[(2, ["Forged", "x" * 30_000])])
    )
    for name in ("forged.csv", "forged.xlsx"):
        with pytest.raises(ValidationError) as caught:
            imports.import_create(user=owner, kind="vendors", file_name=name, content=forged)
        assert caught.value.message_dict["file"]
    assert not ImportJob.objects.exists()
    assert not Vendor.objects.exists()


def test_a_job_stored_with_its_file_is_read_at_its_check_and_kept_for_confirmation(owner, reads):
    content = csv_bytes([["name", "tier"], ["Northwind", "High"]])
    job = ImportJob.objects.create(
        kind="vendors", file_name="register.csv", content=content, created_by=owner, total_rows=1
    )
    imports.import_check(job.pk)
    job.refresh_from_db()
    assert job.status == "previewed"
    assert spreadsheets.is_kept(bytes(job.content))

    imports.import_confirm(job, user=owner)

    assert reads == ["register.csv"]
    assert Vendor.objects.get().tier == "high"


def test_values_validated_once_still_refuse_each_bad_row_and_equal_decimals_of_more_places(
    owner,
):
    rows = [
        ["name", "annual_value", "time_zone"],
        ["A", "1000.00", "Europe/Warsaw"],
        ["B", "1000.000", "Europe/Warsaw"],
        ["C", "1000.00", "Mars/Olympus"],
        ["D", "1000.00", "Mars/Olympus"],
    ]
    job = imports.import_create(
        user=owner, kind="vendors", file_name="r.csv", content=csv_bytes(rows)
    )

    assert job.status == "invalid"
    errors = {row["row"]: sorted(row["errors"]) for row in job.rows if row["errors"]}
    assert errors == {3: ["annual_value"], 4: ["time_zone"], 5: ["time_zone"]}
