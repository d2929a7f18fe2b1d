"""Days as people read them, in pages, messages and emails alike.

One style everywhere: the day without a leading zero, the month's short name and the year,
always ("3 Dec 2026"); a period says its start year only when it differs from its end's
("1 Nov to 31 Dec 2026" with an en dash, "1 Nov 2025 to 31 Oct 2026"), so a start never
seems to come after its end.
"""

DASH = "\N{EN DASH}"


def day_text(day):
    """``day`` (a date) as "3 Dec 2026"."""
    return f"{day.day} {day:%b %Y}"


def period_text(start, end):
    """The days ``start`` to ``end``, an en dash between: "1 Nov to 31 Dec 2026" within a
    year, "1 Nov 2025 to 31 Oct 2026" across two."""
    first = f"{start.day} {start:%b}" if start.year == end.year else day_text(start)
    return f"{first} {DASH} {day_text(end)}"
