"""The hostile-recurrence load probe: stored rules must not hold a web worker, and /healthz
must keep answering, whatever rule a meeting has; rules like these once held workers.

It runs against its own small database (``<prefix>_recurrence``: no seeding, so it runs on its
own in seconds). The child task ``recurrence`` (``probe.py``, via ``store``) creates a manager,
a vendor, its representative and, for each rule of ``STORED_RULES``, a meeting whose rule is
then replaced by a raw UPDATE, as a row stored before the rules were checked would be; and
the same again with a sane rule, as the control. The runner starts gunicorn as the benchmark
does, posts each rule of ``POSTED_RULES`` to the API (each must be refused: 400), and
requests every page, feed and endpoint that expands the stored rules, on both sides, from
several connections at once while another asks for ``/healthz`` every 100 ms (``load``).
gunicorn logs the time each request took in its worker (``worker_times``). The report gives,
per kind of request, the worst time a worker spent on one (the target: under a second), the
worst response time the client saw, queueing included (for /healthz, the target), and the
same requests on the sane side.
"""

import datetime as dt
import http.client
import json
import random
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# The target: no request, whatever rule is stored, holds a worker longer; a worker held longer
# is one fewer to answer everyone else (and /healthz, which the load balancer polls).
TARGET_SECONDS = 1.0
HEALTHZ_EVERY_SECONDS = 0.1
# A request that takes longer is reported as it is; a hung worker would show as this.
CLIENT_TIMEOUT_SECONDS = 60

# Rules seen to break the app: a worker tied until killed, 1,000 identical occurrences, a 500, a
# meeting that never occurs. Every door refuses them now.
REPORTED_RULES = [
    "FREQ=DAILY;INTERVAL=0;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;INTERVAL=0",
    "FREQ=DAILY;INTERVAL=-1",
    "FREQ=DAILY;INTERVAL=200000",
    "FREQ=DAILY;COUNT=-5",
]
# Refused too; stored anyway, these parse and cost an expansion the most work it may do: a
# sparse rule walked day by day, COUNT series that never (or seldom) match walked from their
# first meeting ten years ago, nearly to the end of their period budget, a setpos that no
# month or year has.
COSTLY_RULES = [
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;COUNT=1000;BYDAY=MO,TU;BYSETPOS=2",
    "FREQ=MONTHLY;BYDAY=5MO;BYSETPOS=2",
    "FREQ=YEARLY;BYDAY=53MO;BYSETPOS=2",
    "FREQ=WEEKLY;BYMONTH=2;BYDAY=MO;BYSETPOS=3",
    "FREQ=DAILY;BYDAY=MO;COUNT=1000",
]
# The control: the same vendor, meetings and requests with a rule every door accepts.
SIDES = ("hostile", "sane")
SANE_RULE = "FREQ=WEEKLY;BYDAY=MO"
POSTED_RULES = (
    REPORTED_RULES
    + COSTLY_RULES
    + [
        "FREQ=DAILY;UNTIL=99991231T235959Z",
        "FREQ=WEEKLY;COUNT=99999999999999999999",
    ]
)
# (rule, days between its first meeting and the run): a COUNT series is walked from its first
# meeting on every expansion, up to its period budget (4,000 days for a daily one).
STORED_RULES = [
    *((rule, 60) for rule in REPORTED_RULES),
    *((rule, 3650) for rule in COSTLY_RULES),
    ("FREQ=DAILY;UNTIL=99991231T235959Z", 60),
    ("FREQ=DAILY;BYMONTHDAY=" + ",".join(["31"] * 20_000), 60),
]


