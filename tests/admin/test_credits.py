"""Service credits in the admin: policies through their service, statements' status only."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from governance import services
from governance.models import CreditPolicy, CreditStatement
from tests.admin.helpers import admin_url, messages_of
from tests.factories import IncidentFactory, VendorFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 10, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def statement_due(owner):
    vendor = VendorFactory(owner=owner, annual_value=Decimal("12000"))
    services.credit_policy_save(
        CreditPolicy(vendor=vendor, bands=[{"below_percent": 99, "credit_percent": 10}])
    )
    opened = dt.datetime(2026, 3, 3, tzinfo=dt.UTC)
    IncidentFactory(vendor=vendor, opened_at=opened, resolution_due_at=opened)
    return services.credit_statement_compute(vendor, month=dt.date(2026, 3, 1))


def test_a_policy_the_domain_refuses_is_a_form_error(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    data = {
        "vendor": vendor.pk,
        "monthly_fee": "",
        "currency": "EUR",
        "bands": '[{"below_percent": 90, "credit_percent": 5}, '
        '{"below_percent": 95, "credit_percent": 10}]',
        "per_breach": '{"P1": 100}',
        "cap_percent": "100",
        "claim_window_days": "30",
    }
    response = admin_client.post(admin_url(CreditPolicy, "add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"bands", "monthly_fee"}
    data.update(bands="[]", monthly_fee="800")
    assert admin_client.post(admin_url(CreditPolicy, "add"), data).status_code == 302
    assert CreditPolicy.objects.get(vendor=vendor).fee == Decimal("800.00")


def test_a_statements_status_is_set_and_a_waiver_needs_its_reason(admin_client, admin_user):
    statement = statement_due(admin_user)
    url = admin_url(CreditStatement, "change", statement.pk)
    refused = admin_client.post(url, {"status": "waived", "status_note": ""})
    assert refused.status_code == 200
    assert "status_note" in refused.context["adminform"].form.errors
    assert admin_client.post(url, {"status": "claimed", "status_note": "Ref 9"}).status_code == 302
    statement.refresh_from_db()
    assert (statement.status, statement.credit_due) == ("claimed", Decimal("100.00"))
    assert admin_client.get(admin_url(CreditStatement, "add")).status_code == 403


def test_statements_are_recomputed_from_the_list(admin_client, admin_user):
    statement = statement_due(admin_user)
    CreditStatement.objects.filter(pk=statement.pk).update(met=7)
    response = admin_client.post(
        admin_url(CreditStatement, "changelist"),
        {"action": "recompute", "_selected_action": [statement.pk]},
        follow=True,
    )
    assert "Recomputed 1 statement(s)." in messages_of(response)
    statement.refresh_from_db()
    assert statement.met == 0
    assert admin_client.get(admin_url(CreditStatement, "changelist")).status_code == 200
    assert admin_client.get(admin_url(CreditPolicy, "changelist")).status_code == 200
