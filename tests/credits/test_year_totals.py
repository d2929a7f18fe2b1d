"""The portfolio's credits of a year, stored (``CreditYearTotal``, kept by database triggers),
equal the statements summed, whatever wrote the statements: a single save, a bulk upsert, a
queryset update or delete, a vendor deleted with its statements, a write rolled back; and
folding the deltas changes no total. Run on SQLite (row triggers) and PostgreSQL (statement
triggers with transition tables) alike."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from governance.models import CreditStatement, CreditYearTotal, Vendor
from governance.selectors.dashboard import credit_year_totals, portfolio_credit_totals
from governance.services import figures
from tests.api.conftest import client_for
from tests.factories import IncidentFactory, VendorFactory
from tests.web.test_credits import POLICY

pytestmark = pytest.mark.django_db

S = CreditStatement.Status
YEARS = (2025, 2026)
MONTHS = [dt.date(year, month, 1) for year in YEARS for month in (1, 6, 12)]
CURRENCIES = ["EUR", "USD", "PLN"]


def summed(year):
    return portfolio_credit_totals(Vendor.objects.all(), year=year)


def assert_stored_totals_hold():
    for year in YEARS:
        assert credit_year_totals(year=year) == summed(year), year


def owed(amount, status):
    """A status the statement's amount allows (nothing owed is ``none``)."""
    if not amount:
        return S.NONE, ""
    if status == S.NONE:
        status = S.DUE
    return status, "Goodwill" if status == S.WAIVED else ""


amounts = st.sampled_from(["0.00", "0.01", "10.00", "123.45", "99999.99"]).map(Decimal)
statuses = st.sampled_from([S.DUE, S.CLAIMED, S.RECEIVED, S.WAIVED, S.NONE])
indexes = st.integers(0, 50)
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("save"),
            indexes,
            st.sampled_from(MONTHS),
            amounts,
            statuses,
            st.sampled_from(CURRENCIES),
        ),
        st.tuples(st.just("upsert"), st.sampled_from(MONTHS), amounts, statuses),
        st.tuples(st.just("set_status"), indexes, statuses),
        st.tuples(st.just("move"), indexes, st.sampled_from(MONTHS)),
        st.tuples(st.just("delete"), indexes),
        st.tuples(st.just("delete_month"), st.sampled_from(MONTHS)),
        st.tuples(st.just("refused"), indexes),
        st.tuples(st.just("compact")),
    ),
    max_size=12,
)


def apply(operation, vendors):
    kind, *args = operation
    statements = list(CreditStatement.objects.order_by("pk"))
    picks = statements and args and isinstance(args[0], int)
    chosen = statements[args[0] % len(statements)] if picks else None
    if kind == "save":
        index, month, amount, status, currency = args
        status, note = owed(amount, status)
        vendor = vendors[index % len(vendors)]
        CreditStatement.objects.update_or_create(
            vendor=vendor,
            month=month,
            defaults={
                "credit_due": amount,
                "status": status,
                "status_note": note,
                "currency": currency,
            },
        )
    elif kind == "upsert":
        # As the month close writes: every vendor's statement of the month, inserted or
        # updated in one statement.
        month, amount, status = args
        status, note = owed(amount, status)
        CreditStatement.objects.bulk_create(
            [
                CreditStatement(
                    vendor=vendor, month=month, credit_due=amount, status=status, status_note=note
                )
                for vendor in vendors
            ],
            update_conflicts=True,
            unique_fields=["vendor", "month"],
            update_fields=["credit_due", "status", "status_note"],
        )
    elif kind == "set_status" and chosen:
        status, note = owed(chosen.credit_due, args[1])
        CreditStatement.objects.filter(pk=chosen.pk).update(status=status, status_note=note)
    elif kind == "move" and chosen:
        # Into another month (and maybe year), unless the vendor has a statement there.
        if not CreditStatement.objects.filter(vendor=chosen.vendor, month=args[1]).exists():
            CreditStatement.objects.filter(pk=chosen.pk).update(month=args[1])
    elif kind == "delete" and chosen:
        chosen.delete()
    elif kind == "delete_month":
        CreditStatement.objects.filter(month=args[0]).delete()
    elif kind == "refused" and chosen:
        # A write the database refuses changes no total.
        with pytest.raises(IntegrityError), transaction.atomic():
            CreditStatement.objects.filter(pk=chosen.pk).update(credit_due=Decimal("5.00"))
            CreditStatement.objects.filter(pk=chosen.pk).update(status=S.NONE, credit_due=1)
    elif kind == "compact":
        figures.credit_totals_compact()


