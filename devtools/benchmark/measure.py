"""Measuring requests in-process: server time is the time spent in the WSGI application.

Each request is a WSGI call of Django's handler (the same application gunicorn runs), with a
real session cookie or API token; the body is consumed inside the timing, and the queries are
captured on the thread's connection.
"""

import io
import statistics
import sys
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class Target:
    """One measured URL: a page (session login) or an API list (token)."""

    label: str
    path: str
    kind: str  # "page" or "api"

    @property
    def paginated(self):
        return self.kind == "api" or self.path.startswith(
            ("/vendors/?", "/action-items/?", "/inbox/?", *PORTFOLIO_LISTS)
        )

    @property
    def path_only(self):
        """The path without its query: the list at its default page length."""
        return self.path.partition("?")[0]


# The portfolio-wide lists and the clause-gap matrix (a page of 25 each, every vendor's).
PORTFOLIO_LISTS = ("/incidents/?", "/reviews/?", "/clauses/?", "/goals/?", "/clauses/gaps/?")


# Rows per page of every paginated list when its server time is measured. The same at every
# size: the smallest portfolio has 10 vendors, so a page of the default length (25 vendors,
# 50 API rows) would be partly empty there and full at 10,000, and the ratio would measure
# the page filling up rather than the cost of the data behind it.
LIST_ROWS = 10


def targets(*, vendor_id, goal_id, resources):
    """Every measured URL: the dashboard, the vendor list, a workspace, the action-item
    register, the inbox and every API list."""
    found = [
        Target("dashboard", "/", "page"),
        Target("vendor list", f"/vendors/?per_page={LIST_ROWS}", "page"),
        Target("vendor workspace", f"/vendors/{vendor_id}/", "page"),
        # The portfolio's open action items, every vendor's, overdue first (a page of 25).
        Target("action-item register", "/action-items/?scope=all", "page"),
        # The manager's inbox: what every vendor's representatives did, newest first.
        Target("inbox", "/inbox/?page=1", "page"),
        # Every vendor's incidents not yet resolved, newest first; reviews overdue or due in
        # 30 days; clauses expiring or due for verification in 60 days; active goals; and the
        # clause-gap matrix (vendors x required clause types, with the totals per type).
        Target("portfolio incidents", "/incidents/?scope=all&status=open", "page"),
        Target("portfolio reviews", "/reviews/?scope=all&due=soon", "page"),
        Target("portfolio clauses", "/clauses/?scope=all&expiring=60", "page"),
        Target("portfolio goals", "/goals/?scope=all&status=active", "page"),
        Target("clause gaps", "/clauses/gaps/?scope=all", "page"),
    ]
    for resource in resources:
        found.append(Target(f"api {resource}", f"/api/v1/{resource}/?page_size={LIST_ROWS}", "api"))
    found.append(
        Target("api check-ins", f"/api/v1/goals/{goal_id}/check-ins/?page_size={LIST_ROWS}", "api")
    )
    return found


def percentile(values, share):
    """Nearest-rank percentile of ``values`` (share 0-1)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


class Caller:
    """Calls the WSGI application as gunicorn would, as one logged-in user."""

    def __init__(self, *, session_key, token):
        self.app = WSGIHandler()
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
        self.token = token

    def environ(self, target):
        environ = {
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "PATH_INFO": target.path_only,
            "QUERY_STRING": target.path.partition("?")[2],
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if target.kind == "api":
            environ["HTTP_AUTHORIZATION"] = f"Token {self.token}"
            environ["HTTP_ACCEPT"] = "application/json"
        else:
            environ["HTTP_COOKIE"] = self.cookie
        return environ

    def call(self, target):
        """(seconds, number of queries, status code, body length) of one request."""
        status = []
        environ = self.environ(target)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = self.app(environ, lambda code, headers, exc_info=None: status.append(code))
            try:
                size = sum(len(chunk) for chunk in result)
            finally:
                if hasattr(result, "close"):
                    result.close()
            elapsed = time.perf_counter() - started
        return elapsed, len(queries), int(status[0].split()[0]), size


def measure(caller, target, *, repeat, warmup, budget=30.0):
    """Median and p95 server time (ms) and the query count of ``target``.

    ``repeat`` samples after ``warmup`` requests, fewer (at least 3) for a page so slow that
    they would take more than ``budget`` seconds. Raises RuntimeError on any status but 200:
    a fast error page is not a measurement.
    """
    times, counts = [], set()
    elapsed = 0.0
    for _ in range(max(1, warmup)):
        elapsed, _, size = _checked(caller, target)
    if elapsed * repeat > budget:
        repeat = max(3, int(budget / elapsed))
    for _ in range(repeat):
        elapsed, count, size = _checked(caller, target)
        times.append(elapsed * 1000)
        counts.add(count)
    return {
        "label": target.label,
        "path": target.path,
        "kind": target.kind,
        "paginated": target.paginated,
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        # A page whose count changes between identical requests would show as a range.
        "queries": max(counts),
        "queries_min": min(counts),
        "bytes": size,
        "samples": len(times),
    }


def _checked(caller, target):
    elapsed, count, status, size = caller.call(target)
    if status != 200:
        raise RuntimeError(f"{target.path} answered {status}")
    return elapsed, count, size
