"""axe-core on every kind of page, at a desktop's width and a phone's, on the demo portfolio.

Each test signs in and walks the site as a person would, following links from its start
pages: the first time it meets a page of a kind (a URL name: the vendor workspace, a review,
an occurrence...) it runs axe-core there and follows that page's links; later pages of the
same kind are passed by. So a new page is checked as soon as something links to it, and
``KINDS`` names the pages that must have been reached (a page nobody links to would
otherwise pass unseen). Serious and critical violations fail, and so does a page wider than
the screen or one that answers with a server error; all of them are reported at once, page by
page. The tests at the end check what axe-core does not measure on a phone.
"""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from devtools import demo
from governance import services
from governance.models import Incident, Review, WebhookSubscription
from tests.browser.conftest import PASSWORD
from tests.browser.portfolio import (
    PHONE,
    WIDTHS,
    axe_violations,
    describe,
    require_axe,
    seed_portfolio,
    sign_in,
)
from tests.factories import IncidentFactory, SLATargetFactory, VendorFactory
from tests.imports.helpers import xlsx_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),  # one Chromium per run
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(900),  # some sixty pages at each width
]

# Pages of the internal UI that must be reached (and so checked), by URL name.
KINDS = {
    "dashboard",
    "vendor-list",
    "vendor-create",
    "vendor-detail",
    "vendor-edit",
    "vendor-scorecard",
    "vendor-history",
    "goal-list",
    "goal-detail",
    "goal-create",
    "review-list",
    "review-detail",
    "review-create",
    "review-edit",
    "meeting-list",
    "meeting-detail",
    "meeting-create",
    "occurrence-detail",
    "incident-list",
    "incident-detail",
    "incident-create",
    "incident-edit",
    "incident-resolve",
    "clause-list",
    "clause-create",
    "contact-list",
    "reminder-list",
    "escalation-edit",
    "credit-list",
    "action-item-list",
    "action-item-create",
    "inbox",
    "import-list",
    "preferences",
    "snooze-list",
    # Issue 17's portfolio-wide pages and the webhooks.
    "attention-list",
    "portfolio-incidents",
    "portfolio-reviews",
    "portfolio-clauses",
    "portfolio-goals",
    "clause-gaps",
    "review-complete",
    "import-detail",
    "webhook-list",
    "webhook-create",
    "webhook-detail",
}
PORTAL_KINDS = {
    "portal:home",
    "portal:goal-list",
    "portal:goal-detail",
    "portal:review-list",
    "portal:review-detail",
    "portal:meeting-list",
    "portal:meeting-detail",
    "portal:incident-list",
    "portal:incident-detail",
    "portal:incident-report",
    "portal:credit-list",
    "portal:escalation",
    "portal:action-item-list",
}
REGISTER = [
    ["name", "services", "tier", "status"],
    ["Northwind Networks", "Network management", "High", "Active"],
    ["", "Hosting", "Critical", "Onboarding"],  # no name: refused
]
# Links that lead to no page of ours: the admin site, the API, files and feeds, signing out.
NOT_PAGES = ("/admin/", "/api/", "/calendar/", "/static/", "/media/", "/accounts/logout/")
NOT_PAGE_QUERIES = ("export=", "download")


