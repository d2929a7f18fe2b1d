"""Follow-through in a real browser: one monthly steering meeting across three occurrences.

The first is held (minutes, two decisions, an action item recorded at it), the item is
carried into the next occurrence's agenda, the second is moved and the third cancelled; the
meeting's calendar file shows both exceptions to a real calendar parser; the vendor approves
the minutes in the portal and the manager sees that sign-off in the inbox."""

import datetime as dt
import zoneinfo
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from governance import services
from governance.models import ActionItem, Meeting, MeetingOccurrence, Role
from tests.browser.conftest import PASSWORD
from tests.factories import ContactFactory, UserFactory, VendorFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),  # one Chromium per run
    pytest.mark.django_db(transaction=True),
]

ZONE = "Europe/Warsaw"


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def key(moment):
    """An occurrence's address in its page's URL: its original start in UTC."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def test_a_monthly_steering_meeting_across_three_occurrences(
    browser, live_server, page, manager, screenshot
):
    vendor = VendorFactory(name="Fabrikam Managed Services", owner=manager, time_zone=ZONE)
    ContactFactory(vendor=vendor, name="Vera Vendor", is_primary=True)
    rep = UserFactory(username="rita", first_name="Rita", last_name="Rep")
    services.user_role_set(rep, role=Role.VENDOR_REP, vendor=vendor)
    # Monthly on the day of its first meeting, 10:00 in Warsaw; the first one was ten days
    # ago, so the second and third are the coming months'.
    first_day = timezone.localdate() - dt.timedelta(days=10)
    day_of_month = min(first_day.day, 28)
    first_day = first_day.replace(day=day_of_month)
    zone = zoneinfo.ZoneInfo(ZONE)
    starts = dt.datetime.combine(first_day, dt.time(10, 0), tzinfo=zone)
    meeting = services.meeting_save(
        Meeting(
            vendor=vendor,
            title="Monthly steering committee",
            kind="steering",
            starts_at=starts,
            time_zone=ZONE,
            duration_minutes=60,
            recurrence=f"FREQ=MONTHLY;BYMONTHDAY={day_of_month}",
            agenda="Service review; roadmap.",
        )
    )
    # Its first three instances: the same wall-clock time each month (DST or not).
    first, second, third = (
        dt.datetime.combine(first_day + relativedelta(months=n), dt.time(10, 0), tzinfo=zone)
        for n in range(3)
    )
    base = f"/vendors/{vendor.pk}/meetings/{meeting.pk}/occurrences"

    # The first occurrence: held, with minutes, two decisions and an action item.
    log_in(page, "manager")
    page.get_by_role("heading", name="Portfolio").wait_for()
    page.goto(f"{base}/{key(first)}/")
    page.get_by_role("textbox", name="Minutes").fill(
        "Availability 99.95 %. The DR test slipped to May."
    )
    page.get_by_role("button", name="Record as held").click()
    assert page.get_by_test_id("occurrence-status").inner_text() == "Held"
    for text in ("Run the DR test before 31 May.", "Move the backups to the second site."):
        page.get_by_role("textbox", name="Decision", exact=True).fill(text)
        page.get_by_role("button", name="Add the decision").click()
        page.get_by_text(text).wait_for()
    page.get_by_role("textbox", name="Description").fill("Send the DR test plan")
    page.get_by_label("Due date").fill((timezone.localdate() + dt.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Add the action item").click()
    items = page.locator("#action-items")
    items.get_by_role("rowheader", name="Send the DR test plan").wait_for()
    page.get_by_role("button", name="Share the minutes with the vendor").click()
    assert "Shared with the vendor" in page.get_by_test_id("minutes-status").inner_text()
    screenshot(page, "held")
    held = MeetingOccurrence.objects.get(meeting=meeting, original_start=first)
    assert held.decisions.count() == 2
    assert ActionItem.objects.get(occurrence=held).description == "Send the DR test plan"

    # The second: the open item is carried into its agenda; then it moves a day later.
    page.goto(f"{base}/{key(second)}/")
    carried = page.locator("#carried")
    assert "Carried over: 1 open action item" in carried.inner_text()
    assert carried.get_by_role("rowheader", name="Send the DR test plan").is_visible()
    moved_day = second.astimezone(zone).date() + dt.timedelta(days=1)
    page.get_by_label("Date").fill(moved_day.isoformat())
    page.get_by_role("textbox", name="Time", exact=True).fill("14:30")
    page.get_by_role("button", name="Move this occurrence").click()
    page.get_by_text("moved from").wait_for()

    # The third: cancelled.
    page.goto(f"{base}/{key(third)}/")
    page.get_by_role("button", name="Cancel this occurrence").click()
    assert page.get_by_test_id("occurrence-status").inner_text() == "Cancelled"

    # The calendar file has both exceptions, as a calendar client reads it.
    page.goto(f"/vendors/{vendor.pk}/meetings/{meeting.pk}/")
    with page.expect_download() as download_info:
        page.get_by_test_id("download-ics").click()
    calendar = icalendar.Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    events = calendar.walk("VEVENT")
    series = next(event for event in events if "RRULE" in event)
    cancelled = [d.dt for exdate in _as_list(series.get("EXDATE")) for d in exdate.dts]
    assert [moment.astimezone(dt.UTC) for moment in cancelled] == [third.astimezone(dt.UTC)]
    (override,) = [event for event in events if "RECURRENCE-ID" in event]
    assert override.decoded("RECURRENCE-ID").astimezone(dt.UTC) == second.astimezone(dt.UTC)
    new_start = override.decoded("DTSTART").astimezone(zone)
    assert (new_start.date(), new_start.hour, new_start.minute) == (moved_day, 14, 30)
    seen = recurring_ical_events.of(calendar).between(
        first - dt.timedelta(days=1), third + dt.timedelta(days=1)
    )
    starts_seen = sorted(event.decoded("DTSTART").astimezone(dt.UTC) for event in seen)
    assert starts_seen == [first.astimezone(dt.UTC), new_start.astimezone(dt.UTC)]

    # The vendor approves the minutes in the portal.
    vendor_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    try:
        portal = vendor_context.new_page()
        portal.set_default_timeout(15_000)
        log_in(portal, "rita")
        portal.get_by_role("heading", name="Fabrikam Managed Services").wait_for()
        portal.goto(f"/portal/meetings/{meeting.pk}/")
        shared = portal.locator("#shared-minutes")
        assert shared.get_by_text("Run the DR test before 31 May.").is_visible()
        shared.get_by_label("Approve").check()
        shared.get_by_role("button", name="Send your answer").click()
        portal.get_by_text("Approved by the vendor by Rita Rep").wait_for()
        screenshot(portal, "portal-sign-off")
    finally:
        vendor_context.close()
    held.refresh_from_db()
    assert held.minutes_status == MeetingOccurrence.MinutesStatus.APPROVED

    # The manager sees the sign-off in the inbox, unread, and the dashboard counts it.
    page.goto("/inbox/")
    row = page.get_by_test_id("activity").first
    assert "Approved the minutes" in row.inner_text()
    assert "Rita Rep" in row.inner_text() and "New" in row.inner_text()
    screenshot(page, "inbox")
    row.get_by_role("button", name="Mark read").click()
    page.get_by_test_id("activity").first.wait_for()
    assert "New" not in page.get_by_test_id("activity").first.inner_text()


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