def test_the_stored_totals_equal_the_statements_after_any_writes():
    vendors = [VendorFactory(currency=currency) for currency in CURRENCIES]

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(steps=operations)
    def run(steps):
        with transaction.atomic():
            for step in steps:
                apply(step, vendors)
            assert_stored_totals_hold()
            figures.credit_totals_compact()
            assert_stored_totals_hold()
            transaction.set_rollback(True)

    run()


def test_folding_leaves_one_row_per_year_currency_and_status_and_drops_empty_ones():
    vendor = VendorFactory()
    for month in (1, 2, 3):
        CreditStatement.objects.create(
            vendor=vendor, month=dt.date(2026, month, 1), credit_due=10, status=S.DUE
        )
    CreditStatement.objects.create(vendor=vendor, month=dt.date(2025, 5, 1), credit_due=0)
    CreditStatement.objects.filter(month=dt.date(2025, 5, 1)).delete()
    assert CreditYearTotal.objects.count() == 5

    gone = figures.credit_totals_compact()

    assert gone == 5 - 1
    (row,) = CreditYearTotal.objects.all()
    assert (row.year, row.currency, row.status) == (2026, "EUR", "due")
    assert (row.amount, row.statements) == (Decimal("30.00"), 3)
    assert figures.credit_totals_compact() == 0
    assert_stored_totals_hold()


def test_a_vendor_deleted_takes_its_credits_out_of_the_totals():
    kept, gone = VendorFactory(), VendorFactory()
    for vendor in (kept, gone):
        CreditStatement.objects.create(
            vendor=vendor, month=dt.date(2026, 2, 1), credit_due=25, status=S.RECEIVED
        )

    gone.delete()

    (totals,) = credit_year_totals(year=2026)
    assert (totals.statements, totals.received) == (1, Decimal("25.00"))
    assert_stored_totals_hold()


NOW = dt.datetime(2026, 4, 10, 12, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
def test_credits_computed_and_claimed_through_the_web_and_the_api_show_on_the_dashboard(
    client, owner
):
    owner_client = client
    owner_client.force_login(owner)
    by_web, by_api = VendorFactory(owner=owner), VendorFactory(owner=owner)
    for vendor in (by_web, by_api):
        opened = dt.datetime(2026, 3, 3, tzinfo=dt.UTC)
        IncidentFactory(vendor=vendor, opened_at=opened, resolution_due_at=opened)

    # The web: a policy, the month computed, its credit received.
    def url(name, *args):
        return reverse(f"governance:{name}", args=[by_web.pk, *args])

    assert owner_client.post(url("credit-policy-edit"), POLICY).status_code == 302
    owner_client.post(url("credit-compute"), {"month": "2026-03"})
    web_statement = CreditStatement.objects.get(vendor=by_web)
    received = owner_client.post(
        url("credit-statement-edit", web_statement.pk),
        {"status": "received", "status_note": "Credit note 4"},
    )
    assert received.status_code == 302
    # The API: the same for the other vendor, then claimed.
    api = client_for(owner)
    api_policy = {
        **POLICY,
        "vendor": by_api.pk,
        "bands": [{"below_percent": 99, "credit_percent": 10}],
        "per_breach": {"P1": 50},
    }
    created = api.post("/api/v1/credit-policies/", api_policy, format="json")
    assert created.status_code == 201, created.content
    computed = api.post(
        "/api/v1/credit-statements/compute/",
        {"vendor": by_api.pk, "month": "2026-03"},
        format="json",
    )
    assert computed.status_code == 200, computed.content
    claimed = api.patch(
        f"/api/v1/credit-statements/{computed.json()['id']}/", {"status": "claimed"}, format="json"
    )
    assert claimed.status_code == 200, claimed.content

    (totals,) = owner_client.get("/").context["credit_totals"]

    assert (totals.currency, totals.statements) == ("EUR", 2)
    assert (totals.received, totals.claimed, totals.due) == (
        Decimal("150.00"),
        Decimal("150.00"),
        Decimal("0.00"),
    )
    assert_stored_totals_hold()
