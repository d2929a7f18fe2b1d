"""Service credits on the vendor's pages: the policy, computing a month, setting a status."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from governance import services
from governance.models import CreditPolicy, CreditStatement
from tests.factories import IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 10, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def url(name, vendor, *args):
    return reverse(f"governance:{name}", args=[vendor.pk, *args])


POLICY = {
    "monthly_fee": "1000",
    "currency": "EUR",
    "bands": '[{"below_percent": 99, "credit_percent": 10}]',
    "per_breach": '{"P1": 50}',
    "cap_percent": "100",
    "claim_window_days": "30",
}


def test_the_owner_sets_a_policy_computes_a_month_and_claims_it(owner_client, vendor):
    page = owner_client.get(url("credit-list", vendor))
    assert page.status_code == 200
    assert "No credit policy" in page.content.decode()
    saved = owner_client.post(url("credit-policy-edit", vendor), POLICY)
    assert saved.status_code == 302
    assert CreditPolicy.objects.get(vendor=vendor).fee == Decimal("1000.00")

    opened = dt.datetime(2026, 3, 3, tzinfo=dt.UTC)
    IncidentFactory(vendor=vendor, opened_at=opened, resolution_due_at=opened)
    computed = owner_client.post(url("credit-compute", vendor), {"month": "2026-03"}, follow=True)
    assert "150.00 EUR due" in computed.content.decode()
    statement = CreditStatement.objects.get(vendor=vendor)
    assert statement.credit_due == Decimal("150.00")

    status_url = url("credit-statement-edit", vendor, statement.pk)
    refused = owner_client.post(status_url, {"status": "waived", "status_note": ""})
    assert refused.status_code == 200
    assert "status_note" in refused.context["form"].errors
    assert owner_client.post(status_url, {"status": "received", "status_note": "Credit note 4"})
    statement.refresh_from_db()
    assert (statement.status, statement.status_note) == ("received", "Credit note 4")
    listed = owner_client.get(url("credit-list", vendor)).content.decode()
    assert "Received" in listed and "2026-03" in listed
    csv = owner_client.get(url("credit-list", vendor), {"export": "csv"})
    assert b"2026-03" in b"".join(csv.streaming_content if csv.streaming else [csv.content])


def test_a_policy_the_domain_refuses_shows_on_its_fields_and_saves_nothing(owner_client, vendor):
    data = {
        **POLICY,
        "bands": '[{"below_percent": 101, "credit_percent": 5}]',
        "cap_percent": "120",
    }
    response = owner_client.post(url("credit-policy-edit", vendor), data)
    assert response.status_code == 200
    assert {"bands", "cap_percent"} <= set(response.context["form"].errors)
    assert not CreditPolicy.objects.exists()


def test_a_bad_month_or_a_vendor_without_policy_is_a_message(owner_client, vendor):
    bad = owner_client.post(url("credit-compute", vendor), {"month": "March"}, follow=True)
    assert "YYYY-MM" in bad.content.decode()
    none = owner_client.post(url("credit-compute", vendor), {"month": "2026-03"}, follow=True)
    assert "no credit policy" in none.content.decode()
    assert not CreditStatement.objects.exists()


def test_a_reader_sees_the_credits_but_may_not_change_them(client, vendor):
    services.credit_policy_save(CreditPolicy(vendor=vendor, monthly_fee=Decimal(100)))
    member = UserFactory(username="member")
    client.force_login(member)
    page = client.get(url("credit-list", vendor))
    assert page.status_code == 200
    assert "Compute" not in page.content.decode()
    assert client.post(url("credit-compute", vendor), {"month": "2026-03"}).status_code == 403
    assert client.get(url("credit-policy-edit", vendor)).status_code == 403
    assert client.get(reverse("governance:credit-list", args=[999999])).status_code == 404


def test_the_credits_page_reads_in_a_bounded_number_of_queries(
    owner_client, vendor, django_assert_max_num_queries
):
    services.credit_policy_save(CreditPolicy(vendor=vendor, monthly_fee=Decimal(100)))
    for month in range(1, 4):
        services.credit_statement_compute(vendor, month=dt.date(2026, month, 1))
    owner_client.get(url("credit-list", vendor))
    with django_assert_max_num_queries(12):
        assert owner_client.get(url("credit-list", vendor)).status_code == 200
