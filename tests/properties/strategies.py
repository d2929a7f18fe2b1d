"""Hostile values, one strategy per kind of field, for the web forms (text) and the API (JSON).

Each strategy mixes values a careful client would send, values at and just past the limits
every stored value keeps (``governance.domain.bounds``), and plain garbage, so a door that lets a
bad value through, or fails on one, shows up within a few dozen examples. ``OMIT`` leaves the
field out of the request altogether.
"""

import datetime as dt
import json

from hypothesis import strategies as st

OMIT = object()

# --- text ------------------------------------------------------------------------------------

CONTROL_CHARACTERS = [chr(code) for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]]
ODD_CHARACTERS = [
    "\r\n",
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u200b",  # zero-width space
    "\ufeff",  # byte-order mark
    "\u0301",  # a combining accent with nothing to combine with
    "\U0001f600",  # emoji
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # a joined emoji family
    "\uffff",
    "\U0010ffff",
]
SPECIAL_TEXTS = [
    "",
    " ",
    "   \t  ",
    "x" * 10_000,
    "é" * 201,
    "\U0001f600" * 301,
    '=HYPERLINK("http://evil.example","click")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A9)",
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}{% now 'Y' %}",
    "%s %d %(name)s {0} {name}",
    "'; DROP TABLE governance_vendor; --",
    "BEGIN:VEVENT\r\nSUMMARY:injected\r\nEND:VEVENT",
    "Subject: injected\r\nBcc: victim@example.com",
    "\\N \\n \\, \\;",
    "a\x00b",
    "tab\tinside",
    "line\nbreak",
    "Weekly\r\nsync",
    "Line\u2028sep",
    "Escape\x1b[31mred",
    "\u202egnp.exe",
]


def texts():
    """Text of any length, with control characters, line breaks and odd Unicode."""
    specials = st.sampled_from(SPECIAL_TEXTS)
    odd = st.sampled_from(CONTROL_CHARACTERS + ODD_CHARACTERS)
    mixed = st.lists(
        st.one_of(odd, st.text(max_size=8), st.just("Ops desk")), min_size=1, max_size=6
    ).map("".join)
    long = st.builds(
        lambda unit, times: unit * times,
        st.sampled_from(["a", "é", "\n", " "]),
        st.integers(190, 12_000),
    )
    return st.one_of(specials, mixed, st.text(max_size=40), long)


def api_texts():
    """``texts()`` plus what only JSON can carry: lone surrogates."""
    return st.one_of(texts(), st.sampled_from(["\ud800", "bad\udfffsurrogate"]))


# --- dates and times -------------------------------------------------------------------------

BOUND_DATES = [
    "1900-01-01",
    "1899-12-31",
    "2199-12-31",
    "2200-01-01",
    "0001-01-01",
    "9999-12-31",
    "1-01-01",
    "10000-01-01",
    "2026-02-29",
    "2028-02-29",
    "2026-13-01",
    "2026-00-10",
    "2026-03-10\x00",
    "31/12/2199",
    "12/31/2199",
    "2199-12-31T23:00:00+14:00",
    "2026-W10-2",
    "+002026-03-10",
    "now",
    "",
    " ",
]
ZONES = ["UTC", "Pacific/Kiritimati", "Etc/GMT+12", "Etc/GMT-14", "America/New_York"]
OFFSET_MOMENTS = [
    "1900-01-01T00:00:00+14:00",  # the first day in its own zone, 1899 in UTC
    "1900-01-01T00:00:00-12:00",
    "1899-12-31T23:59:59-12:00",
    "2199-12-31T23:59:59-12:00",  # the last day in its own zone, 2200 in UTC
    "2199-12-31T23:59:59+14:00",
    "2200-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",  # past year 9999 in UTC
    "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
    "0001-01-01T00:00:00Z",
    "2026-03-10T12:00:00",  # no offset
    "2026-03-10T12:00:00+25:00",
    "2026-03-10T24:00:00Z",
    "2026-03-08T02:30:00",  # a wall-clock time New York skips
    "2026-03-10T12:00:00.123456789Z",
    "2026-03-10 12:00",
    "2026-03-10",
    "",
]
LOCAL_MOMENTS = [
    "1900-01-01T00:00",
    "1899-12-31T23:59",
    "2199-12-31T23:59",
    "2200-01-01T00:00",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-03-08T02:30",  # skipped in New York
    "2026-11-01T01:30",  # twice in New York
    "2026-03-10T12:00",
    "2026-03-10T12:00:00+14:00",
    "2026-03-10",
    "2026-03-10T25:00",
    "",
]
TIMES = ["00:00", "23:59", "23:59:59.999999", "24:00", "25:61", "9", "12:00 PM", "noon", ""]


