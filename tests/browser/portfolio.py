"""What the accessibility, keyboard and screenshot tests share: a seeded demo portfolio, the
two widths a person uses, signing in through the form, and axe-core injected into a page."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from devtools import demo
from governance.models import UserProfile

ROOT = Path(__file__).resolve().parents[2]
# From the npm registry (package.json, installed by `make install` and .ci/run as npm ci).
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}

# What a person must not meet: axe's moderate and minor findings are advice, not failures.
BLOCKING = ("serious", "critical")


def seed_portfolio(vendors=6):
    """The demo portfolio (``seed_demo``: vendors with a year of history, the demo login and a
    vendor representative); returns the representative's vendor, the richest in links."""
    call_command("seed_demo", vendors=vendors, seed=2026, stdout=open(os.devnull, "w"))  # noqa: SIM115
    rep = UserProfile.objects.select_related("vendor").get(user__username=demo.VENDOR_REP_USERNAME)
    return rep.vendor


def sign_in(page, username=demo.DEMO_USERNAME, password=demo.DEMO_PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def require_axe():
    """axe-core's script, or a skip (a failure in CI, where `npm ci` must have installed it)."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: .ci/run installs it with `make install` (npm ci)")
        pytest.skip(f"{AXE} is not installed (run `make install`, which runs npm ci)")
    return AXE


def axe_violations(page):
    """The serious and critical violations axe-core finds on the page as it is now, each as
    ``{"id", "impact", "help", "nodes": [(selector, summary), ...]}``."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated rather than added as a <script>: the app's Content-Security-Policy
        # (script-src 'self') rightly refuses an inline script, and stays on while testing.
        page.evaluate(require_axe().read_text())
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => [n.target.join(" "), n.failureSummary || ""]),
            }));
        }"""
    )
    return [v for v in found if v["impact"] in BLOCKING]


def describe(violations):
    lines = []
    for v in violations:
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']}, {len(v['nodes'])} element(s)")
        for selector, summary in v["nodes"][:3]:
            lines.append(f"    {selector}: {summary.splitlines()[-1] if summary else ''}")
    return "\n".join(lines)
