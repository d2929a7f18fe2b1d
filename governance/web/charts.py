"""Inline SVG charts rendered on the server: no script, no chart library, printable.

Each chart is an ``<svg role="img">`` with a title and description for screen readers; the
templates also offer the numbers as a table.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

# Colour-blind-friendly palette (Okabe-Ito), one colour per criterion.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7f7f7f"]

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 16, 40
# The least height of a bar, in the drawing's units: a 0 % month still shows.
MIN_BAR = 4


def _svg(title, description, body, *, height=HEIGHT):
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{_id(title)}-t {_id(title)}-d" preserveAspectRatio="xMidYMid meet" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{_id(title)}-t">{escape(title)}</title>'
        f'<desc id="{_id(title)}-d">{escape(description)}</desc>{body}</svg>'
    )


def _id(title):
    return "chart-" + "".join(c if c.isalnum() else "-" for c in title.lower())


def line_chart(*, title, x_labels, series, y_min=1, y_max=5, y_step=1):
    """A line chart of ``series`` ([{"label", "values"}], values aligned with ``x_labels``).

    A missing value (None) breaks the line rather than pretending a score of zero.
    """
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = len(x_labels)

    # Keep the first and last labels inside the drawing.
    inset = 28

    def x_at(index):
        if count == 1:
            return LEFT + plot_w / 2
        return LEFT + inset + (plot_w - 2 * inset) * index / (count - 1)

    def y_at(value):
        return TOP + plot_h * (1 - (float(value) - y_min) / (y_max - y_min))

    parts = [_grid(y_min, y_max, y_step, y_at)]
    for index, label in enumerate(x_labels):
        parts.append(
            f'<text class="chart-x" x="{x_at(index):.1f}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    for number, line in enumerate(series):
        colour = line.get("colour") or PALETTE[number % len(PALETTE)]
        width = 3 if line.get("emphasis") else 2
        segment = []
        segments = []
        for index, value in enumerate(line["values"]):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append((x_at(index), y_at(value)))
            parts.append(
                f'<circle cx="{x_at(index):.1f}" cy="{y_at(value):.1f}" r="3.5" '
                f'fill="{colour}"><title>{escape(line["label"])}: {value}</title></circle>'
            )
        if segment:
            segments.append(segment)
        for points in segments:
            if len(points) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
                dash = ' stroke-dasharray="6 4"' if line.get("dashed") else ""
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" '
                    f'stroke-width="{width}"{dash} stroke-linejoin="round"/>'
                )
    description = "; ".join(
        f"{line['label']}: "
        + ", ".join(
            f"{x} {'-' if v is None else v}" for x, v in zip(x_labels, line["values"], strict=True)
        )
        for line in series
    )
    return _svg(title, description, "".join(parts))


def bar_chart(*, title, x_labels, values, y_max=100, unit="%", target=None):
    """A bar chart of ``values`` (None shows as an empty slot labelled "no data")."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(len(x_labels), 1)
    slot = plot_w / count
    bar_w = min(slot * 0.7, 48)

    def y_at(value):
        return TOP + plot_h * (1 - float(value) / y_max)

    parts = [_grid(0, y_max, y_max / 4, y_at, unit=unit)]
    if target is not None:
        parts.append(
            f'<line class="chart-target" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
            f'y1="{y_at(target):.1f}" y2="{y_at(target):.1f}"/>'
        )
    for index, (label, value) in enumerate(zip(x_labels, values, strict=True)):
        centre = LEFT + slot * index + slot / 2
        parts.append(
            f'<text class="chart-x" x="{centre:.1f}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
        if value is None:
            parts.append(
                f'<text class="chart-empty" x="{centre:.1f}" y="{HEIGHT - BOTTOM - 6}" '
                'text-anchor="middle">\N{EN DASH}</text>'
            )
            continue
        # A month at (or near) zero is the worst month, not an empty one: its bar keeps a
        # visible stub, and every bar says its value above it.
        top = min(y_at(value), HEIGHT - BOTTOM - MIN_BAR)
        tone = "good" if target is None or value >= target else "bad"
        parts.append(
            f'<rect class="chart-bar chart-bar-{tone}" x="{centre - bar_w / 2:.1f}" '
            f'y="{top:.1f}" width="{bar_w:.1f}" height="{HEIGHT - BOTTOM - top:.1f}" rx="3">'
            f"<title>{escape(label)}: {value}{unit}</title></rect>"
            f'<text class="chart-value chart-value-{tone}" x="{centre:.1f}" '
            f'y="{max(top - 4, TOP + 10):.1f}" text-anchor="middle">'
            f"{_short(value)}{escape(unit)}</text>"
        )
    description = ", ".join(
        f"{label} {'no data' if value is None else f'{value}{unit}'}"
        for label, value in zip(x_labels, values, strict=True)
    )
    return _svg(title, description, "".join(parts))


def _short(value):
    """A bar's value as its label shows it: whole numbers without decimals, else one."""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:.1f}"


def _grid(y_min, y_max, step, y_at, *, unit=""):
    lines = []
    value = y_min
    while value <= y_max + 1e-9:
        y = y_at(value)
        shown = int(value) if float(value).is_integer() else round(value, 1)
        lines.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="chart-y" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{shown}{escape(unit)}</text>"
        )
        value += step
    return "".join(lines)