def iso_dates():
    return st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(
        dt.date.isoformat
    )


def dates():
    return st.one_of(st.sampled_from(BOUND_DATES), iso_dates())


def moments():
    """ISO 8601 moments with offsets as far as they go, at and past the date window."""
    drawn = st.datetimes(
        min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)
    ).flatmap(
        lambda moment: st.sampled_from(["+14:00", "-12:00", "Z", "+05:45", ""]).map(
            lambda offset: moment.isoformat() + offset
        )
    )
    return st.one_of(st.sampled_from(OFFSET_MOMENTS), drawn)


def local_moments():
    """``<input type=datetime-local>`` values, read in the signed-in user's time zone."""
    drawn = st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31))
    return st.one_of(
        st.sampled_from(LOCAL_MOMENTS), drawn.map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M"))
    )


def split_moments():
    """The admin's date and time boxes of one moment: (date, time)."""
    return st.tuples(dates(), st.sampled_from([*TIMES, "12:00:00"]))


def times():
    return st.one_of(st.sampled_from(TIMES), st.times().map(lambda t: t.isoformat()))


# --- numbers ---------------------------------------------------------------------------------

INTEGERS = [
    -1,
    0,
    1,
    59,
    1440,
    1441,
    3660,
    3661,
    5_270_400,
    5_270_401,
    2**31 - 1,
    2**31,
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    10**30,
]
NUMBER_TEXTS = [
    "1e30",
    "-1e30",
    "1E-30",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "sNaN",
    "-0",
    "1.5",
    "0x10",
    " 42 ",
    "1_000",
    "\u0663",  # ARABIC-INDIC DIGIT THREE
    "\uff11\uff12",  # fullwidth 12
    "9999999999.9999",
    "10000000000",
    "99999999999999",
    "12345678901234567890.5",
    "0.123456789012345678901234567890",
    "1.",
    ".5",
    "1,5",
    "",
    "abc",
]


def integers(*, api):
    base = st.one_of(st.sampled_from(INTEGERS), st.integers(min_value=-(10**20), max_value=10**20))
    if api:
        return st.one_of(
            base,
            st.sampled_from(NUMBER_TEXTS),
            st.sampled_from([1.5, 1e30, -0.0, float("nan"), float("inf"), True, None, [1], {}]),
        )
    return st.one_of(base.map(str), st.sampled_from(NUMBER_TEXTS))


def decimals(*, api):
    drawn = st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str)
    if api:
        return st.one_of(
            integers(api=True),
            drawn,
            st.floats(allow_nan=True, allow_infinity=True),
            st.sampled_from([1e308, -1e308, 5e-324, 10**400]),
        )
    return st.one_of(integers(api=False), drawn)


# --- structured values -----------------------------------------------------------------------


def _nested(depth, leaf="x"):
    value = leaf
    for _ in range(depth):
        value = {"a": value}
    return value


