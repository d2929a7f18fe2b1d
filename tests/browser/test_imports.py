"""A vendor register imported from a spreadsheet in a real browser: upload, preview, confirm,
and the vendors in the list."""

import pytest

from governance.models import Vendor
from tests.imports.helpers import xlsx_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),  # one Chromium per run
    pytest.mark.django_db(transaction=True),
]

REGISTER = [
    ["name", "services", "tier", "status", "contact_name", "contact_email"],
    [
        "Northwind Networks",
        "Network management;Security",
        "High",
        "Active",
        "Anna",
        "anna@nw.example",
    ],
    ["Contoso Hosting", "Hosting", "Critical", "Onboarding", "Jonas", "jonas@contoso.example"],
    ["Fabrikam Support", "Technical support", "Low", "Active", "", ""],
]


def test_an_xlsx_register_is_previewed_confirmed_and_listed(signed_in, tmp_path, screenshot):
    page = signed_in
    register = tmp_path / "register.xlsx"
    register.write_bytes(xlsx_bytes(REGISTER))

    page.goto("/vendors/")
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_role("heading", name="Import spreadsheets").wait_for()
    page.get_by_label("What the file holds").select_option("vendors")
    page.get_by_label("Spreadsheet").set_input_files(str(register))
    page.get_by_role("button", name="Check the file").click()

    page.get_by_role("heading", name="Vendors (with contacts) from register.xlsx").wait_for()
    assert page.locator('[data-summary="new"]').inner_text() == "3"
    assert page.locator('[data-summary="errors"]').inner_text() == "0"
    rows = page.locator("#import-rows tbody tr")
    assert rows.count() == 3
    assert "Northwind Networks" in rows.nth(0).inner_text()
    assert Vendor.objects.count() == 0
    screenshot(page, "preview")

    page.get_by_role("button", name="Confirm and import 3 rows").click()
    page.get_by_text("Imported: every row is saved.").wait_for()
    assert Vendor.objects.count() == 3

    page.goto("/vendors/")
    for name in ("Northwind Networks", "Contoso Hosting", "Fabrikam Support"):
        page.get_by_role("link", name=name).first.wait_for()
    screenshot(page, "vendor-list")
