"""Hostile and broken files: each refused with a message saying what is wrong, nothing stored."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from governance.infra import spreadsheets
from governance.models import ImportJob
from governance.services import imports
from tests.imports.helpers import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def refusal(owner, name, content, kind="vendors"):
    """The message on ``file`` with which the import of ``content`` is refused."""
    with pytest.raises(ValidationError) as caught:
        imports.import_create(user=owner, kind=kind, file_name=name, content=content)
    assert not ImportJob.objects.exists()
    return " ".join(caught.value.message_dict["file"])


def zip_bomb():
    """A valid-looking workbook whose sheet unpacks from a few hundred KB to 300 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b" " * (1024 * 1024)
            for _ in range(300):
                sheet.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_its_directory_before_it_is_unpacked(owner):
    bomb = zip_bomb()
    assert len(bomb) < 1024 * 1024

    assert "zip bomb" in refusal(owner, "register.xlsx", bomb)


def test_a_workbook_unpacking_past_the_limit_is_refused(owner, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UNCOMPRESSED_BYTES", 1000)
    content = xlsx_bytes([["name"], ["A" * 5000]])

    assert "zip bomb" in refusal(owner, "register.xlsx", content)


def test_a_file_over_the_size_limit_is_refused(owner, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_MAX_BYTES", 1024 * 1024)

    assert "larger than 1 MB" in refusal(owner, "register.csv", b"name\n" + b"x\n" * 600_000)


def test_a_sheet_with_too_many_rows_is_refused(owner):
    content = b"name\n" + b"".join(b"Vendor %d\n" % n for n in range(50_001))

    assert "more than 50,000 rows" in refusal(owner, "register.csv", content)


def test_a_sheet_padded_to_a_million_rows_is_refused_without_walking_them(owner):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["name"])
    sheet.cell(row=1_048_576, column=1, value="last")
    out = io.BytesIO()
    workbook.save(out)

    assert "more than 50,000 rows" in refusal(owner, "register.xlsx", out.getvalue())


def test_a_sheet_with_too_many_columns_is_refused(owner):
    header = [f"column{n}" for n in range(51)]

    assert "more than 50 columns" in refusal(owner, "register.xlsx", xlsx_bytes([header, header]))
    assert "more than 50 columns" in refusal(owner, "register.csv", csv_bytes([header, header]))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("register.xlsx", b"\x00\x01garbage" * 100, "not an XLSX workbook"),
        ("register.csv", b"\x89PNG\r\n\x1a\n\x00\x00binary", "binary data"),
        ("register.csv", "name\nCaf\u00e9\n".encode("latin-1"), "not UTF-8"),
        ("register.csv", "name\nCaf\u00e9\n".encode("utf-16"), "binary data"),
        ("register.txt", b"name\nAcme\n", "Upload a .csv or .xlsx file"),
        ("register.csv", b"", "empty"),
        ("register.csv", b"name\n", "no rows"),
        ("register.csv", b"\n\n\n", "no header row"),
        ("register.csv", b"name,colour\nAcme,red\n", "Unknown column(s): colour"),
        ("register.csv", b"tier\nhigh\n", "Missing column(s): name"),
        ("register.csv", b"name,name\nA,B\n", "given twice: name"),
        ("register.csv", b"=cmd(),name\nA,B\n", "header row holds a formula"),
    ],
)
def test_unreadable_files_get_a_clear_message(owner, name, content, message):
    assert message in refusal(owner, name, content)


def test_a_zip_that_is_not_a_workbook_or_is_damaged_is_refused(owner):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "not an XLSX workbook" in refusal(owner, "register.xlsx", out.getvalue())

    damaged = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["name"], ["A"]])))
    with source, zipfile.ZipFile(damaged, "w") as archive:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            archive.writestr(item, data)
    assert "damaged" in refusal(owner, "register.xlsx", damaged.getvalue())


def test_a_utf8_csv_with_a_bom_and_semicolons_is_read(owner):
    content = csv_bytes([["name", "services"], ["Caf\u00e9 Ops", "hosting;security"]], bom=True)
    semicolons = csv_bytes([["name", "tier"], ["Semi Ltd", "High"]], delimiter=";")

    job = imports.import_create(user=owner, kind="vendors", file_name="a.csv", content=content)
    other = imports.import_create(user=owner, kind="vendors", file_name="b.csv", content=semicolons)

    assert job.rows[0]["key"] == "Caf\u00e9 Ops"
    assert job.status == other.status == ImportJob.Status.PREVIEWED


def test_wrong_types_in_cells_are_row_errors_not_crashes(owner, vendor):
    rows = [
        ["vendor", "title", "metric", "target_value", "baseline", "start_date", "due_date"],
        ["Acme Hosting", "Goal A", "M", "lots", "1e400", "yesterday", "2026-02-30"],
        ["Acme Hosting", "Goal B", "M", True, "", "2026-01-01", "2026-12-31"],
        ["Acme Hosting", "Goal C", "M", "5", "", "2099-01-01", "2026-12-31"],
        ["Acme Hosting", "Goal D", "M", "5", "", "1800-01-01", "3000-01-01"],
    ]

    job = imports.import_create(
        user=owner, kind="goals", file_name="g.xlsx", content=xlsx_bytes(rows)
    )

    errors = {row["row"]: row["errors"] for row in job.rows}
    assert set(errors[2]) == {"target_value", "baseline", "start_date", "due_date"}
    assert set(errors[3]) == {"target_value"}
    assert set(errors[4]) == {"due_date"}
    assert set(errors[5]) == {"start_date", "due_date"}