JSON_DOCUMENTS = [
    _nested(10),
    _nested(11),
    _nested(60),
    {"notification_hours": 24},
    {"x": "y" * 20_000},
    {"key\u0000": 1},
    {"text": "a\u0000b"},
    {"text": "line\nbreak\x1b"},
    {"": None},
    {"big": 10**400},
    {"float": 1e308},
    [1, 2, 3],
    [],
    "text",
    "",
    42,
    None,
    True,
]
JSON_TEXTS = [
    "[" * 5000 + "]" * 5000,
    '{"a":' * 5000 + "1" + "}" * 5000,
    '{"a": NaN}',
    '{"a": Infinity}',
    '{"a": 1e999}',
    '{"a": 1, "a": 2}',
    '{"a": "\\u0000"}',
    '{"a": "\\ud800"}',
    "{",
    "nul\x00",
    "",
    "   ",
    "null",
]


def json_values(*, api):
    """JSON documents: nested past the limit, huge, not an object, holding NUL."""
    documents = st.one_of(
        st.sampled_from(JSON_DOCUMENTS),
        st.recursive(
            st.one_of(st.none(), st.booleans(), st.integers(), texts()),
            lambda children: st.one_of(
                st.lists(children, max_size=4), st.dictionaries(texts(), children, max_size=4)
            ),
            max_leaves=12,
        ),
    )
    if api:
        return documents
    return st.one_of(
        documents.map(lambda value: json.dumps(value, ensure_ascii=False)),
        st.sampled_from(JSON_TEXTS),
    )


RULES = [
    "FREQ=DAILY;INTERVAL=0",
    "FREQ=DAILY;INTERVAL=-1",
    "FREQ=DAILY;INTERVAL=200000",
    "FREQ=YEARLY;INTERVAL=10",
    "FREQ=YEARLY;INTERVAL=11",
    "FREQ=DAILY;COUNT=-5",
    "FREQ=DAILY;COUNT=0",
    "FREQ=DAILY;COUNT=1000000",
    "FREQ=DAILY;COUNT=1000",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",
    "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=MONTHLY;BYMONTHDAY=-31",
    "FREQ=MONTHLY;BYDAY=5FR",
    "FREQ=MONTHLY;BYDAY=-5FR",
    "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",
    "FREQ=YEARLY;BYYEARDAY=366",
    "FREQ=YEARLY;BYYEARDAY=-366",
    "FREQ=WEEKLY;BYSETPOS=400;BYDAY=MO",
    "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR",
    "FREQ=SECONDLY",
    "FREQ=MINUTELY;INTERVAL=1",
    "FREQ=HOURLY;BYHOUR=25",
    "FREQ=DAILY;BYHOUR=23;BYMINUTE=59;BYSECOND=60",
    "FREQ=DAILY;UNTIL=21991231T235959Z",
    "FREQ=DAILY;UNTIL=22000101T000000Z",
    "FREQ=DAILY;UNTIL=99991231",
    "FREQ=DAILY;UNTIL=18991231",
    "FREQ=DAILY;UNTIL=20260101",
    "FREQ=DAILY;COUNT=2;UNTIL=20270101",
    "FREQ=WEEKLY;BYDAY=XX",
    "FREQ=WEEKLY;WKST=XX",
    "FREQ=DAILY;FREQ=WEEKLY",
    "RRULE:FREQ=DAILY",
    "rrule:freq=daily",
    "FREQ=DAILY;;",
    "FREQ=DAILY\r\nATTENDEE:mailto:x@example.com",
    "FREQ=DAILY\x00",
    "EXDATE:20260101",
    "DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY",
    "FREQ=",
    "FREQ=FORTNIGHTLY",
    "INTERVAL=2",
    ";",
    "",
]
FREQUENCIES = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY", "X"]
RULE_PARTS = {
    "INTERVAL": st.integers(-2, 400_000).map(str),
    "COUNT": st.integers(-5, 2_000_000).map(str),
    "BYMONTH": st.integers(-1, 14).map(str),
    "BYMONTHDAY": st.integers(-32, 32).map(str),
    "BYDAY": st.sampled_from(["MO", "1TU", "-1FR", "5SU", "53MO", "XX", "MO,MO"]),
    "BYSETPOS": st.integers(-400, 400).map(str),
    "BYWEEKNO": st.integers(-54, 54).map(str),
    "BYYEARDAY": st.integers(-367, 367).map(str),
    "BYHOUR": st.integers(-1, 25).map(str),
    "UNTIL": st.one_of(
        st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(
            lambda day: day.strftime("%Y%m%d")
        ),
        st.sampled_from(["21991231T235959Z", "19000101T000000Z", "garbage"]),
    ),
}


