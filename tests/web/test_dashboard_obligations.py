"""The dashboard's contract obligations: the notification clocks still running, first of all,
and the year's service credits of the portfolio."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from governance import services
from governance.models import ClauseType, CreditStatement, Incident, Role, Vendor
from governance.selectors.attention import needs_attention
from governance.selectors.dashboard import portfolio_credit_totals
from governance.services import figures
from governance.web.views.dashboard import ATTENTION_GROUPS
from tests.factories import ClauseFactory, IncidentFactory, UserFactory, VendorFactory
from tests.query_bounds import DASHBOARD_MAX_QUERIES

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
SIGNED = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def breach_clause(vendor, hours=24):
    with time_machine.travel(SIGNED, tick=False):
        return ClauseFactory(
            vendor=vendor, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=hours
        )


def security_incident(vendor, *, detected_hours_ago, title, **fields):
    detected = NOW - dt.timedelta(hours=detected_hours_ago)
    return services.incident_save(
        IncidentFactory.build(
            vendor=vendor,
            title=title,
            category=Incident.Category.SECURITY,
            opened_at=fields.pop("opened_at", detected),
            detected_at=detected,
            **fields,
        )
    )


@pytest.fixture
def clocks(owner):
    """Four clocks waiting for a notification, and one incident notified on time."""
    late = VendorFactory(name="Late Logistics", owner=owner)
    soon = VendorFactory(name="Soon Systems", owner=owner)
    later = VendorFactory(name="Later Labs", owner=owner)
    for vendor in (late, soon, later):
        breach_clause(vendor, hours=24)
    return {
        "overdue": security_incident(late, detected_hours_ago=30, title="Ransomware"),
        "two hours left": security_incident(soon, detected_hours_ago=22, title="Leaked key"),
        "ten hours left": security_incident(later, detected_hours_ago=14, title="Odd logins"),
        # The vendor told us on time; personal data: our 72 h towards the authority run.
        "authority": security_incident(
            soon,
            detected_hours_ago=5,
            title="Exposed bucket",
            vendor_notified_at=NOW - dt.timedelta(hours=4),
            opened_at=NOW - dt.timedelta(hours=4),
            personal_data_affected=True,
        ),
        "done": security_incident(
            later,
            detected_hours_ago=3,
            title="Phishing, reported",
            vendor_notified_at=NOW - dt.timedelta(hours=2),
        ),
    }


def running(user):
    """The running items of "Needs attention" (breaches and clocks), most urgent first."""
    items = needs_attention(user, Vendor.objects.all(), now=NOW, today=NOW.date())
    return [item for item in items if item.running]


def test_running_clocks_are_listed_most_urgent_first(owner, clocks):
    # All P1: by how close each deadline is to now, before or after it.
    assert [(item.record.title, item.reason) for item in running(owner)] == [
        ("Leaked key", "vendor_notification_due"),
        ("Ransomware", "vendor_notification_overdue"),
        ("Odd logins", "vendor_notification_due"),
        ("Exposed bucket", "authority_notification_due"),
    ]
    first, second = running(owner)[:2]
    assert first.detail == "Running, 2 h left"
    assert second.detail == "Overdue by 6 h"


def test_the_clocks_are_the_first_items_of_the_dashboard(owner_client, clocks):
    response = owner_client.get("/")

    html = response.content.decode()
    first = html.index('data-testid="needs-attention"')
    assert first < html.index('class="stats')
    section = html[first : html.index("</section>", first)]
    order = [section.index(name) for name in ("Leaked key", "Ransomware", "Odd logins")]
    assert order == sorted(order)
    assert "P1 Ransomware" in section and "Late Logistics" in section
    assert "Vendor&#x27;s notice overdue" in section
    assert "Overdue by 6 h" in section
    assert "Running, 2 h left" in section
    assert "Running, 2 d 20 h left" in section
    assert "Phishing, reported" not in section
    incident = clocks["overdue"]
    edit = reverse("governance:incident-edit", args=[incident.vendor_id, incident.pk])
    assert f'href="{edit}"' in section


def test_a_reader_who_may_not_edit_gets_the_incidents_section_of_the_vendor(client, member, clocks):
    services.profile_for(member)
    client.force_login(member)

    section = client.get("/").content.decode()

    incident = clocks["overdue"]
    assert f'href="{incident.get_absolute_url()}"' in section


def test_without_a_clock_running_the_dashboard_lists_no_clock(owner_client, owner, clocks):
    for incident in Incident.objects.all():
        incident.vendor_notified_at = incident.vendor_notified_at or NOW
        incident.authority_notified_at = NOW if incident.personal_data_affected else None
        services.incident_save(incident)

    response = owner_client.get("/")

    assert running(owner) == []
    assert b"notice due" not in response.content
    assert b"notice overdue" not in response.content


# --- service credits -----------------------------------------------------------------------


def statement(vendor, month, amount, status, currency="EUR", note=""):
    return CreditStatement.objects.create(
        vendor=vendor,
        month=month,
        credit_due=Decimal(amount),
        status=status,
        status_note=note,
        currency=currency,
    )


def test_the_years_credit_totals_are_summed_by_currency_and_status(owner_client, owner):
    a, b = VendorFactory(owner=owner), VendorFactory(owner=owner)
    S = CreditStatement.Status
    statement(a, dt.date(2026, 1, 1), "100.00", S.DUE)
    statement(b, dt.date(2026, 1, 1), "50.50", S.DUE)
    statement(a, dt.date(2026, 2, 1), "20.00", S.CLAIMED)
    statement(b, dt.date(2026, 2, 1), "30.00", S.RECEIVED)
    statement(a, dt.date(2026, 3, 1), "7.00", S.WAIVED, note="Goodwill")
    statement(b, dt.date(2026, 3, 1), "0.00", S.NONE)
    statement(a, dt.date(2026, 4, 1), "40.00", S.RECEIVED, currency="USD")
    statement(b, dt.date(2025, 12, 1), "999.00", S.RECEIVED)  # last year's

    response = owner_client.get("/")

    eur, usd = response.context["credit_totals"]
    assert (eur.currency, eur.statements, eur.earned) == ("EUR", 6, Decimal("207.50"))
    assert (eur.due, eur.claimed, eur.received, eur.waived) == (
        Decimal("150.50"),
        Decimal("20.00"),
        Decimal("30.00"),
        Decimal("7.00"),
    )
    assert (usd.currency, usd.earned, usd.received, usd.due) == (
        "USD",
        Decimal("40.00"),
        Decimal("40.00"),
        Decimal("0.00"),
    )
    html = response.content.decode()
    assert "Service credits 2026" in html
    assert "<td>150.50</td>" in html and "999.00" not in html


def test_the_credit_totals_count_only_the_vendors_given(owner):
    mine, theirs = VendorFactory(owner=owner), VendorFactory(owner=owner)
    statement(mine, dt.date(2026, 1, 1), "10.00", CreditStatement.Status.DUE)
    statement(theirs, dt.date(2026, 1, 1), "90.00", CreditStatement.Status.DUE)

    (totals,) = portfolio_credit_totals(Vendor.objects.filter(pk=mine.pk), year=2026)

    assert totals.due == Decimal("10.00")


def test_a_representative_never_sees_the_portfolio_totals(client, vendor):
    rep = UserFactory(username="rep")
    services.user_role_set(rep, role=Role.VENDOR_REP, vendor=vendor)
    client.force_login(rep)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/portal/"


# --- query counts --------------------------------------------------------------------------


def many_vendors(owner, start, stop):
    """Vendors ``start``..``stop``, each with a security incident whose authority clock runs
    (bulk inserts: no clause history, so the vendors' own clocks have no clause) and a
    statement of this year with a credit due."""
    vendors = Vendor.objects.bulk_create(
        Vendor(
            name=f"Scale vendor {n:04d}",
            services=["hosting"],
            tier="high",
            status="active",
            owner=owner,
            time_zone="Europe/Warsaw",
        )
        for n in range(start, stop)
    )
    Incident.objects.bulk_create(
        Incident(
            vendor=vendor,
            title="Exposed bucket",
            priority="P2",
            category=Incident.Category.SECURITY,
            opened_at=NOW - dt.timedelta(hours=5),
            detected_at=NOW - dt.timedelta(hours=6, minutes=n % 60),
            vendor_notified_at=NOW - dt.timedelta(hours=5),
            personal_data_affected=True,
        )
        for n, vendor in enumerate(vendors)
    )
    CreditStatement.objects.bulk_create(
        CreditStatement(
            vendor=vendor,
            month=dt.date(2026, 1 + n % 3, 1),
            credit_due=Decimal("10.00"),
            status=CreditStatement.Status.DUE,
            currency=["EUR", "USD"][n % 2],
        )
        for n, vendor in enumerate(vendors)
    )
    # bulk_create sends no signal: their figures and stored clock deadlines are computed as
    # the periodic refresh (or the demo seed) computes them.
    figures.refresh([vendor.pk for vendor in vendors], now=NOW)
    return vendors


def test_the_dashboard_costs_the_same_with_10_and_1000_vendors(
    owner_client, owner, django_assert_max_num_queries
):
    many_vendors(owner, 0, 10)
    with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES) as few:
        small = owner_client.get("/")
    many_vendors(owner, 10, 1000)
    with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES) as many:
        big = owner_client.get("/")

    assert len(many.captured_queries) == len(few.captured_queries)
    # Each kind's most urgent are cut in the database: the first vendors' groups only.
    assert len(small.context["attention_groups"]) == ATTENTION_GROUPS
    assert len(big.context["attention_groups"]) == ATTENTION_GROUPS
    first = big.context["attention_groups"][0].items[0]
    assert first.reason == "authority_notification_due"
    eur, usd = big.context["credit_totals"]
    assert (eur.due, usd.due) == (Decimal("5000.00"), Decimal("5000.00"))
