"""The embedded SQLite database (`make run`) takes concurrent writes, and a write that still
finds it locked is told to retry (503 with Retry-After), never given a 500.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse

from governance import services
from tests.factories import ClauseFactory

ROOT = Path(__file__).resolve().parents[2]


def locked(*args, **kwargs):
    raise OperationalError("database is locked")


@pytest.mark.django_db
def test_an_api_write_that_finds_the_database_locked_is_a_503_with_retry_after(api, monkeypatch):
    monkeypatch.setattr(services, "vendor_create", locked)

    response = api.post("/api/v1/vendors/", {"name": "Busy", "services": ["hosting"]})

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response.json() == {"detail": "The database is busy; retry in a moment."}


@pytest.mark.django_db
def test_a_page_whose_write_finds_the_database_locked_is_a_503_with_retry_after(
    client, owner, vendor, monkeypatch
):
    clause = ClauseFactory(vendor=vendor)
    services.profile_for(owner)
    client.force_login(owner)
    monkeypatch.setattr(services, "clause_verify", locked)

    response = client.post(reverse("governance:clause-verify", args=[vendor.pk, clause.pk]))

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert b"try again" in response.content


# A process of its own on a file database, as `make run` has, whatever database the suite
# runs on: the settings' SQLite options are what is tested. Tables come straight from the
# models (no migrations: their history is not what is tested here, and they are slow).
WRITERS = """
import json, sqlite3, sys, threading
import django
from django.conf import settings
django.setup()
from django.apps import apps
from django.core.management import call_command
from django.db import connections
from knox.models import get_token_model
from rest_framework.test import APIClient
from governance.models import Vendor
from tests.factories import UserFactory

writers, timeout, lock = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3] == "held"
settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
call_command("migrate", run_syncdb=True, verbosity=0)
owner = UserFactory(username="owner")
keys = [get_token_model().objects.create(user=owner)[1] for _ in range(writers)]
connections.close_all()
connections.settings["default"]["OPTIONS"]["timeout"] = timeout
if lock:  # another process holding the write lock
    holder = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
start = threading.Barrier(writers)
answers = [None] * writers

def write(n):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {keys[n]}")
    client.raise_request_exception = False  # a server error is a 500, as a client sees it
    body = {"name": f"Concurrent {n}", "services": ["hosting"]}
    start.wait()
    response = client.post("/api/v1/vendors/", body, format="json")
    answers[n] = [response.status_code, response.get("Retry-After")]
    connections.close_all()

threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
if lock:
    holder.execute("ROLLBACK")
stored = Vendor.objects.filter(name__startswith="Concurrent").count()
print(json.dumps({"answers": answers, "stored": stored}))
"""


def write_concurrently(tmp_path, *, writers, timeout=20, lock="free"):
    """POST a vendor from ``writers`` threads at once through the API, on an SQLite file
    database with the settings' options; returns the [status, Retry-After] of each and how
    many vendors were stored."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PYTHONPATH": str(ROOT),
        "ALLOWED_HOSTS": "testserver",  # the test client's host
        "LOG_LEVEL": "CRITICAL",
    }
    result = subprocess.run(
        [sys.executable, "-c", WRITERS, str(writers), str(timeout), lock],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    return outcome["answers"], outcome["stored"]


def test_eight_concurrent_api_writes_on_sqlite_get_no_500(tmp_path):
    answers, stored = write_concurrently(tmp_path, writers=8)

    statuses = [status for status, _ in answers]
    assert 500 not in statuses
    assert set(statuses) <= {201, 409, 503}
    assert stored == statuses.count(201)


def test_an_api_write_waiting_past_the_sqlite_timeout_is_a_503(tmp_path):
    answers, stored = write_concurrently(tmp_path, writers=1, timeout=0.2, lock="held")

    assert answers == [[503, "2"]]
    assert stored == 0
