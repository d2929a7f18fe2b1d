"""Stored text made safe for outputs that have no room for a line break.

The models refuse control characters in single-line fields, but a row written before that
rule or by a raw UPDATE may still hold one, and a value that cannot be written (an email
subject with a newline, an iCalendar content line, an HTTP header) must not take a page, a
feed or a reminder down. Every output that puts stored text on one line goes through here.
"""

import re

# Whitespace (which for str patterns includes U+001C-U+001F, U+0085, U+2028 and U+2029) and
# the C0 and C1 control characters.
_BREAKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
# Line breaks of every convention, for multi-line text.
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Control characters that are not a tab or a newline.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Characters that cannot be part of a file name on common systems (path separators included).
_NOT_IN_FILE_NAMES = re.compile(r'[<>:"/\\|?*]')


def one_line(value):
    """``value`` as text on one line: each run of whitespace or control characters becomes
    one space, and none is left at either end. ``None`` gives ``""``."""
    if value is None:
        return ""
    return _BREAKS.sub(" ", str(value)).strip()


def lines(value):
    """``value`` as multi-line text: every line break is ``\\n``, other control characters
    (but tabs) are dropped. ``None`` gives ``""``."""
    if value is None:
        return ""
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", str(value)))


def file_name(value):
    """``value`` as a download's file name: one line, without path separators or the
    characters file systems refuse (each becomes a space)."""
    return one_line(_NOT_IN_FILE_NAMES.sub(" ", one_line(value)))


def file_slug(value):
    """``value`` (a vendor's name) as part of a download's file name: ``file_name`` in lower
    case, with hyphens for spaces."""
    return file_name(value).lower().replace(" ", "-")
