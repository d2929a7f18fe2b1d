"""The README's screenshots, taken again on every run: the dashboard and a vendor's workspace
at a desktop's width and a phone's, on the demo portfolio (``seed_demo``), signed in as the
demo user. They land in docs/screenshots/, where the README links them; commit them when the
pages change."""

import pytest
from django.db.models import Count

from governance.models import Vendor
from tests.browser.portfolio import ROOT, WIDTHS, seed_portfolio, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),  # one Chromium per run
    pytest.mark.django_db(transaction=True),
]

SCREENSHOTS = ROOT / "docs" / "screenshots"
# The top of each page, as a reader would first see it: a screen and a half at most.
HEIGHT = {"desktop": 1200, "phone": 1266}
LIMIT = 400 * 1024  # bytes: the README stays quick to load


@pytest.mark.parametrize("width", list(WIDTHS))
def test_screenshots_of_the_dashboard_and_a_vendor_workspace(browser, live_server, width):
    seed_portfolio(vendors=12)
    # The workspace with the most to show: clauses, goals and meetings on file.
    vendor = (
        Vendor.objects.annotate(
            on_file=Count("clauses", distinct=True)
            + Count("goals", distinct=True)
            + Count("meetings", distinct=True)
        )
        .order_by("-on_file", "name")
        .first()
    )
    context = browser.new_context(base_url=live_server.url, viewport=WIDTHS[width])
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path, heading in [
        ("dashboard", "/", "Portfolio"),
        ("vendor", f"/vendors/{vendor.pk}/", vendor.name),
    ]:
        page.goto(path)
        page.get_by_role("heading", name=heading, exact=True).wait_for()
        page.evaluate("document.fonts.ready")
        height = min(HEIGHT[width], page.evaluate("document.documentElement.scrollHeight"))
        shot = SCREENSHOTS / f"{name}-{width}.png"
        page.screenshot(
            path=str(shot),
            full_page=True,
            clip={"x": 0, "y": 0, "width": WIDTHS[width]["width"], "height": height},
            animations="disabled",
            caret="hide",
        )
        assert 0 < shot.stat().st_size < LIMIT, f"{shot.name}: {shot.stat().st_size:,} bytes"
    context.close()
