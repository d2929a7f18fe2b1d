import collections
import os

import pytest
from _pytest.nodeid import NodeId
from django.db import connection

from tests.factories import UserFactory, VendorFactory

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what one test kept (the gap totals, keyed on
    history ids that SQLite gives out again after a rollback) is not another's."""
    from django.core.cache import cache

    cache.clear()


POSTGRES_ONLY = "needs PostgreSQL: set DATABASE_URL=postgres://... to run it (CI does)"


def services_required():
    """True where CI runs: every test must run, so a skipped one fails."""
    return bool(os.environ.get("CI_REQUIRE_SERVICES"))


def _moved_clock():
    """``TEST_CLOCK=2027-01-05T10:00:00Z``: the whole run starts at that moment (the clock
    ticks on from there; a test that freezes time still freezes it). To find the tests that
    depend on today's date (the factories' fixed dates: a goal due 31 Dec 2026) before the
    calendar gets there."""
    moment = os.environ.get("TEST_CLOCK")
    if not moment:
        return None
    import time_machine

    travel = time_machine.travel(moment, tick=True)
    travel.start()
    return travel


def pytest_configure(config):
    config._moved_clock = _moved_clock()
    if services_required() and (config.option.markexpr or config.option.keyword):
        raise pytest.UsageError("CI_REQUIRE_SERVICES=1 runs every test: no -m or -k")


def pytest_report_header(config):
    required = " (CI_REQUIRE_SERVICES=1: a skipped test fails)" if services_required() else ""
    return f"database: {connection.vendor}{required}"


def pytest_collection_modifyitems(config, items):
    _give_each_test_its_own_node_id(items)
    # Decided once, here, so the reason is the same everywhere and CI can refuse it.
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason=POSTGRES_ONLY)
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


def _give_each_test_its_own_node_id(items):
    """schemathesis 4.32 on pytest 9.2 gives every operation's test the node id of the test
    function, without the operation. pytest-xdist's grouped scheduling (--dist loadgroup, what
    `make test-all` and CI use) keys its work by node id, so it ran one of the 63 and reported
    nothing missing. Such tests get their name (with the operation) back in their id."""
    counts = collections.Counter(item.nodeid for item in items)
    for item in items:
        if counts[item.nodeid] > 1:
            item._id = NodeId.parse(f"{item.parent.nodeid}::{item.name}")
    counts = collections.Counter(item.nodeid for item in items)
    if duplicated := [nodeid for nodeid, count in counts.items() if count > 1]:
        raise pytest.UsageError(f"tests sharing a node id (xdist would run one): {duplicated}")


def _refuse_skip(report):
    """Where CI_REQUIRE_SERVICES is set, turn a skipped report into a failed one."""
    if not (report.skipped and services_required()) or hasattr(report, "wasxfail"):
        return report
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    reason = reason.removeprefix("Skipped: ")
    report.outcome = "failed"
    report.longrepr = f"skipped, but CI_REQUIRE_SERVICES=1 requires every test to run: {reason}"
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    return _refuse_skip((yield))


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    return _refuse_skip((yield))


@pytest.fixture
def owner(db):
    """A relationship owner: the IT manager who owns the vendor under test."""
    return UserFactory(username="owner")


@pytest.fixture
def member(db):
    """Another IT manager of the same department."""
    return UserFactory(username="member")


@pytest.fixture
def outsider(db):
    """A user with no relationship to the vendor under test."""
    return UserFactory(username="outsider")


@pytest.fixture
def vendor(owner):
    return VendorFactory(name="Acme Hosting", owner=owner)