def rules():
    """RFC 5545 recurrence rules: odd combinations and values past every limit."""
    built = st.builds(
        lambda freq, parts: ";".join([f"FREQ={freq}", *(f"{k}={v}" for k, v in parts)]),
        st.sampled_from(FREQUENCIES),
        st.lists(
            st.sampled_from(sorted(RULE_PARTS)).flatmap(
                lambda key: RULE_PARTS[key].map(lambda value: (key, value))
            ),
            max_size=3,
        ),
    )
    return st.one_of(st.sampled_from(RULES), built)


TIME_ZONES = [
    "UTC",
    "Pacific/Kiritimati",
    "Etc/GMT+12",
    "Etc/GMT-14",
    "America/New_York",
    "Europe/Warsaw",
    "+14:00",
    "EST",
    "utc",
    "Mars/Olympus",
    "../../etc/passwd",
    "Europe/Warsaw\x00",
    "localtime",
    "Factory",
    "posixrules",
    "",
]
CODES = [
    "PL",
    "pl",
    " PL ",
    "P",
    "POL",
    "EUR",
    "eur",
    "EURO",
    "\u0141\u0141",
    "XX",
    "XXX",
    "",
    "1",
    "P\x00",
]
EMAILS = [
    "ops@example.com",
    "a@b",
    "x" * 300 + "@example.com",
    "a@b.c\r\nBcc: victim@example.com",
    "\u00e9@\u00e9.example",
    "@",
    "a@[127.0.0.1]",
    "a@b\x00.com",
    "",
]
URLS = [
    "https://example.com/nda.pdf",
    "javascript:alert(1)",
    "http://" + "a" * 600 + ".example",
    "https://exa mple.com",
    "ftp://example.com/x",
    "https://\u4f8b\u3048.jp/",
    "//evil.example",
    "https://example.com/\x00",
    "https://example.com/\r\nX: y",
    "",
]
LEAD_TIMES = [
    "14, 3, 0",
    "90m",
    "24h",
    "2d",
    "1w",
    "-1",
    "0",
    "366",
    "367",
    "1e9",
    "99999999999999999999d",
    "10000w",
    "1w,1w",
    "m",
    "NaN",
    "inf",
    "1.5d",
    ";;;",
    "\u0663",
    "",
]
LEAD_VALUES = [14, 0, 366, 367, 3660, 3661, 999_999_999, 1e300, -1, True, None, "90m", "1y"]
LEAD_VALUES += ["999999999d", "100000000w", "1e400d", ""]
REMINDER_KINDS = ["review_upcoming", "meeting", "clause_expiry", "goal_due", "contract_notice"]


def lead_time_documents():
    """A profile's per-kind lead times as the admin's JSON box takes them (text)."""
    values = st.one_of(
        st.lists(st.sampled_from(LEAD_VALUES), max_size=4),
        st.sampled_from(LEAD_VALUES),
        st.just({}),
    )
    kinds = st.sampled_from([*REMINDER_KINDS, "digest", "bogus", ""])
    documents = st.dictionaries(kinds, values, max_size=3)
    return st.one_of(documents.map(json.dumps), json_values(api=False))


BOOLEANS = ["on", "", "true", "false", "0", "1", "yes", "NaN", "\x00"]


