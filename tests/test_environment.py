"""CI must exercise the real services: this fails when the suite silently fell back, and
tests/conftest.py turns any skipped test into a failure where CI_REQUIRE_SERVICES is set."""

import os

import pytest
import redis
from django.conf import settings
from django.db import connection

requires_services = pytest.mark.skipif(
    not os.environ.get("CI_REQUIRE_SERVICES"), reason="only enforced where CI sets it"
)


@requires_services
@pytest.mark.django_db
def test_the_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert "PostgreSQL" in cursor.fetchone()[0]


@requires_services
def test_the_broker_is_a_live_redis():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert redis.Redis.from_url(settings.CELERY_BROKER_URL).ping() is True


# --- the guard itself, in a pytest run of its own --------------------------------------------

# The suite's own hooks (tests/conftest.py) and no other plugin: Django is set up by hand.
GUARD = """
import django

django.setup()

from tests.conftest import (
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_make_collect_report,
    pytest_runtest_makereport,
)
"""
GUARDED_TESTS = """
import pytest


def test_runs():
    pass


@pytest.mark.postgres
def test_needs_postgresql():
    pass


def test_skips_itself():
    pytest.skip("no SMTP server here")


@pytest.mark.xfail(reason="a known bug, still run")
def test_known_bug():
    assert False
"""


@pytest.fixture
def guarded(pytester, monkeypatch):
    """Runs GUARDED_TESTS on SQLite under the suite's hooks, with CI_REQUIRE_SERVICES as given."""
    monkeypatch.setenv("PYTHONPATH", str(settings.BASE_DIR))
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.test")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # a second, not five
    pytester.makeconftest(GUARD)
    pytester.makepyfile(test_guarded=GUARDED_TESTS)
    pytester.makeini("[pytest]\nmarkers =\n    postgres: needs PostgreSQL\n")

    def run(ci_require_services, *args):
        monkeypatch.setenv("CI_REQUIRE_SERVICES", ci_require_services)
        return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA", *args)

    return run


def test_outside_ci_a_postgresql_test_on_sqlite_is_skipped_saying_why(guarded):
    result = guarded("")

    result.assert_outcomes(passed=1, skipped=2, xfailed=1)
    result.stdout.fnmatch_lines(["SKIPPED * needs PostgreSQL: set DATABASE_URL=postgres://*"])
    assert result.ret == pytest.ExitCode.OK


def test_in_ci_every_skipped_test_fails_the_run(guarded):
    result = guarded("1")

    # The marker's skip comes in setup (an error), the test's own in the call (a failure); an
    # expected failure still ran, so it stands.
    result.assert_outcomes(passed=1, errors=1, failed=1, xfailed=1)
    output = result.stdout.str()
    assert "requires every test to run: needs PostgreSQL: set DATABASE_URL" in output
    assert "requires every test to run: no SMTP server here" in output
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_in_ci_no_test_can_be_left_out_by_marker_or_keyword(guarded):
    result = guarded("1", "-m", "not postgres")

    result.stderr.fnmatch_lines(["*CI_REQUIRE_SERVICES=1 runs every test: no -m or -k*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_every_collected_test_has_its_own_node_id(request):
    # pytest-xdist's grouped scheduling runs one test of those sharing an id, silently.
    ids = [item.nodeid for item in request.session.items]
    assert len(ids) == len(set(ids))
