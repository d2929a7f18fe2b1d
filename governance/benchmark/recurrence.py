"""The hostile-recurrence load probe (issue 12): rules that used to hold a web worker.

It runs against its own small database (``<prefix>_recurrence``: no seeding, so it runs on its
own in seconds). The child task ``recurrence`` (``probe.py``, via ``store``) creates a manager,
a vendor, its representative and, for each rule of ``STORED_RULES``, a meeting whose rule is
then replaced by a raw UPDATE, as a row stored before the rules were checked would be. The
runner starts gunicorn as the benchmark does, posts each rule of ``POSTED_RULES`` to the API
(each must be refused: 400), and requests every page, feed and endpoint that expands the
stored rules from several connections at once while another asks for ``/healthz`` every
100 ms (``load``). gunicorn logs each request's time in its worker (``worker_times``). The
report gives, per kind of request, the worst time a worker spent on one (the target: under a
second) and the worst response time the client saw, queueing included (for /healthz, the
target).
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

# The target of issue 12: no request, whatever rule is stored, holds a worker longer.
TARGET_SECONDS = 1.0
HEALTHZ_EVERY_SECONDS = 0.1
# A request that takes longer is reported as it is; a hung worker would show as this.
CLIENT_TIMEOUT_SECONDS = 60

# The issue's rules: a worker tied until killed, 1,000 identical occurrences, a 500, a
# meeting that never occurs. Every door refuses them now.
ISSUE_RULES = [
    "FREQ=DAILY;INTERVAL=0;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;INTERVAL=0",
    "FREQ=DAILY;INTERVAL=-1",
    "FREQ=DAILY;INTERVAL=200000",
    "FREQ=DAILY;COUNT=-5",
]
# Refused too; stored anyway, these parse and cost an expansion the most work it may do: a
# sparse rule walked day by day, a COUNT series walked from 1900 that never matches, a
# setpos that no month or year has.
COSTLY_RULES = [
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;COUNT=1000;BYDAY=MO,TU;BYSETPOS=2",
    "FREQ=MONTHLY;BYDAY=5MO;BYSETPOS=2",
    "FREQ=YEARLY;BYDAY=53MO;BYSETPOS=2",
    "FREQ=WEEKLY;BYMONTH=2;BYDAY=MO;BYSETPOS=3",
    "FREQ=DAILY;BYDAY=MO;COUNT=1000",
]
POSTED_RULES = (
    ISSUE_RULES
    + COSTLY_RULES
    + [
        "FREQ=DAILY;UNTIL=99991231T235959Z",
        "FREQ=WEEKLY;COUNT=99999999999999999999",
    ]
)
# (rule, first start): a COUNT series is walked from its first meeting on every expansion,
# so the costly ones start as early as the date window allows.
STORED_RULES = [
    *((rule, "2026-01-05T08:00:00+00:00") for rule in ISSUE_RULES),
    *((rule, "1900-01-01T08:00:00+00:00") for rule in COSTLY_RULES),
    ("FREQ=DAILY;UNTIL=99991231T235959Z", "2026-01-05T08:00:00+00:00"),
    ("FREQ=DAILY;BYMONTHDAY=" + ",".join(["31"] * 20_000), "2026-01-05T08:00:00+00:00"),
]


def store(now):
    """The probe's people, vendor and hostile meetings (``probe.py recurrence``), then one
    reminder sweep and one refresh of the meetings' next occurrences, timed.

    Returns what the runner needs: sessions, an API token, the calendar token and the ids.
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from knox.models import get_token_model

    from governance import figures, reminders, services
    from governance.models import Meeting, Role, Vendor

    users = get_user_model()
    manager = users.objects.create_user("bench-manager", password=None)
    services.user_role_set(manager, role=Role.MANAGER)
    vendor = services.vendor_create(
        owner=manager,
        name="Hostile Rules Ltd",
        services=["hosting"],
        tier=Vendor.Tier.HIGH,
        status=Vendor.Status.ACTIVE,
        time_zone="Europe/Warsaw",
        country="PL",
    )
    rep = users.objects.create_user("bench-rep", password=None)
    services.user_role_set(rep, role=Role.VENDOR_REP, vendor=vendor)
    meeting_ids = []
    for rule, starts_at in STORED_RULES:
        meeting = services.meeting_save(
            Meeting(
                vendor=vendor,
                title=f"Stored {rule[:40]}",
                starts_at=dt.datetime.fromisoformat(starts_at),
                duration_minutes=30,
                time_zone="Pacific/Kiritimati",
                recurrence="FREQ=WEEKLY",
            ),
            attendees=[manager],
        )
        # What the check refuses, written as an older release or a raw UPDATE could have.
        Meeting.objects.filter(pk=meeting.pk).update(recurrence=rule)
        meeting_ids.append(meeting.pk)
    started = time.perf_counter()
    figures.meetings_refresh(Meeting.objects.filter(pk__in=meeting_ids), now=now)
    refreshed = time.perf_counter() - started
    started = time.perf_counter()
    reminders.sweep(now=now, enqueue=False)
    swept = time.perf_counter() - started
    _, token = get_token_model().objects.create(user=manager, expiry=dt.timedelta(days=1))
    sessions = {}
    for label, user in (("manager", manager), ("rep", rep)):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        sessions[label] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "sessions": sessions,
        "token": token,
        "calendar_token": services.profile_for(manager).calendar_token,
        "vendor_id": vendor.pk,
        "meeting_ids": meeting_ids,
        "in_process": {
            "next occurrences refreshed": round(refreshed, 3),
            "reminder sweep": round(swept, 3),
        },
    }


