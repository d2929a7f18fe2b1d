"""What an IT manager does in the UI, in a real browser."""

import datetime as dt
import re
import zoneinfo
from pathlib import Path

import icalendar
import pytest
from dateutil.rrule import rrulestr
from django.utils import timezone

from governance.models import Incident, Meeting, Review, Vendor
from tests.factories import SLATargetFactory, VendorFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),  # one Chromium per run
    pytest.mark.django_db(transaction=True),
]


def test_log_in_and_create_a_vendor(page, manager, screenshot):
    page.goto("/vendors/")
    assert "/accounts/login/" in page.url
    screenshot(page, "login")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Vendors").wait_for()

    page.get_by_role("link", name="New vendor").click()
    page.get_by_label("Name").fill("Northwind Networks")
    page.get_by_label("Network management").check()
    page.get_by_label("Security", exact=True).check()
    page.get_by_label("Tier").select_option("critical")
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Time zone").fill("Europe/Warsaw")
    page.get_by_label("Country").fill("PL")
    page.get_by_label("Contract start").fill("2026-01-01")
    page.get_by_label("Contract end").fill("2028-12-31")
    page.get_by_label("Annual value").fill("250000")
    page.get_by_role("button", name="Add vendor").click()

    page.get_by_role("heading", name="Northwind Networks").wait_for()
    assert page.get_by_text("Northwind Networks was added.").is_visible()
    screenshot(page, "workspace")
    vendor = Vendor.objects.get(name="Northwind Networks")
    assert vendor.review_cadence == "monthly"  # the critical tier's default
    assert vendor.owner == manager


def test_log_a_review_with_scores_and_see_the_overall_score_and_next_review(
    signed_in, manager, screenshot
):
    page = signed_in
    vendor = VendorFactory(name="Contoso Support", owner=manager, review_cadence="quarterly")
    page.goto(f"/vendors/{vendor.pk}/")
    page.get_by_role("link", name="Log a review").first.click()
    page.get_by_label("Period start").fill("2026-01-01")
    page.get_by_label("Period end").fill("2026-03-31")
    page.get_by_label("Scheduled for").fill("2026-04-15")
    for label, score in [
        ("Quality of service score", "4"),
        ("Responsiveness score", "5"),
        ("Communication score", "3"),
        ("Security & compliance score", "4"),
    ]:
        page.get_by_label(label).select_option(score)
    page.get_by_label("Quality of service comment").fill("Stable quarter, two minor outages.")
    page.locator("#id_items-0-description").fill("Update the escalation matrix")
    page.get_by_role("button", name="Save and complete").click()
    # Completing is final: the next page says what it does and asks to confirm.
    page.get_by_text("Completing cannot be undone.").wait_for()
    page.get_by_role("button", name="Complete the review").click()

    page.get_by_test_id("overall-score").wait_for()
    assert page.get_by_test_id("overall-score").inner_text() == "4.00"
    review = Review.objects.get(period_start=dt.date(2026, 1, 1))
    following = Review.objects.get(vendor=vendor, status=Review.Status.SCHEDULED)
    # "Today" is the vendor's (its zone may already be tomorrow in UTC terms).
    vendor_today = timezone.localdate(timezone=zoneinfo.ZoneInfo(vendor.time_zone))
    expected = max(dt.date(2026, 7, 15), vendor_today)
    assert following.scheduled_for == expected
    assert page.get_by_test_id("next-review").inner_text() == expected.strftime("%-d %b %Y")
    assert page.get_by_text("The next review is scheduled for").is_visible()
    assert review.action_items.get().description == "Update the escalation matrix"
    screenshot(page, "review")