def store(now):
    """The probe's people, vendors and meetings (``probe.py recurrence``): for each side of
    ``SIDES`` a manager, a vendor, its representative and a meeting per ``STORED_RULES``; on
    the hostile side the rules are then written by a raw UPDATE, on the sane side every
    meeting keeps ``SANE_RULE``. Then one refresh of each side's next occurrences and one
    reminder sweep, timed.

    Returns what the runner needs, per side: sessions, an API token, the calendar token and
    the ids.
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from knox.models import get_token_model

    from governance import reminders, services
    from governance.models import Meeting, Role, Vendor
    from governance.services import figures

    users = get_user_model()
    sides = {}
    refreshed = {}
    for side in SIDES:
        manager = users.objects.create_user(f"bench-{side}-manager", password=None)
        services.user_role_set(manager, role=Role.MANAGER)
        vendor = services.vendor_create(
            owner=manager,
            name=f"{side.title()} Rules Ltd",
            services=["hosting"],
            tier=Vendor.Tier.HIGH,
            status=Vendor.Status.ACTIVE,
            time_zone="Europe/Warsaw",
            country="PL",
        )
        rep = users.objects.create_user(f"bench-{side}-rep", password=None)
        services.user_role_set(rep, role=Role.VENDOR_REP, vendor=vendor)
        meeting_ids = []
        for rule, days_ago in STORED_RULES:
            first = (now - dt.timedelta(days=days_ago)).replace(hour=8, minute=0, second=0)
            meeting = services.meeting_save(
                Meeting(
                    vendor=vendor,
                    title=f"Stored {rule[:40]}",
                    starts_at=first,
                    duration_minutes=30,
                    time_zone="Pacific/Kiritimati",
                    recurrence=SANE_RULE,
                ),
                attendees=[manager],
            )
            if side == "hostile":
                # What the check refuses, written as an older release or a raw UPDATE could.
                Meeting.objects.filter(pk=meeting.pk).update(recurrence=rule)
            meeting_ids.append(meeting.pk)
        started = time.perf_counter()
        figures.meetings_refresh(Meeting.objects.filter(pk__in=meeting_ids), now=now)
        refreshed[side] = round(time.perf_counter() - started, 3)
        _, token = get_token_model().objects.create(user=manager, expiry=dt.timedelta(days=1))
        sessions = {}
        for label, user in (("manager", manager), ("rep", rep)):
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            sessions[label] = client.cookies[settings.SESSION_COOKIE_NAME].value
        sides[side] = {
            "sessions": sessions,
            "token": token,
            "calendar_token": services.profile_for(manager).calendar_token,
            "vendor_id": vendor.pk,
            "meeting_ids": meeting_ids,
        }
    started = time.perf_counter()
    reminders.sweep(now=now, enqueue=False)
    swept = round(time.perf_counter() - started, 3)
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "sides": sides,
        "in_process": [
            {"label": "next occurrences refreshed", **refreshed},
            {"label": "reminder sweep (both vendors)", "hostile": swept, "sane": None},
        ],
    }


@dataclass
class Request:
    kind: str
    path: str
    auth: str  # "manager", "rep" (session cookies), "token" or "" (none)
    side: str = "hostile"
    method: str = "GET"
    body: dict | None = None
    expected: int = 200


HEALTHZ = "/healthz (alongside)"
# gunicorn's access line (config/gunicorn.py): method, path and query, status, size, time.
ACCESS_LINE = re.compile(
    r"^(?P<method>[A-Z]+) (?P<url>\S*) (?P<status>\d{3}) \S+ bytes (?P<ms>\d+) ms"
)


@dataclass
class Measured:
    """Per kind of request and side: response times (seconds) as the client saw them and the
    time a worker spent on each (milliseconds, from gunicorn's log); unexpected answers."""

    times: dict = field(default_factory=dict)
    worker_ms: dict = field(default_factory=dict)
    unexpected: list = field(default_factory=list)
    # When the timed requests began (UTC): the warm-up before is left out.
    started: dt.datetime | None = None

    def add(self, kind, side, seconds):
        self.times.setdefault((kind, side), []).append(seconds)

    def rows(self):
        """One row per kind: requests, median and worst ms and worst in a worker on the
        hostile side; median and worst in a worker of the same requests on the sane side."""
        rows = []
        for kind in dict.fromkeys(kind for kind, _ in self.times):
            times = self.times.get((kind, "hostile"))
            if not times:
                continue
            sane = self.times.get((kind, "sane"))
            rows.append(
                {
                    "kind": kind,
                    "requests": len(times),
                    "median_ms": _ms(statistics.median(times)),
                    "worst_ms": _ms(max(times)),
                    "worst_worker_ms": max(self.worker_ms.get((kind, "hostile")) or [None]),
                    "sane_median_ms": _ms(statistics.median(sane)) if sane else None,
                    "sane_worst_worker_ms": max(self.worker_ms.get((kind, "sane")) or [None]),
                }
            )
        return rows


def _ms(seconds):
    return round(seconds * 1000, 1)


def worker_times(log_lines, prepared, *, now, measured):
    """Fill ``measured.worker_ms`` from gunicorn's access lines (JSON, LOG_LEVEL=INFO), which
    carry the path and query (without the "?") of each request."""
    known = {("GET", "/healthz"): (HEALTHZ, "hostile")}
    for request in requests(prepared, now=now):
        known[(request.method, request.path.replace("?", "", 1))] = (request.kind, request.side)
    for line in log_lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("logger") != "gunicorn.access":
            continue
        logged = dt.datetime.fromisoformat(record["time"]) if "time" in record else None
        if measured.started is not None and (logged is None or logged < measured.started):
            continue
        match = ACCESS_LINE.match(record.get("message", ""))
        found = match and known.get((match["method"], match["url"]))
        if found:
            measured.worker_ms.setdefault(found, []).append(int(match["ms"]))


def requests(prepared, *, now):
    """Every request that expands a stored rule, on both sides, plus each rule posted to the
    API. The pages both sides share carry ``?probe=<side>`` so the access log tells them
    apart."""
    found = []
    window = f"start={now:%Y-%m-%dT%H:%M:%SZ}&end={now + dt.timedelta(days=366):%Y-%m-%dT%H:%M:%SZ}"
    for side, ids in prepared["sides"].items():
        vendor, calendar_token = ids["vendor_id"], ids["calendar_token"]
        if side == "hostile":
            found += [
                Request(
                    "API create (refused)",
                    "/api/v1/meetings/",
                    "token",
                    method="POST",
                    body={
                        "vendor": vendor,
                        "title": "Posted",
                        "starts_at": "2026-01-05T08:00:00Z",
                        "time_zone": "Europe/Warsaw",
                        "recurrence": rule,
                    },
                    expected=400,
                )
                for rule in POSTED_RULES
            ]
        found += [
            Request("dashboard", f"/?probe={side}", "manager", side),
            Request("vendor page", f"/vendors/{vendor}/", "manager", side),
            Request("meeting list", f"/vendors/{vendor}/meetings/", "manager", side),
            Request("user's feed", f"/calendar/{calendar_token}.ics", "", side),
            Request("vendor's feed", f"/calendar/{calendar_token}/vendors/{vendor}.ics", "", side),
            Request("portal home", f"/portal/?probe={side}", "rep", side),
        ]
        for meeting in ids["meeting_ids"]:
            found += [
                Request("meeting page", f"/vendors/{vendor}/meetings/{meeting}/", "manager", side),
                Request(
                    "meeting .ics", f"/vendors/{vendor}/meetings/{meeting}/ics/", "manager", side
                ),
                Request(
                    "API occurrences",
                    f"/api/v1/meetings/{meeting}/occurrences/?{window}",
                    "token",
                    side,
                ),
                Request("portal meeting", f"/portal/meetings/{meeting}/", "rep", side),
            ]
    return found


def load(base, prepared, *, now, connections, rounds, healthz_every=HEALTHZ_EVERY_SECONDS):
    """Send every request ``rounds`` times, in a shuffled order, over ``connections``
    concurrent connections, while another connection asks for /healthz every
    ``healthz_every`` seconds (None: not at all).

    Returns ``Measured`` (kinds in first-seen order, /healthz last). Only ever loopback.
    """
    parts = urlsplit(base)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("load is only ever sent to loopback")
    cookie = prepared["session_cookie"]
    headers = {}
    for side, ids in prepared["sides"].items():
        headers[side, "manager"] = {"Cookie": f"{cookie}={ids['sessions']['manager']}"}
        headers[side, "rep"] = {"Cookie": f"{cookie}={ids['sessions']['rep']}"}
        headers[side, "token"] = {"Authorization": f"Token {ids['token']}"}
        headers[side, ""] = {}
    once = requests(prepared, now=now)
    planned = once * rounds
    random.Random(12).shuffle(planned)
    measured = Measured()
    for request in once:
        measured.times.setdefault((request.kind, request.side), [])
    lock = threading.Lock()
    done = threading.Event()

    def send(request, *, timed=True):
        status, seconds = _send(parts, request, headers[request.side, request.auth])
        with lock:
            if timed:
                measured.add(request.kind, request.side, seconds)
            if status != request.expected:
                measured.unexpected.append(f"{request.method} {request.path}: {status}")

    # Untimed first, on every worker: a worker's first requests import and connect.
    warm_up = once + [Request("healthz", "/healthz", "")] * (2 * connections)
    with ThreadPoolExecutor(max_workers=connections) as pool:
        list(pool.map(lambda request: send(request, timed=False), warm_up))
    measured.started = dt.datetime.now(dt.UTC)

    def healthz():
        while not done.is_set():
            status, seconds = _send(parts, Request("healthz", "/healthz", ""), {})
            with lock:
                measured.add(HEALTHZ, "hostile", seconds)
                if status != 200:
                    measured.unexpected.append(f"GET /healthz: {status}")
            done.wait(healthz_every)

    poller = threading.Thread(target=healthz)
    if healthz_every is not None:
        poller.start()
    try:
        with ThreadPoolExecutor(max_workers=connections) as pool:
            list(pool.map(send, planned))
    finally:
        done.set()
        if poller.is_alive():
            poller.join()
    return measured


def _send(parts, request, headers):
    """(status, seconds) of one request on a new connection; status 0 when it failed."""
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=CLIENT_TIMEOUT_SECONDS
    )
    body = None
    headers = dict(headers)
    if request.body is not None:
        body = json.dumps(request.body)
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    try:
        connection.request(request.method, request.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        status = 0
    finally:
        connection.close()
    return status, time.perf_counter() - started