@dataclass
class Request:
    kind: str
    path: str
    auth: str  # "manager", "rep" (session cookies), "token" or "" (none)
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
    """Response times (seconds) per kind of request as the client saw them, the time a worker
    spent on each (milliseconds, from gunicorn's log), and any unexpected answer."""

    times: dict = field(default_factory=dict)
    worker_ms: dict = field(default_factory=dict)
    unexpected: list = field(default_factory=list)

    def add(self, kind, seconds):
        self.times.setdefault(kind, []).append(seconds)

    def rows(self):
        """One row per kind: requests, median and worst milliseconds, worst in a worker."""
        return [
            {
                "kind": kind,
                "requests": len(times),
                "median_ms": round(statistics.median(times) * 1000, 1),
                "worst_ms": round(max(times) * 1000, 1),
                "worst_worker_ms": max(self.worker_ms[kind]) if self.worker_ms.get(kind) else None,
            }
            for kind, times in self.times.items()
            if times
        ]


def worker_times(log_lines, prepared, *, now, measured):
    """Fill ``measured.worker_ms`` from gunicorn's access lines (JSON, LOG_LEVEL=INFO)."""
    known = [(r.method, r.path.partition("?")[0], r.kind) for r in requests(prepared, now=now)]
    known.append(("GET", "/healthz", HEALTHZ))
    # The longest path first: a meeting's page is a prefix of its .ics.
    known.sort(key=lambda item: len(item[1]), reverse=True)
    for line in log_lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("logger") != "gunicorn.access":
            continue
        match = ACCESS_LINE.match(record.get("message", ""))
        if match is None:
            continue
        for method, path, kind in known:
            if match["method"] == method and match["url"].startswith(path):
                measured.worker_ms.setdefault(kind, []).append(int(match["ms"]))
                break


def requests(prepared, *, now):
    """Every request that expands a stored rule, plus each rule posted to the API."""
    vendor, calendar_token = prepared["vendor_id"], prepared["calendar_token"]
    found = [
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
        Request("dashboard", "/", "manager"),
        Request("vendor page", f"/vendors/{vendor}/", "manager"),
        Request("meeting list", f"/vendors/{vendor}/meetings/", "manager"),
        Request("user's feed", f"/calendar/{calendar_token}.ics", ""),
        Request("vendor's feed", f"/calendar/{calendar_token}/vendors/{vendor}.ics", ""),
        Request("portal home", "/portal/", "rep"),
    ]
    window = f"start={now:%Y-%m-%dT%H:%M:%SZ}&end={now + dt.timedelta(days=366):%Y-%m-%dT%H:%M:%SZ}"
    for meeting in prepared["meeting_ids"]:
        found += [
            Request("meeting page", f"/vendors/{vendor}/meetings/{meeting}/", "manager"),
            Request("meeting .ics", f"/vendors/{vendor}/meetings/{meeting}/ics/", "manager"),
            Request(
                "API occurrences", f"/api/v1/meetings/{meeting}/occurrences/?{window}", "token"
            ),
            Request("portal meeting", f"/portal/meetings/{meeting}/", "rep"),
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
    headers = {
        "manager": {"Cookie": f"{cookie}={prepared['sessions']['manager']}"},
        "rep": {"Cookie": f"{cookie}={prepared['sessions']['rep']}"},
        "token": {"Authorization": f"Token {prepared['token']}"},
        "": {},
    }
    planned = requests(prepared, now=now) * rounds
    random.Random(12).shuffle(planned)
    measured = Measured()
    for request in requests(prepared, now=now):
        measured.times.setdefault(request.kind, [])
    lock = threading.Lock()
    done = threading.Event()

    def send(request):
        status, seconds = _send(parts, request, headers[request.auth])
        with lock:
            measured.add(request.kind, seconds)
            if status != request.expected:
                measured.unexpected.append(f"{request.method} {request.path}: {status}")

    def healthz():
        while not done.is_set():
            status, seconds = _send(parts, Request("healthz", "/healthz", ""), {})
            with lock:
                measured.add(HEALTHZ, seconds)
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
