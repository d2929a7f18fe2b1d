"""CSV exports: every list downloads, and formula-looking cells are defused."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.web.csv_export import escape_cell
from tests.factories import ContactFactory, VendorFactory


def rows(response):
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tcmd", "'\tcmd"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        (None, ""),
        (Decimal("-12.50"), "-12.50"),
        (-3, "-3"),
        (True, "yes"),
        (dt.date(2026, 5, 1), "2026-05-01"),
    ],
)
def test_cells_are_escaped_only_when_they_would_be_read_as_formulas(value, cell):
    assert escape_cell(value) == cell


def test_datetimes_are_written_in_the_users_time_zone():
    moment = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)
    with timezone.override("Asia/Tokyo"):
        assert escape_cell(moment) == "2026-01-15T21:00+09:00"


@pytest.mark.django_db
def test_the_vendor_list_export_escapes_a_formula_in_a_name(owner_client, owner):
    VendorFactory(name="=cmd|' /C calc'!A0", owner=owner, notes="@risk")
    table = rows(owner_client.get(reverse("governance:vendor-list") + "?export=csv"))
    assert table[0][0] == "Name"
    assert table[1][0] == "'=cmd|' /C calc'!A0"


@pytest.mark.django_db
def test_the_vendor_list_export_writes_labels_people_read_not_stored_codes(owner_client, owner):
    owner.first_name, owner.last_name = "Priya", "Nair"
    owner.save()
    VendorFactory(
        name="Northwind",
        owner=owner,
        services=["network_management", "technical_support"],
        tier="low",
        status="active",
        review_cadence="quarterly",
    )
    header, row = rows(owner_client.get(reverse("governance:vendor-list") + "?export=csv"))
    cells = dict(zip(header, row, strict=True))
    assert cells["Services"] == "Network management, Technical support"
    assert (cells["Tier"], cells["Status"], cells["Owner"]) == ("Low", "Active", "Priya Nair")
    assert cells["Review cadence"] == "Quarterly"


@pytest.mark.django_db
def test_every_list_exports_csv_with_a_header_and_its_rows(owner_client, workspace):
    vendor = workspace["vendor"]
    ContactFactory(vendor=vendor, name="+48 attacker", role="-role")
    expected_rows = {
        "goal-list": 1,
        "review-list": 2,
        "meeting-list": 1,
        "incident-list": 1,
        "clause-list": 9,  # one row per clause type a high-tier vendor must have
        "contact-list": 2,
        "reminder-list": 1,
    }
    for name, count in expected_rows.items():
        url = reverse(f"governance:{name}", args=[vendor.pk])
        table = rows(owner_client.get(url, {"export": "csv"}))
        assert len(table) == count + 1, name
    contacts = rows(
        owner_client.get(reverse("governance:contact-list", args=[vendor.pk]), {"export": "csv"})
    )
    assert contacts[2][:2] == ["'+48 attacker", "'-role"]  # after the primary contact
    dashboard = rows(owner_client.get("/", {"export": "csv"}))
    assert dashboard[1][0] == vendor.name
