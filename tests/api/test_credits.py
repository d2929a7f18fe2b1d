"""The credit API: credit-policies/, credit-statements/ (+ compute/) and a vendor's
sla-compliance for a period, with the owner / member / outsider personas."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from governance import services
from governance.models import CreditPolicy, Role
from tests.api.conftest import client_for
from tests.factories import IncidentFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 10, 12, tzinfo=dt.UTC)
BANDS = [{"below_percent": 99, "credit_percent": 5}, {"below_percent": 90, "credit_percent": 10}]


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def make_policy(vendor, **fields):
    values = {"bands": BANDS, "per_breach": {"P1": 300}, "cap_percent": Decimal(20)}
    return services.credit_policy_save(CreditPolicy(vendor=vendor, **{**values, **fields}))


def breached(vendor, opened):
    return IncidentFactory(
        vendor=vendor,
        priority="P1",
        opened_at=opened,
        resolution_due_at=opened + dt.timedelta(hours=4),
        resolved_at=opened + dt.timedelta(hours=8),
    )


def met(vendor, opened):
    return IncidentFactory(
        vendor=vendor,
        priority="P2",
        opened_at=opened,
        resolution_due_at=opened + dt.timedelta(hours=4),
        resolved_at=opened + dt.timedelta(hours=1),
    )


@pytest.fixture
def priced_vendor(vendor):
    vendor.annual_value = Decimal("120000.00")
    vendor.save()
    return vendor


def test_the_owner_sets_a_policy_and_its_fee_defaults_to_a_twelfth(api, priced_vendor):
    response = api.post(
        "/api/v1/credit-policies/",
        {"vendor": priced_vendor.pk, "bands": BANDS, "per_breach": {"P1": 300}},
        format="json",
    )
    assert response.status_code == 201, response.data
    body = response.json()
    assert body["monthly_fee"] is None
    assert body["fee"] == "10000.00"
    assert body["bands"] == BANDS
    assert body["cap_percent"] == "100.00"
    again = api.post("/api/v1/credit-policies/", {"vendor": priced_vendor.pk}, format="json")
    assert again.status_code == 400
    assert "vendor" in again.json()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (
            {
                "bands": [
                    {"below_percent": 90, "credit_percent": 5},
                    {"below_percent": 95, "credit_percent": 1},
                ]
            },
            "bands",
        ),
        ({"bands": [{"below_percent": 120, "credit_percent": 5}]}, "bands"),
        ({"per_breach": {"P7": 1}}, "per_breach"),
        ({"per_breach": {"P1": -5}}, "per_breach"),
        ({"cap_percent": "101"}, "cap_percent"),
        ({"monthly_fee": "-1"}, "monthly_fee"),
        ({"claim_window_days": 5000}, "claim_window_days"),
        ({"currency": "xx"}, "currency"),
    ],
)
def test_a_policy_the_domain_refuses_is_a_400_on_its_field(api, priced_vendor, fields, field):
    response = api.post(
        "/api/v1/credit-policies/", {"vendor": priced_vendor.pk, **fields}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_a_blank_fee_without_an_annual_value_is_a_400_on_the_fee(api, vendor):
    response = api.post("/api/v1/credit-policies/", {"vendor": vendor.pk}, format="json")
    assert response.status_code == 400
    assert "monthly_fee" in response.json()


def test_a_month_is_computed_listed_and_claimed(api, priced_vendor):
    make_policy(priced_vendor)
    breached(priced_vendor, dt.datetime(2026, 3, 5, tzinfo=dt.UTC))
    met(priced_vendor, dt.datetime(2026, 3, 6, tzinfo=dt.UTC))
    computed = api.post(
        "/api/v1/credit-statements/compute/",
        {"vendor": priced_vendor.pk, "month": "2026-03"},
        format="json",
    )
    assert computed.status_code == 200, computed.data
    body = computed.json()
    assert body["month"] == "2026-03"
    assert (body["met"], body["breached"], body["compliance_percent"]) == (1, 1, "50.00")
    assert body["breaches_by_priority"] == {"P1": 1}
    assert (body["credit_due"], body["status"]) == ("1300.00", "due")

    listed = api.get("/api/v1/credit-statements/", {"month": "2026-03", "status": "due"})
    assert [row["id"] for row in listed.json()["results"]] == [body["id"]]
    assert api.get("/api/v1/credit-statements/", {"month": "2026-02"}).json()["results"] == []

    url = f"/api/v1/credit-statements/{body['id']}/"
    refused = api.patch(url, {"status": "waived"}, format="json")
    assert refused.status_code == 400
    assert "status_note" in refused.json()
    waived = api.patch(url, {"status": "waived", "status_note": "Goodwill"}, format="json")
    assert waived.status_code == 200
    assert waived.json()["status"] == "waived"
    # The figures are the computation's; a write of them changes nothing.
    api.patch(url, {"credit_due": "1.00"}, format="json")
    assert api.get(url).json()["credit_due"] == "1300.00"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"month": "2026-3"}, "month"),
        ({"month": "2026-13"}, "month"),
        ({"month": "2026-05"}, "month"),
        ({"month": "2026-03", "vendor": 999999}, "vendor"),
    ],
)
def test_compute_refuses_a_bad_month_or_vendor_on_its_field(api, priced_vendor, data, field):
    make_policy(priced_vendor)
    response = api.post(
        "/api/v1/credit-statements/compute/", {"vendor": priced_vendor.pk, **data}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_compute_needs_a_policy(api, vendor):
    response = api.post(
        "/api/v1/credit-statements/compute/", {"vendor": vendor.pk, "month": "2026-03"}
    )
    assert response.status_code == 400
    assert "vendor" in response.json()


def test_the_month_filter_refuses_a_bad_month(api):
    response = api.get("/api/v1/credit-statements/", {"month": "March"})
    assert response.status_code == 400
    assert "month" in response.json()


def test_a_member_reads_but_may_not_write_another_owners_credits(member_api, priced_vendor):
    policy = make_policy(priced_vendor)
    breached(priced_vendor, dt.datetime(2026, 3, 5, tzinfo=dt.UTC))
    statement = services.credit_statement_compute(priced_vendor, month=dt.date(2026, 3, 1))
    assert member_api.get("/api/v1/credit-statements/").json()["count"] == 1
    assert member_api.get(f"/api/v1/credit-policies/{policy.pk}/").status_code == 200
    compute = member_api.post(
        "/api/v1/credit-statements/compute/", {"vendor": priced_vendor.pk, "month": "2026-03"}
    )
    assert compute.status_code == 403
    patch = member_api.patch(
        f"/api/v1/credit-statements/{statement.pk}/", {"status": "claimed"}, format="json"
    )
    assert patch.status_code == 403
    edit = member_api.patch(f"/api/v1/credit-policies/{policy.pk}/", {"cap_percent": "5"})
    assert edit.status_code == 403
    create = member_api.post("/api/v1/credit-policies/", {"vendor": VendorFactory().pk})
    assert create.status_code == 403


def test_a_vendor_representative_is_refused_the_credit_api(priced_vendor):
    rep = UserFactory(username="rep")
    services.user_role_set(rep, role=Role.VENDOR_REP, vendor=priced_vendor)
    client = client_for(rep)
    make_policy(priced_vendor)
    for url in (
        "/api/v1/credit-policies/",
        "/api/v1/credit-statements/",
        f"/api/v1/vendors/{priced_vendor.pk}/sla-compliance/?start=2026-03-01&end=2026-03-31",
    ):
        assert client.get(url).status_code == 403, url


def test_statements_cannot_be_created_or_deleted_directly(api, priced_vendor):
    make_policy(priced_vendor)
    statement = services.credit_statement_compute(priced_vendor, month=dt.date(2026, 3, 1))
    assert api.post("/api/v1/credit-statements/", {}).status_code == 405
    assert api.delete(f"/api/v1/credit-statements/{statement.pk}/").status_code == 405
    assert api.get("/api/v1/credit-statements/999999/").status_code == 404


def test_sla_compliance_for_a_period(api, vendor):
    met(vendor, dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    breached(vendor, dt.datetime(2026, 3, 31, 23, tzinfo=dt.UTC))
    url = f"/api/v1/vendors/{vendor.pk}/sla-compliance/"
    response = api.get(url, {"start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-03-01",
        "end": "2026-03-31",
        "met": 1,
        "breached": 1,
        "compliance_percent": "50.00",
    }
    assert api.get(url, {"start": "2026-03-02", "end": "2026-03-01"}).json().keys() == {"end"}
    assert "start" in api.get(url, {"end": "2026-03-01"}).json()
    assert "start" in api.get(url, {"start": "1800-01-01", "end": "2026-03-01"}).json()
    missing = api.get("/api/v1/vendors/999999/sla-compliance/", {"start": "2026-03-01"})
    assert missing.status_code == 404


def test_the_lists_keep_a_bounded_query_count(api, django_assert_max_num_queries):
    for _ in range(12):
        vendor = VendorFactory(annual_value=Decimal("12000"))
        make_policy(vendor)
        breached(vendor, dt.datetime(2026, 3, 5, tzinfo=dt.UTC))
        services.credit_statement_compute(vendor, month=dt.date(2026, 3, 1))
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/credit-policies/").json()["count"] == 12
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/credit-statements/").json()["count"] == 12


def test_statements_are_listed_newest_month_first_then_by_vendor(api):
    vendors = [VendorFactory(annual_value=Decimal("12000")) for _ in range(2)]
    made = {}
    for vendor in reversed(vendors):
        make_policy(vendor)
        for month in (dt.date(2026, 2, 1), dt.date(2026, 3, 1)):
            statement = services.credit_statement_compute(vendor, month=month)
            made[(month.month, vendor.pk)] = statement.pk

    listed = [row["id"] for row in api.get("/api/v1/credit-statements/").json()["results"]]

    first, second = sorted(vendor.pk for vendor in vendors)
    assert listed == [made[(3, first)], made[(3, second)], made[(2, first)], made[(2, second)]]


def test_the_statement_order_is_read_from_an_index_on_postgresql(api, priced_vendor):
    """Newest month first, then by vendor id: the index credit_statement_month_idx's order
    (by the vendor's name, it joined and sorted every statement)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    make_policy(priced_vendor)
    services.credit_statement_compute(priced_vendor, month=dt.date(2026, 3, 1))
    with CaptureQueriesContext(connection) as captured:
        assert api.get("/api/v1/credit-statements/").status_code == 200
    (page,) = [q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {page}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "credit_statement_month_idx" in plan
    assert "Sort" not in plan
