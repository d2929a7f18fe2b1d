"""The import API: POST imports/ (multipart), GET the list and one import, POST confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.models import ImportJob, Role, UserProfile, Vendor
from tests.api.conftest import client_for
from tests.factories import UserFactory
from tests.imports.helpers import csv_bytes, xlsx_bytes
from tests.imports.test_files import zip_bomb
from tests.imports.test_service import SLA, VENDORS

pytestmark = pytest.mark.django_db


def post(api, rows=VENDORS, *, name="register.xlsx", kind="vendors", content=None, **extra):
    if content is None:
        content = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows)
    return api.post(
        "/api/v1/imports/",
        {"kind": kind, "file": SimpleUploadedFile(name, content), **extra},
        format="multipart",
    )


def test_a_dry_run_returns_the_preview_and_confirm_applies_it(api):
    response = post(api)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "previewed"
    assert body["summary"] == {"new": 3, "changed": 0, "unchanged": 0, "errors": 0}
    assert body["rows"][0] == {
        "row": 2,
        "action": "new",
        "key": "Northwind Networks",
        "changes": {},
        "errors": {},
    }
    assert Vendor.objects.count() == 0

    confirmed = api.post(f"/api/v1/imports/{body['id']}/confirm/")

    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "applied"
    assert Vendor.objects.count() == 3
    again = api.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert again.status_code == 400


def test_dry_run_false_applies_a_clean_file_at_once_and_twice_changes_nothing(api):
    first = post(api, name="register.csv", dry_run="false")
    second = post(api, name="register.csv", dry_run="false")

    assert first.json()["status"] == second.json()["status"] == "applied"
    assert second.json()["summary"] == {"new": 0, "changed": 0, "unchanged": 3, "errors": 0}
    assert Vendor.objects.count() == 3


def test_every_bad_row_is_reported_with_its_column(api, vendor):
    rows = [SLA[0], ["Acme Hosting", "P1", "x", "240"], ["Nobody", "P2", "1", "2"]]

    body = post(api, rows, kind="sla_targets").json()

    assert body["status"] == "invalid"
    assert [(r["row"], set(r["errors"])) for r in body["rows"]] == [
        (2, {"response_minutes"}),
        (3, {"vendor"}),
    ]
    assert api.post(f"/api/v1/imports/{body['id']}/confirm/").status_code == 400


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "payroll"}, "kind"),
        ({"name": "register.csv", "content": b"\x00\x01\x02"}, "file"),
        ({"name": "register.xlsx", "content": b"PK\x03\x04broken"}, "file"),
        ({"name": "register.xlsx", "content": None}, None),
        ({"name": "register.csv", "content": b"colour\nred\n"}, "file"),
        ({"name": "register.exe", "content": b"MZ"}, "file"),
    ],
)
def test_bad_kinds_and_hostile_files_are_400_with_the_field(api, data, field):
    if data.get("content", 1) is None:
        data = {"name": "register.xlsx", "content": zip_bomb()}
        field = "file"
    response = post(api, **data)

    assert response.status_code == 400
    assert field in response.json()
    assert not ImportJob.objects.exists()


def test_json_or_a_missing_file_is_refused_cleanly(api):
    assert api.post("/api/v1/imports/", {"kind": "vendors"}, format="json").status_code == 415
    missing = api.post("/api/v1/imports/", {"kind": "vendors"}, format="multipart")
    assert missing.status_code == 400
    assert "file" in missing.json()


def test_the_list_and_the_detail_show_only_your_imports(api, member):
    mine = post(api).json()["id"]
    theirs = post(client_for(member)).json()["id"]

    listed = api.get("/api/v1/imports/").json()

    assert [job["id"] for job in listed["results"]] == [mine]
    assert api.get(f"/api/v1/imports/{mine}/").json()["total_rows"] == 3
    assert api.get(f"/api/v1/imports/{theirs}/").status_code == 404
    assert api.post(f"/api/v1/imports/{theirs}/confirm/").status_code == 404


def test_a_large_file_is_accepted_for_the_worker(api, monkeypatch):
    from governance.services import imports

    monkeypatch.setattr(imports, "INLINE_ROWS", 1)

    response = post(api)

    assert response.status_code == 202
    assert response.json()["status"] == "pending"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AUDITOR, Role.VENDOR_REP])
def test_only_administrators_and_managers_may_import(role, vendor):
    user = UserFactory(username=f"who-{role}")
    UserProfile.objects.filter(user=user).update(
        role=role, vendor=vendor if role == Role.VENDOR_REP else None
    )
    api = client_for(user)

    assert post(api).status_code == 403
    assert api.get("/api/v1/imports/").status_code == 403
    assert not ImportJob.objects.exists()


def test_anonymous_callers_are_401(anonymous):
    assert anonymous.get("/api/v1/imports/").status_code == 401
