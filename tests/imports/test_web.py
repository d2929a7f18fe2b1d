"""The import pages: upload, preview, confirm, progress, templates, who may use them."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from governance.models import ImportJob, Role, UserProfile, Vendor
from governance.services import imports
from tests.factories import UserFactory
from tests.imports.helpers import csv_bytes, xlsx_bytes
from tests.imports.test_service import VENDORS

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(owner):
    client = Client()
    client.force_login(owner)
    return client


def upload(browser, rows, *, kind="vendors", name="register.xlsx"):
    content = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows)
    return browser.post("/imports/", {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_the_page_shows_what_is_accepted_before_anything_is_uploaded(browser):
    page = browser.get("/imports/").content.decode()

    assert ".csv" in page and ".xlsx" in page
    assert "20 MB" in page
    assert 'accept=".csv,.xlsx"' in page
    assert "/imports/templates/vendors.xlsx" in page
    assert "/imports/templates/clauses.csv" in page


def test_the_vendor_list_links_to_the_import(browser):
    assert 'href="/imports/"' in browser.get("/vendors/").content.decode()


def test_upload_preview_confirm_and_the_vendors_are_there(browser, owner):
    response = upload(browser, VENDORS)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{job.pk}/"
    page = browser.get(response["Location"]).content.decode()
    assert "Confirm and import 3 rows" in page
    assert "Northwind Networks" in page
    assert Vendor.objects.count() == 0

    confirmed = browser.post(f"/imports/{job.pk}/confirm/", follow=True)

    assert "Imported: every row is saved." in confirmed.content.decode()
    assert Vendor.objects.count() == 3
    assert "Northwind Networks" in browser.get("/vendors/").content.decode()


def test_errors_are_shown_by_row_and_column_and_there_is_no_confirm_button(browser):
    rows = [["name", "tier"], ["Good Ltd", "High"], ["Bad Ltd", "Gold"]]
    upload(browser, rows, name="register.csv")
    job = ImportJob.objects.get()

    page = browser.get(f"/imports/{job.pk}/?show=errors").content.decode()

    assert job.status == ImportJob.Status.INVALID
    assert "Confirm and import" not in page
    assert "<strong>tier</strong>" in page
    assert 'data-action="error"' in page and 'data-action="new"' not in page
    assert browser.post(f"/imports/{job.pk}/confirm/").status_code == 302
    assert Vendor.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("register.xlsx", b"not a workbook at all", "not an XLSX workbook"),
        ("register.csv", "name\nCaf\u00e9\n".encode("latin-1"), "not UTF-8"),
        ("register.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file"),
    ],
)
def test_a_bad_file_is_a_form_error_not_a_crash(browser, name, content, message):
    response = browser.post(
        "/imports/", {"kind": "vendors", "file": SimpleUploadedFile(name, content)}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_bad_kind_or_no_file_is_a_form_error(browser):
    response = browser.post("/imports/", {"kind": "payroll"})

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"kind", "file"}


@pytest.mark.parametrize("kind", list(imports.SPECS))
def test_templates_download_with_their_header_and_examples(browser, kind):
    xlsx = browser.get(f"/imports/templates/{kind}.xlsx")
    csv = browser.get(f"/imports/templates/{kind}.csv")

    assert xlsx["Content-Disposition"] == f'attachment; filename="import-{kind}.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)
    assert list(rows[0]) == list(imports.SPECS[kind].columns)
    assert len(rows) >= 2
    assert csv.content.decode("utf-8-sig").splitlines()[0] == ",".join(imports.SPECS[kind].columns)
    assert browser.get(f"/imports/templates/{kind}.ods").status_code == 404


def test_a_running_import_shows_its_progress_and_reloads_when_done(browser, owner):
    job = ImportJob.objects.create(
        kind="vendors",
        file_name="big.xlsx",
        content=b"",
        created_by=owner,
        status=ImportJob.Status.CHECKING,
        total_rows=10_000,
        done_rows=2_500,
    )

    page = browser.get(f"/imports/{job.pk}/").content.decode()
    assert "2500 of 10000 rows" in page
    assert f'hx-get="/imports/{job.pk}/progress/"' in page
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.INVALID)
    done = browser.get(f"/imports/{job.pk}/progress/")
    assert done["HX-Refresh"] == "true"


def test_someone_elses_import_is_not_found(browser, member):
    job = ImportJob.objects.create(kind="vendors", file_name="x.csv", created_by=member)

    assert browser.get(f"/imports/{job.pk}/").status_code == 404
    assert browser.post(f"/imports/{job.pk}/confirm/").status_code == 404


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AUDITOR, Role.VENDOR_REP])
def test_only_administrators_and_managers_reach_the_import(role, vendor):
    user = UserFactory(username=f"who-{role}")
    UserProfile.objects.filter(user=user).update(
        role=role, vendor=vendor if role == Role.VENDOR_REP else None
    )
    client = Client()
    client.force_login(user)

    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/templates/vendors.csv").status_code == 403
    assert upload(client, VENDORS).status_code == 403
    assert not ImportJob.objects.exists()


def test_signed_out_visitors_are_sent_to_log_in(client):
    assert client.get("/imports/")["Location"].startswith("/accounts/login/")


def test_the_pages_cost_the_same_queries_with_many_imports_and_rows(
    browser, owner, django_assert_max_num_queries
):
    def jobs(count, rows):
        ImportJob.objects.bulk_create(
            ImportJob(
                kind="vendors",
                file_name=f"f{n}.csv",
                created_by=owner,
                status=ImportJob.Status.PREVIEWED,
                total_rows=rows,
                summary={"new": rows, "changed": 0, "unchanged": 0, "errors": 0},
                rows=[
                    {"row": r + 2, "action": "new", "key": f"V{r}", "changes": {}, "errors": {}}
                    for r in range(rows)
                ],
            )
            for n in range(count)
        )
        return ImportJob.objects.order_by("-pk").first()

    small = jobs(2, 10)
    with django_assert_max_num_queries(16) as few:
        assert browser.get("/imports/").status_code == 200
        assert browser.get(f"/imports/{small.pk}/").status_code == 200
    large = jobs(60, 1000)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert browser.get("/imports/").status_code == 200
        assert browser.get(f"/imports/{large.pk}/").status_code == 200