def choices(values, *, api):
    """A choice field's own values, near misses and junk."""
    values = [str(value) for value in values]
    near = [value.upper() for value in values] + [f" {value}" for value in values]
    junk = ["", "bogus", "\x00", "x" * 300]
    strategy = st.sampled_from(values + near[:6] + junk) if values else st.sampled_from(junk)
    if api:
        return st.one_of(
            strategy, st.sampled_from([None, 1, True, [values[0] if values else ""], {}])
        )
    return strategy


def multichoices(values, *, api):
    one = choices(values, api=api)
    lists = st.one_of(
        st.lists(one, max_size=4),
        st.sampled_from([[values[0]] * 2 if values else [], list(values) * 40]),
    )
    if api:
        return st.one_of(lists, one, st.sampled_from([None, {}, [[]]]))
    return lists


def ids(pool, *, api):
    """Ids: the world's (its own vendor's and the other vendor's), 0, -1, huge, junk."""
    edge = [0, -1, 2**31, 2**63, 10**30]
    texts_ = ["", "abc", "1.5", "1e3", " 1", "\x00", "[1]"]
    strategy = st.one_of(st.sampled_from(sorted(pool) or [1]), st.sampled_from(edge))
    if api:
        return st.one_of(strategy, st.sampled_from([*texts_, None, True, 1.0, [1], {"id": 1}]))
    return st.one_of(strategy.map(str), st.sampled_from(texts_))


def id_lists(pool, *, api):
    lists = st.lists(ids(pool, api=api), max_size=5)
    if api:
        return st.one_of(lists, ids(pool, api=True), st.just(list(range(1, 2000))))
    return lists


def booleans(*, api):
    if api:
        return st.sampled_from([True, False, None, 0, 1, 2, "true", "yes", "on", "NaN", [], {}])
    return st.sampled_from(BOOLEANS)


def files():
    """(name, content, content type) of an evidence upload."""
    names = st.sampled_from(
        [
            "nda.pdf",
            "x" * 300 + ".pdf",
            "\u202egnp.exe",
            "../../etc/passwd",
            "a\x00b.pdf",
            "line\nbreak.pdf",
            "\U0001f600.pdf",
            ".pdf",
            "noextension",
            "report.PDF",
            "evil.html",
        ]
    )
    contents = st.sampled_from(
        [b"%PDF-1.4 evidence", b"", b"MZ\x90\x00", b"<script>alert(1)</script>"]
    )
    types = st.sampled_from(["application/pdf", "text/html", "application/x-msdownload", ""])
    return st.tuples(names, contents, types)


# --- one strategy per kind -------------------------------------------------------------------


def hostile(kind, *, api, choices_=(), pool=()):
    """The strategy for one field of ``kind``; sometimes a value of another kind, or OMIT."""
    own = {
        "date": dates,
        "datetime": moments if api else local_moments,
        "split_datetime": split_moments,
        "time": times,
        "int": lambda: integers(api=api),
        "decimal": lambda: decimals(api=api),
        "text": api_texts if api else texts,
        "json": lambda: json_values(api=api),
        "rrule": rules,
        "tz": lambda: st.sampled_from(TIME_ZONES),
        "code": lambda: st.sampled_from(CODES),
        "email": lambda: st.sampled_from(EMAILS),
        "url": lambda: st.sampled_from(URLS),
        "lead": lambda: st.sampled_from(LEAD_TIMES),
        "lead_json": lead_time_documents,
        "bool": lambda: booleans(api=api),
        "choice": lambda: choices(choices_, api=api),
        "multichoice": lambda: multichoices(choices_, api=api),
        "fk": lambda: ids(pool, api=api),
        "m2m": lambda: id_lists(pool, api=api),
        "file": files,
    }[kind]()
    if kind in ("split_datetime", "file"):
        return st.one_of(own, st.just(OMIT))
    # Mostly values of this kind; now and then another kind's, or nothing at all.
    stranger = st.one_of(
        dates(), integers(api=api), texts(), st.just(OMIT), *([st.none()] if api else [])
    )
    return st.one_of(own, own, own, stranger)
