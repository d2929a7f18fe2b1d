"""What a vendor owes, on its pages: the notification clocks still ticking and its service
credits on the workspace, the credits of the printable scorecard's months, the statements'
CSV, and SLA compliance for a period chosen on the credits page."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance import services
from governance.models import (
    ClauseType,
    CreditPolicy,
    CreditStatement,
    Incident,
    Vendor,
)
from tests.factories import ClauseFactory, IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 10, 12, tzinfo=dt.UTC)
SIGNED = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def url(name, vendor, *args):
    return reverse(f"governance:{name}", args=[vendor.pk, *args])


def breach_clause(vendor, hours=24):
    with time_machine.travel(SIGNED, tick=False):
        return ClauseFactory(
            vendor=vendor, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=hours
        )


def security_incident(vendor, detected_at, **fields):
    return services.incident_save(
        IncidentFactory.build(
            vendor=vendor,
            category=Incident.Category.SECURITY,
            opened_at=detected_at,
            detected_at=detected_at,
            **fields,
        )
    )


def statement(vendor, month, credit_due, status, note="", currency="EUR"):
    return CreditStatement.objects.create(
        vendor=vendor,
        month=month,
        met=9,
        breached=1,
        compliance_percent=Decimal("90.00"),
        breaches_by_priority={"P1": 1},
        credit_due=Decimal(credit_due),
        currency=currency,
        status=status,
        status_note=note,
    )


def reader_client(client):
    client.force_login(UserFactory(username="member"))
    return client


# --- the notification clocks card ----------------------------------------------------------


def test_the_workspace_lists_each_running_or_overdue_clock_with_its_deadline(owner_client, vendor):
    breach_clause(vendor, hours=24)
    running = security_incident(vendor, NOW - dt.timedelta(hours=2), title="Leaked key")
    overdue = security_incident(
        vendor, NOW - dt.timedelta(hours=30), title="Stolen laptop", personal_data_affected=True
    )
    security_incident(
        vendor,
        NOW - dt.timedelta(hours=5),
        title="Phishing told in time",
        vendor_notified_at=NOW - dt.timedelta(hours=4),
    )
    IncidentFactory(vendor=vendor, title="Plain outage")

    page = owner_client.get(url("vendor-detail", vendor))
    html = page.content.decode()

    rows = page.context["clock_rows"]
    # The earliest ticking deadline first: the overdue vendor clock (due 6 hours ago).
    assert [row["incident"] for row in rows] == [overdue, running]
    assert "Notification clocks" in html
    assert "Overdue by 6 h" in html  # the vendor's, 30 h after detection against 24
    assert "Running, 1 d 18 h left" in html  # ours: 72 h from awareness, 30 h gone
    assert "Running, 22 h left" in html
    assert "deadline" in html and "11 Apr 2026, 10:00" in html
    assert url("incident-detail", vendor, running.pk) in html
    assert "Phishing told in time" not in html.split('id="clocks"')[1].split("</table>")[0]


def test_no_clock_card_shows_while_no_clock_runs(owner_client, vendor):
    breach_clause(vendor)
    security_incident(
        vendor, NOW - dt.timedelta(hours=5), vendor_notified_at=NOW - dt.timedelta(hours=4)
    )

    page = owner_client.get(url("vendor-detail", vendor))

    assert page.context["clock_rows"] == []
    assert b"Notification clocks" not in page.content


def test_no_clause_in_force_is_no_running_clock_on_the_card(owner_client, vendor):
    security_incident(vendor, NOW - dt.timedelta(hours=5), title="Unclaused")

    page = owner_client.get(url("vendor-detail", vendor))

    assert page.context["clock_rows"] == []


def test_a_reader_is_sent_to_the_incident_page_not_the_edit_form(client, vendor):
    breach_clause(vendor)
    incident = security_incident(vendor, NOW - dt.timedelta(hours=1))

    html = reader_client(client).get(url("vendor-detail", vendor)).content.decode()

    assert url("incident-detail", vendor, incident.pk) in html
    assert url("incident-edit", vendor, incident.pk) not in html


# --- the service credits card --------------------------------------------------------------


def test_without_a_policy_the_card_offers_to_set_one(owner_client, client, vendor):
    html = owner_client.get(url("vendor-detail", vendor)).content.decode()

    assert "No credit policy" in html
    assert url("credit-policy-edit", vendor) in html
    assert url("credit-list", vendor) in html
    member = reader_client(client).get(url("vendor-detail", vendor)).content.decode()
    assert "No credit policy" in member and url("credit-policy-edit", vendor) not in member


def test_the_card_summarises_the_policy_the_last_statements_and_this_years_totals(
    owner_client, vendor
):
    services.credit_policy_save(
        CreditPolicy(
            vendor=vendor,
            monthly_fee=Decimal("1000"),
            bands=[{"below_percent": 99, "credit_percent": 5}],
            per_breach={"P1": 250},
            cap_percent=Decimal("20"),
            claim_window_days=45,
        )
    )
    statement(vendor, dt.date(2025, 12, 1), "999.00", "received")  # last year
    statement(vendor, dt.date(2026, 1, 1), "100.00", "due")
    statement(vendor, dt.date(2026, 2, 1), "50.00", "claimed")
    statement(vendor, dt.date(2026, 3, 1), "30.00", "received")
    statement(vendor, dt.date(2026, 4, 1), "20.00", "waived", note="Goodwill")

    page = owner_client.get(url("vendor-detail", vendor))
    html = page.content.decode()

    card = page.context["credit_card"]
    assert card.year == 2026
    [totals] = card.year_totals
    assert (totals.currency, totals.statements) == ("EUR", 4)
    assert (totals.earned, totals.due, totals.claimed) == (
        Decimal("200.00"),
        Decimal("100.00"),
        Decimal("50.00"),
    )
    assert (totals.received, totals.waived) == (Decimal("30.00"), Decimal("20.00"))
    assert [s.month for s in card.recent][:2] == [dt.date(2026, 4, 1), dt.date(2026, 3, 1)]
    assert "1000.00 EUR" in html
    assert "below 99 %: 5 % of the fee" in html
    assert "P1 250 EUR" in html
    assert "20.00 % of the fee" in html
    assert "45 days" in html
    assert "Apr 2026" in html and "Waived" in html


def test_this_years_totals_are_kept_apart_by_currency(owner_client, vendor):
    statement(vendor, dt.date(2026, 1, 1), "100.00", "due", currency="EUR")
    statement(vendor, dt.date(2026, 2, 1), "70.00", "due", currency="USD")

    card = owner_client.get(url("vendor-detail", vendor)).context["credit_card"]

    assert [(t.currency, t.due) for t in card.year_totals] == [
        ("EUR", Decimal("100.00")),
        ("USD", Decimal("70.00")),
    ]


# --- the printable scorecard ---------------------------------------------------------------


def test_the_scorecard_shows_the_credits_of_the_months_of_its_window(owner_client, vendor):
    statement(vendor, dt.date(2025, 12, 1), "999.00", "due")  # before the window's months
    statement(vendor, dt.date(2026, 1, 1), "100.00", "due")  # the window starts on 10 Jan
    statement(vendor, dt.date(2026, 3, 1), "40.00", "received")

    page = owner_client.get(url("vendor-scorecard", vendor))
    html = page.content.decode()

    credits = page.context["credits"]
    assert (credits.first_month, credits.last_month) == (dt.date(2026, 1, 1), dt.date(2026, 4, 1))
    assert [s.month for s in credits.statements] == [dt.date(2026, 1, 1), dt.date(2026, 3, 1)]
    assert "Service credits, Jan 2026 \N{EN DASH} Apr 2026" in html
    assert "Credit due <strong>140.00 EUR</strong>" in html
    assert "received 40.00" in html and "waived 0.00" in html
    assert "999.00" not in html


def test_a_scorecard_without_statements_says_so(owner_client, vendor):
    html = owner_client.get(url("vendor-scorecard", vendor)).content.decode()

    assert "No credit statement for these months." in html


# --- the statements' CSV -------------------------------------------------------------------


def csv_rows(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_csv_has_labels_for_people_and_no_formula(owner_client, vendor):
    statement(vendor, dt.date(2026, 3, 1), "150.00", "waived", note="=HYPERLINK(evil)")
    statement(vendor, dt.date(2026, 2, 1), "0.00", "none")

    response = owner_client.get(url("credit-list", vendor), {"export": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    header, march, february = csv_rows(response)
    assert header[:5] == [
        "Month",
        "Compliance %",
        "Targets met",
        "Targets breached",
        "Breaches by priority",
    ]
    row = dict(zip(header, march, strict=True))
    assert row["Month"] == "2026-03"
    assert row["Status"] == "Waived"
    assert row["Breaches by priority"] == "P1: 1"
    assert row["Note"] == "'=HYPERLINK(evil)"
    assert row["Credit due"] == "150.00"
    assert dict(zip(header, february, strict=True))["Status"] == "None"


# --- SLA compliance for a chosen period ----------------------------------------------------


def incident(vendor, opened_at, *, resolved_after_hours, priority="P1"):
    return Incident.objects.create(
        vendor=vendor,
        title="Outage",
        priority=priority,
        status="resolved",
        opened_at=opened_at,
        resolution_due_at=opened_at + dt.timedelta(hours=4),
        resolved_at=opened_at + dt.timedelta(hours=resolved_after_hours),
    )


def test_the_credits_page_shows_compliance_for_the_period_asked(owner_client, vendor):
    incident(vendor, dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC), resolved_after_hours=1)
    incident(vendor, dt.datetime(2026, 2, 28, 9, tzinfo=dt.UTC), resolved_after_hours=1)
    incident(vendor, dt.datetime(2026, 2, 28, 10, tzinfo=dt.UTC), resolved_after_hours=9)
    incident(vendor, dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), resolved_after_hours=9)

    february = {"start": "2026-02-01", "end": "2026-02-28"}
    page = owner_client.get(url("credit-list", vendor), february)

    assert page.status_code == 200
    period = page.context["period"]
    assert (period["met"], period["breached"]) == (2, 1)
    assert period["compliance_percent"] == Decimal("66.67")
    html = page.content.decode()
    assert "66.67 %" in html and "1 Feb 2026 \N{EN DASH} 28 Feb 2026" in html


def test_the_period_form_starts_on_this_month_and_shows_nothing_until_asked(owner_client, vendor):
    page = owner_client.get(url("credit-list", vendor))

    assert page.context["period"] is None
    form = page.context["period_form"]
    assert not form.is_bound
    assert (form["start"].value(), form["end"].value()) == (
        dt.date(2026, 4, 1),
        dt.date(2026, 4, 10),
    )


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "2026-03-01", "end": "2026-02-01"}, "end", "cannot end before it starts"),
        ({"start": "2010-01-01", "end": "2026-02-01"}, "end", "at most 3660 days"),
        ({"start": "2026-02-30", "end": "2026-03-01"}, "start", "valid date"),
        ({"start": "1850-01-01", "end": "1850-02-01"}, "start", "between 1900-01-01"),
        ({"start": "2026-01-01", "end": "99999-01-01"}, "end", "valid date"),
        ({"start": "2026-01-01"}, "end", "required"),
    ],
)
def test_a_period_the_rules_refuse_is_a_form_error_on_its_field(
    owner_client, vendor, query, field, message
):
    page = owner_client.get(url("credit-list", vendor), query)

    assert page.status_code == 200
    assert page.context["period"] is None
    errors = page.context["period_form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert 'class="errors"' in page.content.decode()


def test_a_control_character_in_the_period_is_refused_without_a_server_error(owner_client, vendor):
    page = owner_client.get(url("credit-list", vendor), {"start": "\x00", "end": "2026-01-01"})

    assert page.status_code == 400


def test_a_single_day_is_a_period(owner_client, vendor):
    one_day = {"start": "2026-02-01", "end": "2026-02-01"}
    page = owner_client.get(url("credit-list", vendor), one_day)

    assert page.context["period"]["compliance_percent"] is None
    assert "no resolution target met or breached" in page.content.decode()


def test_a_reader_may_ask_for_a_period(client, vendor):
    # A vendor representative and a user without a role: the access matrix (tests/access).
    query = {"start": "2026-02-01", "end": "2026-02-28"}
    page = reader_client(client).get(url("credit-list", vendor), query)

    assert page.status_code == 200
    assert page.context["period"]["met"] == 0


# --- query counts --------------------------------------------------------------------------


def queries(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(context.captured_queries)


def add_obligations(vendor, count, offset):
    """``count`` security incidents with ticking clocks and ``count`` statements."""
    for n in range(offset, offset + count):
        detected = NOW - dt.timedelta(hours=1 + n % 40)
        Incident.objects.create(
            vendor=vendor,
            title=f"Breach {n}",
            external_id=f"SEC-{n}",
            category=Incident.Category.SECURITY,
            priority="P1",
            opened_at=detected,
            detected_at=detected,
            personal_data_affected=bool(n % 2),
        )
    CreditStatement.objects.bulk_create(
        CreditStatement(
            vendor=vendor,
            month=dt.date(2026 - (n // 12), 12 - n % 12, 1),
            met=9,
            breached=1,
            credit_due=Decimal("10.00"),
            status="due",
        )
        for n in range(offset, offset + count)
    )


# The workspace's ceiling with security incidents: the 37 of ``test_query_counts`` plus the
# clocks card's two and those of the incident table's and the scorecard's clocks.
WORKSPACE_MAX = 43
SCORECARD_MAX = 28


def test_the_workspace_and_scorecard_cost_the_same_with_3_and_120_clocks_and_statements(
    owner_client, vendor, django_assert_max_num_queries
):
    breach_clause(vendor)
    services.credit_policy_save(CreditPolicy(vendor=vendor, monthly_fee=Decimal(100)))
    add_obligations(vendor, 3, 0)
    paths = [url("vendor-detail", vendor), url("vendor-scorecard", vendor)]
    small = [queries(owner_client, path) for path in paths]
    add_obligations(vendor, 117, 3)

    with django_assert_max_num_queries(WORKSPACE_MAX):
        assert queries(owner_client, paths[0]) == small[0]
    with django_assert_max_num_queries(SCORECARD_MAX):
        assert queries(owner_client, paths[1]) == small[1]
    page = owner_client.get(paths[0])
    assert len(page.context["clock_rows"]) == 20
    assert len(page.context["credit_card"].recent) == 6


def add_vendors(owner, start, stop):
    Vendor.objects.bulk_create(
        Vendor(name=f"Other {n:04d}", services=["hosting"], owner=owner, time_zone="UTC")
        for n in range(start, stop)
    )


def test_the_workspace_and_credits_page_cost_the_same_at_10_and_1000_vendors(
    owner_client, owner, vendor, django_assert_max_num_queries
):
    breach_clause(vendor)
    add_obligations(vendor, 5, 0)
    add_vendors(owner, 0, 9)
    query = "?start=2026-01-01&end=2026-03-31"
    paths = [
        url("vendor-detail", vendor),
        url("vendor-scorecard", vendor),
        url("credit-list", vendor) + query,
        url("credit-list", vendor) + "?export=csv",
    ]
    small = [queries(owner_client, path) for path in paths]
    add_vendors(owner, 9, 999)
    assert Vendor.objects.count() == 1000

    with django_assert_max_num_queries(WORKSPACE_MAX):
        assert queries(owner_client, paths[0]) == small[0]
    assert [queries(owner_client, path) for path in paths] == small
