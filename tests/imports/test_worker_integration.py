"""End to end: a large import checked and applied by a real Celery worker (subprocess) on Redis
and PostgreSQL, its progress and result read from the database as the page reads them."""

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from config.celery import app as celery_app
from governance.models import ImportJob, Vendor
from governance.services import imports
from tests.imports.helpers import xlsx_bytes
from tests.reminders.smtp import wait_for
from tests.reminders.test_integration import database_url, live_services_configured

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]


@pytest.fixture(scope="module")
def worker(django_db_setup):
    if not live_services_configured():
        pytest.skip("needs PostgreSQL and a redis:// broker (CI provides both)")
    queue = f"imports-it-{uuid.uuid4().hex[:10]}"
    saved = {
        "task_always_eager": celery_app.conf.task_always_eager,
        "task_default_queue": celery_app.conf.task_default_queue,
    }
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "integration-test-key-not-for-production-0123456789abcdef",
        "DATABASE_URL": database_url(),
        "CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    with tempfile.TemporaryDirectory() as log_dir:
        log_path = Path(log_dir) / "worker.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    *("-m", "celery", "-A", "config", "worker", "--pool=solo"),
                    *("--queues", queue, "--hostname", f"{queue}@%h"),
                    *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                    "--loglevel=INFO",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for(
                lambda: process.poll() is not None or b" ready." in log_path.read_bytes(),
                timeout=60,
                message="the Celery worker did not become ready",
                details=lambda: log_path.read_text(errors="replace")[-3000:],
            )
            yield
        finally:
            process.terminate()
            process.wait(timeout=15)
            for name, value in saved.items():
                setattr(celery_app.conf, name, value)
            redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(
                queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
            )


def status_of(job):
    return ImportJob.objects.values_list("status", flat=True).get(pk=job.pk)


def test_a_large_import_is_checked_and_applied_by_the_worker(worker, owner, monkeypatch):
    monkeypatch.setattr(imports, "INLINE_ROWS", 10)
    rows = [["name", "tier", "contact_name"]] + [
        [f"Worker vendor {n:03d}", "Low", f"Contact {n}"] for n in range(120)
    ]

    job = imports.import_create(
        user=owner, kind="vendors", file_name="big.xlsx", content=xlsx_bytes(rows)
    )

    assert job.status == ImportJob.Status.PENDING
    wait_for(lambda: status_of(job) == "previewed", timeout=60, message="not checked")
    job.refresh_from_db()
    assert job.summary == {"new": 120, "changed": 0, "unchanged": 0, "errors": 0}
    assert job.done_rows == 120
    assert not Vendor.objects.exists()

    imports.import_confirm(job, user=owner)

    wait_for(lambda: status_of(job) == "applied", timeout=60, message="not applied")
    assert Vendor.objects.count() == 120
    assert Vendor.objects.get(name="Worker vendor 007").contacts.get().is_primary
