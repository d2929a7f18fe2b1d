"""Template helpers and charts: what a person reads on the page."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from governance.web import charts
from governance.web.templatetags.governance_ui import (
    describe_rrule,
    minutes,
    period,
    with_unit,
)


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("", "Does not repeat"),
        ("FREQ=WEEKLY;BYDAY=MO", "Weekly on Mon"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "Every 2 weeks on Tue"),
        ("FREQ=MONTHLY;BYDAY=1TH", "Monthly on 1st Thu"),
        ("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6", "Monthly on day 15, 6 times"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Weekly on Mon, Tue, Wed, Thu, Fri"),
        ("FREQ=YEARLY;BYWEEKNO=20", "FREQ=YEARLY;BYWEEKNO=20"),
    ],
)
def test_recurrence_rules_read_as_english(rule, text):
    assert describe_rrule(rule) == text


def test_values_carry_their_units():
    assert with_unit(Decimal("80.0000"), "%") == "80%"
    assert with_unit(Decimal("12.5000"), "tickets") == "12.5 tickets"
    assert with_unit(None, "%") == "\N{EN DASH}"
    assert minutes(30) == "30 min"
    assert minutes(240) == "4 h"
    assert minutes(1500) == "1 d 1 h"


def test_charts_are_labelled_images_with_their_numbers():
    svg = charts.line_chart(
        title="Review scores",
        x_labels=["Jan 2026", "Apr 2026"],
        series=[{"label": "Quality <b>", "values": [3, None], "colour": "#000"}],
    )
    assert svg.startswith('<svg class="chart"') and 'role="img"' in svg
    assert "<title" in svg and "Quality &lt;b&gt;: Jan 2026 3, Apr 2026 -" in svg
    bars = charts.bar_chart(title="SLA", x_labels=["Jan", "Feb"], values=[100.0, None], target=95)
    assert "Jan 100.0%, Feb no data" in bars
    assert bars.count("<rect") == 1


def test_a_month_at_zero_percent_is_drawn_as_the_worst_bar_not_an_empty_slot():
    bars = charts.bar_chart(
        title="SLA", x_labels=["Jan", "Feb", "Mar"], values=[0.0, 50, 100.0], target=95
    )
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([0-9.]+)"', bars)]
    assert len(heights) == 3 and heights[0] > 0 and heights[0] < heights[1] < heights[2]
    assert 'chart-bar-bad" x=' in bars.split("Jan: 0.0%")[0]
    labels = re.findall(r'<text class="chart-value[^"]*"[^>]*>([^<]+)</text>', bars)
    assert labels == ["0%", "50%", "100%"]


def test_a_period_says_its_start_year_when_it_spans_two_years():
    assert period(dt.date(2025, 11, 1), dt.date(2026, 10, 31)) == "1 Nov 2025 \u2013 31 Oct 2026"
    assert period(dt.date(2026, 1, 3), dt.date(2026, 3, 31)) == "3 Jan \u2013 31 Mar 2026"
    assert period(None, dt.date(2026, 3, 31)) == ""
