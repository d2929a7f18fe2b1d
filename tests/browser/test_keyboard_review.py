"""A review completed with the keyboard alone: Tab, Shift+Tab, Enter, Space and typing, no
clicks, from the review's page through its scores to the confirmed completion. After every
key that moves focus, the focused element must be on screen and not under anything (the
sticky save bar at the bottom, the top bar): ``document.elementFromPoint`` at its centre is
the element or inside it."""

import datetime as dt

import pytest
from django.utils import timezone

from governance.models import Review, ReviewScore
from tests.browser.conftest import PASSWORD
from tests.browser.portfolio import WIDTHS, sign_in
from tests.factories import ReviewFactory, VendorFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),  # one Chromium per run
    pytest.mark.django_db(transaction=True),
]

# What the focused element is, and what covers its centre (None: nothing, it is in sight).
FOCUSED = """() => {
    const el = document.activeElement;
    const name = node => node ? node.tagName.toLowerCase() + (node.id ? "#" + node.id : "")
        + (node.className && typeof node.className === "string" ? "." + node.className.trim()
        .split(/ +/).join(".") : "") : "nothing";
    if (!el || el === document.body) return {name: "nothing", covered: "nothing is focused"};
    const box = el.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) {
        return {name: name(el), covered: `its centre ${x},${y} is off screen`};
    }
    const hit = document.elementFromPoint(x, y);
    const seen = hit === el || el.contains(hit);
    return {name: name(el), covered: seen ? null : `under ${name(hit)}`};
}"""


class Keyboard:
    """Tab and Shift+Tab through a page, checking the focused element after every press."""

    def __init__(self, page):
        self.page = page
        self.presses = 0

    def focused(self):
        state = self.page.evaluate(FOCUSED)
        assert state["covered"] is None, f"{state['name']} is focused but {state['covered']}"
        return state["name"]

    def to(self, selector, *, back=False, limit=200):
        """Press Tab (Shift+Tab with ``back``) until ``selector`` has the focus."""
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            self.presses += 1
            self.focused()
            if self.page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} never got the focus in {limit} presses")


@pytest.fixture(params=list(WIDTHS))
def sized_page(request, browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=WIDTHS[request.param])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_review_is_scored_and_completed_with_the_keyboard_alone(sized_page, manager):
    vendor = VendorFactory(name="Contoso Support", owner=manager, review_cadence="quarterly")
    today = timezone.localdate()
    # A quarter that has ended: only then may a review be completed.
    review = ReviewFactory(
        vendor=vendor,
        reviewer=manager,
        period_start=today - dt.timedelta(days=100),
        period_end=today - dt.timedelta(days=10),
        scheduled_for=today - dt.timedelta(days=3),
    )
    page = sign_in(sized_page, "manager", PASSWORD)
    page.goto(f"/vendors/{vendor.pk}/reviews/{review.pk}/")
    keys = Keyboard(page)

    keys.to(f'a[href$="/reviews/{review.pk}/edit/"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator("form.review-form").wait_for()

    scores = {}
    for index, (criterion, _label) in enumerate(ReviewScore.Criterion.choices):
        score = 5 - index % 3  # 5, 4, 3, 5...
        keys.to(f"#id_score_{criterion}")
        page.keyboard.press(str(score))  # a closed select takes the option typed
        keys.to(f"#id_comment_{criterion}")
        page.keyboard.type(f"{criterion} held up")
        scores[criterion] = score
    keys.to("#id_summary")
    page.keyboard.type("A steady quarter.")

    # Back up through the form to check the first score, then down to the buttons.
    first = ReviewScore.Criterion.values[0]
    keys.to(f"#id_score_{first}", back=True)
    assert page.eval_on_selector(f"#id_score_{first}", "el => el.value") == str(scores[first])
    keys.to('button[name="complete"]')
    with page.expect_navigation():
        page.keyboard.press("Space")

    # The confirmation says what completing does; the keyboard confirms it.
    page.get_by_role("heading", name="What completing does").wait_for()
    keys.to('form button[type="submit"].button-primary')
    assert page.evaluate("document.activeElement.textContent.trim()") == "Complete the review"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.get_by_test_id("overall-score").wait_for()
    review.refresh_from_db()
    assert review.status == Review.Status.COMPLETED
    assert {s.criterion: s.score for s in review.scores.all()} == scores
    expected = sum(scores.values()) / len(scores)
    assert page.get_by_test_id("overall-score").inner_text() == f"{expected:.2f}"
    assert keys.presses > len(scores) * 2  # it really went field by field
