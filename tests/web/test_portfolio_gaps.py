"""The clause-gap matrix (issue 17): vendors x the clause types their tier requires, each
cell in force / expiring this quarter / expired / missing, with the totals per type."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from governance.models import RequiredClause, SecurityClause
from governance.selectors.portfolio import Cell, quarter_end
from tests import world as the_world
from tests.api.conftest import client_for
from tests.factories import ClauseFactory, VendorFactory

pytestmark = pytest.mark.django_db
_frozen_time = the_world._frozen_time
_fresh_throttle_counts = the_world._fresh_throttle_counts

TODAY = the_world.NOW.date()  # 10 March 2026: the quarter ends on 31 March


@pytest.fixture
def world(owner, member, vendor):
    built = the_world.build(owner, member, vendor)
    # Both vendors are of the high tier and have a confidentiality clause (agreed, open-ended).
    ClauseFactory(vendor=vendor, clause_type="iso27001", expires_on=dt.date(2026, 3, 25))
    ClauseFactory(vendor=vendor, clause_type="data_protection", expires_on=dt.date(2026, 2, 1))
    ClauseFactory(vendor=vendor, clause_type="encryption", expires_on=dt.date(2026, 9, 30))
    ClauseFactory(
        vendor=built.other.vendor,
        clause_type="data_protection",
        status=SecurityClause.Status.NEGOTIATING,
    )
    return built


def signed_in(client, world, name):
    client.force_login(world.people[name])
    return client


def matrix(response):
    """``{vendor name: {clause type: cell}}`` of the page."""
    assert response.status_code == 200
    kinds = [column.clause_type for column in response.context["columns"]]
    return {
        vendor.name: dict(zip(kinds, cells, strict=True))
        for vendor, cells in response.context["rows"]
    }


def columns(response):
    return {column.clause_type: column for column in response.context["columns"]}


def test_quarters_end_where_the_calendar_says():
    assert quarter_end(dt.date(2026, 3, 10)) == dt.date(2026, 3, 31)
    assert quarter_end(dt.date(2026, 4, 1)) == dt.date(2026, 6, 30)
    assert quarter_end(dt.date(2026, 9, 30)) == dt.date(2026, 9, 30)
    assert quarter_end(dt.date(2026, 11, 2)) == dt.date(2026, 12, 31)


def test_each_cell_says_in_force_expiring_expired_or_missing(world, client):
    rows = matrix(signed_in(client, world, "viewer").get("/clauses/gaps/"))

    own, other = rows["Acme Hosting"], rows["Other Networks"]
    assert own["confidentiality"].state == Cell.IN_FORCE
    assert own["encryption"].state == Cell.IN_FORCE  # expires after this quarter
    assert own["iso27001"].state == Cell.EXPIRING
    assert own["iso27001"].detail == dt.date(2026, 3, 25)
    assert own["data_protection"].state == Cell.EXPIRED
    assert own["right_to_audit"].state == Cell.MISSING
    assert other["data_protection"].state == Cell.MISSING
    assert other["data_protection"].detail == "Negotiating"
    # Not required of the high tier: no verdict.
    assert own["background_checks"].state == Cell.NOT_REQUIRED
    assert "Former Partner" not in rows  # an ended relationship requires nothing any more


def test_the_totals_count_the_vendors_lacking_each_type(world, client):
    response = signed_in(client, world, "viewer").get("/clauses/gaps/")

    totals = columns(response)
    assert totals["confidentiality"].lacking == 0
    assert totals["iso27001"].lacking == 1 and totals["iso27001"].expiring == 1
    assert totals["data_protection"].lacking == 2 and totals["data_protection"].expired == 1
    assert totals["right_to_audit"].lacking == 2
    page = response.content.decode()
    assert "<strong>1</strong> vendor lacks ISO 27001 certification" in page
    assert "<strong>2</strong> vendors lack Data protection agreement" in page
    assert "25 Mar 2026" in page


def test_the_totals_follow_the_required_clause_rows(world, client):
    RequiredClause.objects.filter(tier="high", clause_type="iso27001").delete()

    totals = columns(signed_in(client, world, "viewer").get("/clauses/gaps/"))

    # Only the critical tier requires it now, and neither vendor is critical.
    assert totals["iso27001"].lacking == 0


def test_only_vendors_with_gaps_and_the_tier_and_name_filters(world, client):
    covered = VendorFactory(name="Covered Ltd", tier="low", owner=world.people["third"])
    for kind in ("confidentiality", "data_protection"):
        ClauseFactory(vendor=covered, clause_type=kind)
    client = signed_in(client, world, "viewer")

    everyone = matrix(client.get("/clauses/gaps/"))
    gaps = matrix(client.get("/clauses/gaps/?gaps=on"))
    low = matrix(client.get("/clauses/gaps/?tier=low"))
    by_name = matrix(client.get("/clauses/gaps/?vendor_name=acme"))

    assert set(everyone) == {"Acme Hosting", "Other Networks", "Covered Ltd"}
    assert set(gaps) == {"Acme Hosting", "Other Networks"}
    assert set(low) == {"Covered Ltd"}
    assert set(by_name) == {"Acme Hosting"}
    assert client.get("/clauses/gaps/?gaps=on").context["count"] == 2


def test_the_matrix_csv_has_a_column_per_type_with_dates(world, client):
    response = signed_in(client, world, "viewer").get("/clauses/gaps/?export=csv")

    content = response.streaming_content if response.streaming else [response.content]
    lines = b"".join(content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Vendor,Tier,Owner,Required types in force,Required types,")
    assert "ISO 27001 certification" in lines[0]
    own = next(line for line in lines if line.startswith("Acme Hosting,"))
    assert own.startswith("Acme Hosting,High,owner,3,9,")
    assert "Expiring (2026-03-25)" in own and "Expired (2026-02-01)" in own
    other = next(line for line in lines if line.startswith("Other Networks,"))
    assert "Missing (Negotiating)" in other


def test_the_matrix_pages_its_vendors(world, client):
    for n in range(30):
        VendorFactory(name=f"Bulk {n:02d}", tier="medium", owner=world.people["third"])
    client = signed_in(client, world, "viewer")

    first = client.get("/clauses/gaps/")
    last = client.get("/clauses/gaps/?page=2")

    assert first.context["count"] == 32
    assert len(matrix(first)) == 25 and len(matrix(last)) == 7


def test_the_totals_count_only_the_vendors_in_the_scope_and_filters(world, client):
    client = signed_in(client, world, "owner")

    mine = columns(client.get("/clauses/gaps/?scope=mine"))
    named = columns(client.get("/clauses/gaps/?scope=all&vendor_name=other&gaps=on"))
    low = columns(client.get("/clauses/gaps/?scope=all&tier=low"))

    assert mine["right_to_audit"].lacking == 1  # Acme Hosting only
    assert mine["data_protection"].lacking == 1 and mine["data_protection"].expired == 1
    assert named["iso27001"].lacking == 1 and named["iso27001"].expiring == 0
    assert named["data_protection"].expired == 0  # the expired one is Acme Hosting's
    assert all(column.lacking == 0 for column in low.values())


def test_the_kept_totals_follow_what_the_api_and_the_web_change(world, client):
    """The whole portfolio's totals are kept between requests; a clause added through the
    API and a vendor ended through the web each show on the next request."""
    viewer = signed_in(client, world, "viewer")
    assert columns(viewer.get("/clauses/gaps/"))["right_to_audit"].lacking == 2
    assert columns(viewer.get("/clauses/gaps/"))["right_to_audit"].lacking == 2  # kept

    added = client_for(world.people["owner"]).post(
        "/api/v1/clauses/",
        {
            "vendor": world.own.vendor.pk,
            "clause_type": "right_to_audit",
            "requirement": "Audit on 30 days' notice.",
            "status": "agreed",
        },
        format="json",
    )
    assert added.status_code == 201, added.content
    assert columns(viewer.get("/clauses/gaps/"))["right_to_audit"].lacking == 1

    admin = Client()
    admin.force_login(world.people["admin"])
    other = world.other.vendor
    form = admin.get(reverse("governance:vendor-edit", args=[other.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(status="ended", services=other.services, managers=[])
    ended = admin.post(reverse("governance:vendor-edit", args=[other.pk]), data)
    assert ended.status_code == 302, ended.context["form"].errors
    # An ended relationship requires nothing: only the first vendor is counted now.
    assert columns(viewer.get("/clauses/gaps/"))["right_to_audit"].lacking == 0
