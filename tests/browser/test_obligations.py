"""Contract obligations in a real browser: a security incident from the vendor's report in
the portal to the manager's dashboard, and a month from its close to a credit received."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from governance import services
from governance.models import ClauseType, CreditPolicy, CreditStatement, Incident, Role
from tests.browser.conftest import PASSWORD
from tests.factories import (
    ClauseFactory,
    IncidentFactory,
    SLATargetFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),  # one Chromium per run
    pytest.mark.django_db(transaction=True),
]


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_vendors_security_report_is_the_first_item_of_the_managers_dashboard(
    browser, live_server, page, manager, screenshot
):
    vendor = VendorFactory(name="Contoso Security", owner=manager)
    ClauseFactory(vendor=vendor, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=24)
    rep = UserFactory(username="rita", first_name="Rita", last_name="Rep")
    services.user_role_set(rep, role=Role.VENDOR_REP, vendor=vendor)
    detected = timezone.now() - dt.timedelta(hours=2)  # the representative's zone is UTC

    # The vendor's representative reports it in the portal.
    log_in(page, "rita")
    page.get_by_role("heading", name="Contoso Security").wait_for()
    page.get_by_role("link", name="Report a security incident").first.click()
    assert page.get_by_label("Reported by").input_value() == "Rita Rep"
    page.get_by_label("Title").fill("Stolen VPN credentials used")
    page.get_by_label("Priority").select_option("P1")
    page.get_by_label("You detected it at").fill(detected.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Description").fill("An engineer's VPN account logged in from abroad.")
    page.get_by_label("Personal data is affected").check()
    page.get_by_label("Systems affected").fill("VPN gateway, ticketing system")
    page.get_by_label("Data involved").fill("Customer contact details")
    page.get_by_role("button", name="Report the incident").click()
    page.get_by_text("Thank you: security incident").wait_for()
    assert "On time" in page.get_by_test_id("vendor-clock").inner_text()
    assert "authority" not in page.content().lower()
    screenshot(page, "portal-report")
    incident = Incident.objects.get()
    assert incident.category == Incident.Category.SECURITY
    assert incident.vendor_notified_at is not None
    assert incident.notified_by == "Rita Rep"

    # The manager sees its clock (ours towards the authority: personal data) first.
    manager_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    try:
        desk = manager_context.new_page()
        desk.set_default_timeout(15_000)
        log_in(desk, "manager")
        desk.get_by_role("heading", name="Portfolio").wait_for()
        attention = desk.get_by_test_id("needs-attention")
        group = attention.get_by_test_id("attention-group").first
        first = group.get_by_test_id("attention-item").first
        assert "Contoso Security" in group.inner_text()
        assert "P1 Stolen VPN credentials used" in first.inner_text()
        assert "Our authority notice due" in first.inner_text()
        assert "Running, 2 d 23 h left" in first.inner_text()
        # The first item of the dashboard: above the summary tiles and every panel.
        clocks_top = attention.bounding_box()["y"]
        assert clocks_top < desk.get_by_role("list", name="Summary").bounding_box()["y"]
        first_card = desk.evaluate("document.querySelector('section.card').dataset.testid")
        assert first_card == "needs-attention"
        screenshot(desk, "dashboard-clock")

        first.get_by_role("link", name="P1 Stolen VPN credentials used").click()
        desk.get_by_label("Title").wait_for()
        assert desk.get_by_label("Title").input_value() == "Stolen VPN credentials used"
        assert desk.get_by_text("Authority: Running").is_visible()
        assert desk.get_by_text("Vendor: On time").is_visible()
        screenshot(desk, "incident")
    finally:
        manager_context.close()


def _last_month():
    first_of_this = timezone.localdate().replace(day=1)
    return (first_of_this - dt.timedelta(days=1)).replace(day=1)


def test_a_closed_month_earns_a_credit_that_is_claimed_then_received(
    signed_in, manager, screenshot
):
    page = signed_in
    vendor = VendorFactory(name="Fabrikam Hosting", owner=manager)
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)
    services.credit_policy_save(
        CreditPolicy(
            vendor=vendor,
            monthly_fee=Decimal("10000.00"),
            bands=[{"below_percent": 99, "credit_percent": 5}],
            per_breach={"P1": 250},
        )
    )
    month = _last_month()
    opened = timezone.make_aware(dt.datetime.combine(month, dt.time(10))) + dt.timedelta(days=2)
    for title, takes in (("Database failover", dt.timedelta(days=2)), ("Disk full", None)):
        services.incident_save(
            IncidentFactory.build(
                vendor=vendor,
                title=title,
                priority="P1",
                opened_at=opened,
                status=Incident.Status.RESOLVED,
                resolved_at=opened + (takes or dt.timedelta(hours=1)),
            )
        )

    # The month is closed: computed with the credits page's button.
    page.goto(f"/vendors/{vendor.pk}/credits/")
    page.locator("#compute-month").fill(f"{month:%Y-%m}")
    page.get_by_role("button", name="Compute").click()
    page.get_by_text("computed:").wait_for()
    statement = CreditStatement.objects.get(vendor=vendor, month=month)
    # One breach of two: 50 % is below 99 % (5 % of 10,000) plus 250 for the P1 breach.
    assert statement.credit_due == Decimal("750.00")
    assert statement.status == CreditStatement.Status.DUE
    row = page.get_by_role("row", name=f"{month:%Y-%m}")
    assert "750.00 EUR" in row.inner_text() and "Due" in row.inner_text()
    screenshot(page, "computed")

    for status, label, note in (
        ("claimed", "Claimed", "Claimed by e-mail to billing"),
        ("received", "Received", "Credited on the November invoice"),
    ):
        page.get_by_role("link", name=f"Set status of {month:%Y-%m}").click()
        page.get_by_label("Status").select_option(status)
        page.get_by_label("Note (required to waive)").fill(note)
        page.get_by_role("button", name="Save").click()
        page.get_by_text(f"status {'saved'}").first.wait_for()
        row = page.get_by_role("row", name=f"{month:%Y-%m}")
        assert label in row.inner_text()
        assert note in row.inner_text()
    screenshot(page, "received")
    statement.refresh_from_db()
    assert statement.status == CreditStatement.Status.RECEIVED

    page.goto(f"/vendors/{vendor.pk}/history/?kind=creditstatement")
    history = page.get_by_test_id("history")
    history.wait_for()
    text = history.inner_text()
    assert "Due" in text or "due" in text
    assert "Claimed" in text or "claimed" in text
    assert "Received" in text or "received" in text
    screenshot(page, "history")