def test_an_incident_past_its_sla_shows_as_a_breach_on_the_dashboard(
    signed_in, manager, screenshot
):
    page = signed_in
    vendor = VendorFactory(name="Fabrikam Hosting", owner=manager)
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)
    opened = timezone.localtime() - dt.timedelta(hours=6)  # the manager's zone is UTC

    page.goto(f"/vendors/{vendor.pk}/incidents/new/")
    page.get_by_label("Title").fill("Core switch failover failed")
    page.get_by_label("Ticket id").fill("INC-4711")
    page.get_by_label("Priority").select_option("P1")
    page.get_by_label("Opened at").fill(opened.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Log incident").click()
    page.get_by_text("Its resolution target has already passed.").wait_for()
    assert Incident.objects.get().resolution_due_at < timezone.now()

    page.get_by_role("link", name="Dashboard").click()
    panel = page.locator("section", has=page.get_by_role("heading", name="Open incidents"))
    assert panel.get_by_text("Resolution breached").is_visible()
    assert panel.get_by_text("Core switch failover failed").is_visible()
    attention = page.get_by_test_id("needs-attention")
    assert attention.get_by_text("Resolution target breached").is_visible()
    screenshot(page, "dashboard")


def test_schedule_a_weekly_meeting_and_download_its_ics(signed_in, manager, screenshot):
    page = signed_in
    vendor = VendorFactory(name="Tailspin Software", owner=manager, time_zone="Europe/Warsaw")
    monday = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())

    page.goto(f"/vendors/{vendor.pk}/")
    page.get_by_role("link", name="Schedule a meeting").first.click()
    page.get_by_label("Title").fill("Weekly operations sync")
    page.get_by_label("Date").fill(monday.isoformat())
    page.locator("#id_start_time").fill("09:00")
    page.get_by_label("Duration (minutes)").fill("45")
    page.get_by_label("Repeat").select_option("weekly")
    assert not page.get_by_label("Custom rule").is_visible()  # shown only for a custom rule
    page.get_by_role("checkbox", name="Maria Manager").check()
    page.get_by_role("button", name="Schedule").click()
    page.get_by_role("heading", name="Weekly operations sync").wait_for()
    screenshot(page, "meeting")

    with page.expect_download() as download_info:
        page.get_by_test_id("download-ics").click()
    body = Path(download_info.value.path()).read_bytes()
    calendar = icalendar.Calendar.from_ical(body)
    (event,) = calendar.walk("VEVENT")
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Warsaw"]
    start = event.decoded("DTSTART")
    assert (start.date(), start.hour, start.minute) == (monday, 9, 0)
    rule = event["RRULE"].to_ical().decode()
    assert rule == "FREQ=WEEKLY;BYDAY=MO"
    # Expanded as a calendar client would: 09:00 in Warsaw every week, DST or not.
    starts = rrulestr(rule, dtstart=start)
    first_year = [starts[n] for n in range(52)]
    assert {(s.weekday(), s.hour, s.minute) for s in first_year} == {(0, 9, 0)}
    assert len({s.utcoffset() for s in first_year}) == 2  # CET and CEST
    assert Meeting.objects.get().attendees.get() == manager


def test_a_failed_form_shows_its_errors_and_saves_nothing(signed_in, screenshot):
    page = signed_in
    page.goto("/vendors/new/")
    page.get_by_label("Country").fill("P1")
    page.get_by_label("Contract start").fill("2026-06-01")
    page.get_by_label("Contract end").fill("2026-01-01")
    page.get_by_role("button", name="Add vendor").click()

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Nothing was saved" in alert.inner_text()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "alert"
    assert page.get_by_text("This field is required.").first.is_visible()
    assert page.get_by_text("The contract cannot end before it starts.").is_visible()
    assert "two-letter ISO 3166" in page.locator("#id_country_errors").inner_text()
    assert page.get_by_label("Country").get_attribute("aria-describedby") == (
        "id_country_helptext id_country_errors"
    )
    assert page.get_by_label("Name").get_attribute("aria-invalid") == "true"
    screenshot(page, "errors")
    assert not Vendor.objects.exists()


def test_the_scorecard_prints_on_one_page_and_the_dashboard_fits_a_phone(
    signed_in, manager, screenshot, browser, live_server
):
    page = signed_in
    vendor = VendorFactory(name="Litware Security", owner=manager)
    page.goto(f"/vendors/{vendor.pk}/scorecard/")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1

    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    try:
        mobile = phone.new_page()
        mobile.goto("/accounts/login/")
        mobile.get_by_label("Username").fill("manager")
        mobile.get_by_label("Password").fill("correct-horse-battery")
        mobile.get_by_role("button", name="Log in").click()
        mobile.get_by_role("heading", name="Portfolio").wait_for()
        width = mobile.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        screenshot(mobile, "phone-dashboard")
    finally:
        phone.close()