def kind_of(path):
    """The URL name of an app page (``vendor-detail``, ``portal:home``), or None."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if "governance" not in match.namespaces:
        return match.view_name if match.url_name else None
    return ":".join([*match.namespaces[1:], match.url_name])


def overflow(page):
    """A page wider than the screen (it scrolls sideways as a whole), as a violation."""
    wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if wider <= 0:
        return []
    return [
        {
            "id": "page-overflow",
            "impact": "serious",
            "help": f"{wider} px wider than the screen",
            "nodes": [(name, "runs past the right edge") for name in page.evaluate(WIDENERS)],
        }
    ]


# The innermost elements that end past the screen's right edge outside any scrolling box.
WIDENERS = """() => {
    const past = el => el.getBoundingClientRect().right > window.innerWidth + 1;
    const scrolls = el => ["auto", "scroll", "hidden"].includes(getComputedStyle(el).overflowX);
    const found = [];
    for (const el of document.body.querySelectorAll("*")) {
        if (!past(el)) continue;
        let inner = false;
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
            if (scrolls(up)) { inner = true; break; }
        }
        if (!inner && ![...el.children].some(past)) found.push(el);
    }
    const classes = el => typeof el.className === "string" && el.className.trim()
        ? "." + el.className.trim().split(/ +/).join(".") : "";
    const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes(el);
    return found.slice(0, 5).map(el => name(el.parentElement) + " > " + name(el));
}"""


def audit_site(page, start):
    """Walk from ``start`` (paths) and audit the first page of each kind: ({kind: violations},
    the kinds seen)."""
    origin = None
    queue = list(start)
    seen_kinds = {}
    queued = set(queue)
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        if any(parts.path.startswith(prefix) for prefix in NOT_PAGES):
            continue
        if any(marker in parts.query for marker in NOT_PAGE_QUERIES):
            continue
        kind = kind_of(parts.path)
        if kind is None or kind in seen_kinds:
            continue
        try:
            response = page.goto(url)
        except PlaywrightError:  # a download (an evidence file, a CSV) is not a page
            continue
        if response is not None and response.status >= 500:
            seen_kinds[kind] = [
                {"id": "server-error", "impact": "critical", "help": url, "nodes": []}
            ]
            continue
        if response is None or response.status != 200:
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        seen_kinds[kind] = axe_violations(page) + overflow(page)
        origin = origin or f"{urlsplit(page.url).scheme}://{urlsplit(page.url).netloc}"
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            if not href.startswith(origin):
                continue
            link = href[len(origin) :].split("#")[0]
            if link and link not in queued:
                queued.add(link)
                queue.append(link)
    return seen_kinds


def report(results):
    failing = {kind: found for kind, found in results.items() if found}
    return "\n".join(f"{kind}:\n{describe(found)}" for kind, found in sorted(failing.items()))


@pytest.fixture
def width_page(browser, live_server, request):
    require_axe()
    context = browser.new_context(base_url=live_server.url, viewport=WIDTHS[request.param])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.parametrize("width_page", list(WIDTHS), indirect=True)
def test_every_internal_page_kind_has_no_serious_axe_violation(width_page, tmp_path):
    vendor = seed_portfolio()
    completed = vendor.reviews.filter(status=Review.Status.COMPLETED).first()
    coming = vendor.reviews.filter(status=Review.Status.SCHEDULED).first()
    running = Incident.objects.filter(status__in=Incident.OPEN_STATUSES).first()
    webhook = WebhookSubscription.objects.create(
        url="https://hooks.example.com/governance", description="Service desk", events=[]
    )
    page = sign_in(width_page)
    results = audit_site(
        page,
        [
            "/",
            "/vendors/",
            f"/vendors/{vendor.pk}/",
            f"/vendors/{vendor.pk}/reviews/{completed.pk}/",
            # What completing a review will do, before it is confirmed.
            f"/vendors/{vendor.pk}/reviews/{coming.pk}/complete/",
            f"/vendors/{running.vendor_id}/incidents/{running.pk}/resolve/",
            "/action-items/",
            "/inbox/",
            "/imports/",
            "/account/preferences/",
            "/account/snoozes/",
            "/webhooks/",
            f"/webhooks/{webhook.pk}/",
        ],
    )
    # A form sent back with its errors (the error summary, the fields marked invalid).
    page.goto("/vendors/new/")
    page.get_by_role("button", name="Add vendor").click()
    page.locator(".form-alert").wait_for()
    results["vendor-create (errors)"] = axe_violations(page) + overflow(page)
    # A spreadsheet's preview, one row refused.
    register = tmp_path / "register.xlsx"
    register.write_bytes(xlsx_bytes(REGISTER))
    page.goto("/imports/")
    page.get_by_label("What the file holds").select_option("vendors")
    page.get_by_label("Spreadsheet").set_input_files(str(register))
    page.get_by_role("button", name="Check the file").click()
    page.locator('[data-summary="errors"]').wait_for()
    results["import-detail"] = axe_violations(page) + overflow(page)
    assert results.keys() >= KINDS, f"never reached: {sorted(KINDS - results.keys())}"
    assert not report(results), f"axe-core found, by page:\n{report(results)}"


@pytest.mark.parametrize("width_page", list(WIDTHS), indirect=True)
def test_every_portal_page_kind_has_no_serious_axe_violation(width_page):
    seed_portfolio()
    page = sign_in(width_page, demo.VENDOR_REP_USERNAME)
    results = audit_site(page, ["/portal/"])
    assert results.keys() >= PORTAL_KINDS, f"never reached: {sorted(PORTAL_KINDS - results.keys())}"
    assert not report(results), f"axe-core found, by page:\n{report(results)}"


@pytest.mark.parametrize("width_page", list(WIDTHS), indirect=True)
def test_signed_out_pages_have_no_serious_axe_violation(width_page):
    page = width_page
    results = {}
    for path in ["/accounts/login/", "/accounts/password_reset/"]:
        page.goto(path)
        results[path] = axe_violations(page)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    page.locator(".form-alert, .errors").first.wait_for()
    results["login (refused)"] = axe_violations(page)
    assert not report(results), f"axe-core found, by page:\n{report(results)}"


# --- Small screens: what axe does not measure -------------------------------------------------

LONG = "W" * 200  # a 200-character title with nowhere to break


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def breached_incident(vendor, title="Core switch down"):
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)
    return services.incident_save(
        IncidentFactory.build(
            vendor=vendor, title=title, opened_at=timezone.now() - dt.timedelta(hours=5)
        ),
        now=timezone.now(),
    )


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_200_character_unbroken_title_never_widens_a_phone_page(phone, manager):
    vendor = VendorFactory(name=LONG, owner=manager)
    incident = breached_incident(vendor, title=LONG)
    page = sign_in(phone, "manager", PASSWORD)
    for path in [
        f"/vendors/{vendor.pk}/",
        f"/vendors/{vendor.pk}/incidents/",
        f"/vendors/{vendor.pk}/incidents/{incident.pk}/",
        f"/vendors/{vendor.pk}/incidents/{incident.pk}/edit/",
        "/vendors/",
        "/",
    ]:
        page.goto(path)
        page.get_by_text(LONG[:20]).first.wait_for()
        assert page_width(page) <= PHONE["width"], f"{path} is {page_width(page)} px wide"


def test_a_phone_shows_an_incidents_sla_badge_and_actions_without_scrolling_sideways(
    phone, manager
):
    vendor = VendorFactory(name="Northwind Networks", owner=manager)
    incident = breached_incident(vendor)
    page = sign_in(phone, "manager", PASSWORD)
    page.goto(f"/vendors/{vendor.pk}/")
    row = page.locator(f"#incident-{incident.pk}")
    for part in [
        row.get_by_text("Resolution breached"),
        row.get_by_role("button", name="Acknowledge"),
        row.get_by_role("link", name="Resolve"),
    ]:
        # Scrolled to vertically only: a sideways scroll is what a person should not need.
        part.evaluate("el => window.scrollTo(0, el.getBoundingClientRect().top + scrollY - 200)")
        box = part.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    # Each value says which column it came from (the table's head is out of sight).
    opened = row.locator("td").first
    before = "el => getComputedStyle(el, '::before').content"
    assert opened.evaluate(before) == '"Opened"'
    assert page_width(page) <= PHONE["width"]


def test_a_phone_shows_that_the_workspace_tab_strip_scrolls(phone, manager):
    vendor = VendorFactory(name="Northwind Networks", owner=manager)
    page = sign_in(phone, "manager", PASSWORD)
    page.goto(f"/vendors/{vendor.pk}/")
    strip = page.get_by_role("navigation", name="Sections")
    fade = "el => getComputedStyle(el).maskImage"
    # More tabs to the right: the right edge fades.
    assert strip.get_attribute("data-more") == "end"
    assert "gradient" in strip.evaluate(fade)
    # A tab reached with the keyboard is clear of the fade.
    strip.get_by_role("link").first.focus()
    for index in range(1, strip.get_by_role("link").count() - 1):
        page.keyboard.press("Tab")
        tab = strip.get_by_role("link").nth(index)
        assert tab.evaluate("el => el === document.activeElement")
        box, edge = tab.bounding_box(), strip.bounding_box()
        assert box["x"] + box["width"] <= edge["x"] + edge["width"] - 40, tab.inner_text()
    strip.evaluate("el => el.scrollTo({left: el.scrollWidth})")
    page.wait_for_function("() => document.querySelector('.section-nav').dataset.more === 'start'")
    # Every tab is still there to reach: the last one now in view.
    last = strip.get_by_role("link", name="Service credits")
    box = last.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
