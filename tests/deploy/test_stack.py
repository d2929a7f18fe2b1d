"""The production-like run end to end: scripts/stack.sh on PostgreSQL and Redis, a real SMTP
server in this process, and reminders travelling beat -> broker -> worker -> SMTP.

Each test creates its own database (gov_stack_smoke_<random>, dropped afterwards) and uses its
own Redis database (5 for the stack, 6 for the two workers), flushed before and after.
"""

import contextlib
import email
import email.policy
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
from aiosmtpd.controller import Controller
from celery import Celery
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get("DATABASE_URL", "")
BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Short enough that a reminder due now goes out within seconds of the stack starting.
SWEEP_SECONDS = 2

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.xdist_group("stacks"),  # one process stack at a time, see tests/test_local_run.py
    pytest.mark.skipif(
        not (
            DATABASE_URL.startswith(("postgres://", "postgresql://"))
            and BROKER_URL.startswith("redis://")
        ),
        reason="needs DATABASE_URL on PostgreSQL and CELERY_BROKER_URL on Redis",
    ),
]


def _with_path(url, path):
    return urlunsplit(urlsplit(url)._replace(path=path))


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self._messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self._messages.append(message)
        return "250 Message accepted for delivery"

    def messages(self, subject_contains=""):
        with self._lock:
            return [m for m in self._messages if subject_contains in str(m["Subject"])]


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.url = f"smtp://127.0.0.1:{controller.port}"
    yield handler
    controller.stop()


@pytest.fixture
def database_url():
    name = f"gov_stack_smoke_{secrets.token_hex(4)}"
    admin = _with_path(DATABASE_URL, "/postgres")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield _with_path(DATABASE_URL, f"/{name}")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _redis_database(number):
    url = _with_path(BROKER_URL, f"/{number}")
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def broker_url():
    yield from _redis_database(5)


@pytest.fixture
def second_broker_url():
    yield from _redis_database(6)


def _environment(tmp_path, *, database_url, broker_url, email_url, **extra):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        EMAIL_URL=email_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="localhost",
        STATIC_ROOT=str(tmp_path / "static"),
        STACK_STATE_DIR=str(tmp_path / "state"),
        GOVERNANCE_REMINDER_SWEEP_SECONDS=str(SWEEP_SECONDS),
        LOG_FORMAT="logfmt",
        BIN=str(BIN),
        HOME=str(tmp_path),
    )
    env.update(extra)
    return env


def _manage(env, *args, timeout=120):
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


# Run in the deployment's own process (manage.py shell): an owner with an email address and
# P1 incidents opened two hours ago, past both their 15-minute response and 60-minute
# resolution targets: each is due two SLA breach reminders now.
BREACHED_INCIDENTS = """
import datetime as dt, json, os
from django.contrib.auth import get_user_model
from django.utils import timezone
from governance import services
from governance.models import Incident, SLATarget

tag = os.environ["SMOKE_TAG"]
owner = get_user_model().objects.create_user(f"owner-{tag}", f"owner-{tag}@example.com")
services.user_role_set(owner, role="manager")  # a new account is a viewer: it may own none
vendor = services.vendor_create(
    owner=owner, name=f"Smoke {tag}", services=["hosting"], tier="high", status="active"
)
services.sla_target_save(
    SLATarget(vendor=vendor, priority="P1", response_minutes=15, resolution_minutes=60)
)
opened = timezone.now() - dt.timedelta(hours=2)
ids = [
    services.incident_save(
        Incident(
            vendor=vendor, external_id=f"{tag}-{n}", title="Storage array down",
            priority="P1", opened_at=opened,
        )
    ).pk
    for n in range(int(os.environ["SMOKE_INCIDENTS"]))
]
print(json.dumps({"owner": owner.email, "incidents": ids}))
"""


def _breached_incidents(env, tag, count):
    output = _manage(
        {**env, "SMOKE_TAG": tag, "SMOKE_INCIDENTS": str(count)}, "shell", "-c", BREACHED_INCIDENTS
    )
    return json.loads(output.strip().splitlines()[-1])


def _reminder_statuses(database_url, kind):
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT status, count(*) FROM governance_reminder WHERE kind = %s GROUP BY status",
            [kind],
        ).fetchall()
    return dict(rows)


def _start(command, env, log_path):
    log = log_path.open("w")
    # Its own process group: the test stops it and everything it started, whatever happens.
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    return process


def _stop(process):
    """SIGTERM to the whole group (a graceful stop), then SIGKILL to whatever outlived it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _wait_for(condition, *, what, timeout, processes=(), logs=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        for process in processes:
            if process.poll() is not None:
                break
        else:
            time.sleep(0.2)
            continue
        break
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-6000:]}" for log in logs)
    pytest.fail(f"gave up waiting for {what}\n{tails}")


def _get_json(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except OSError:
        return None, None


def _answered(url):
    status, body = _get_json(url)
    return (status, body) if status else None


@pytest.mark.timeout(240)
def test_the_stack_serves_health_and_delivers_a_due_reminder_by_beat(
    tmp_path, database_url, broker_url, inbox
):
    port = _free_port()
    env = _environment(
        tmp_path,
        database_url=database_url,
        broker_url=broker_url,
        email_url=inbox.url,
        PORT=str(port),
    )
    log = tmp_path / "stack.log"
    stack = _start(["bash", str(ROOT / "scripts" / "stack.sh")], env, log)
    try:
        health_url = f"http://127.0.0.1:{port}/healthz"
        # Up means migrated, static files collected, gunicorn answering.
        status, body = _wait_for(
            lambda: _answered(health_url),
            what="/healthz to answer",
            timeout=90,
            processes=[stack],
            logs=[log],
        )
        assert (status, body) == (200, {"status": "ok", "database": "ok", "broker": "ok"})

        # seed_demo is a development tool, not in production's INSTALLED_APPS: the benchmark's
        # settings are production's plus devtools.
        seed_env = {**env, "DJANGO_SETTINGS_MODULE": "devtools.benchmark.settings"}
        _manage(seed_env, "seed_demo", "--vendors", "3", "--skip-checks")
        tag = f"SMOKE{secrets.token_hex(3).upper()}"
        created = _breached_incidents(env, tag, 1)

        # Nothing but beat's periodic sweep queues it; a worker sends it to our SMTP server.
        _wait_for(
            lambda: len(inbox.messages(f"{tag}-0")) == 2,
            what="both SLA breach reminders to arrive by SMTP",
            timeout=90,
            processes=[stack],
            logs=[log],
        )
        breach = inbox.messages(f"{tag}-0")[0]
        assert breach["To"] == created["owner"]
        assert str(breach["Subject"]).startswith(f"SLA breached: {tag}-0 (P1) at Smoke {tag}")
        assert breach["Message-ID"].startswith("<reminder-")

        # Sent means recorded as sent, and later sweeps send nothing twice.
        _wait_for(
            lambda: _reminder_statuses(database_url, "sla_breach").get("sent", 0) >= 2,
            what="the reminders to be recorded as sent",
            timeout=30,
            processes=[stack],
            logs=[log],
        )
        time.sleep(2 * SWEEP_SECONDS)
        assert len(inbox.messages(f"{tag}-0")) == 2

        status, body = _get_json(health_url)
        assert (status, body) == (200, {"status": "ok", "database": "ok", "broker": "ok"})
        # Static files collected at start, served by whitenoise, hashed and cached for good.
        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
        css = manifest["paths"]["admin/css/base.css"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/{css}", timeout=5) as got:
            assert got.status == 200
            assert "immutable" in got.headers["Cache-Control"]
        output = log.read_text()
        assert env["SECRET_KEY"] not in output
        # Structured logs on stdout: gunicorn's access line and the worker's own records.
        assert 'logger=gunicorn.access message="GET /healthz 200' in output
        assert "logger=celery.app.trace" in output
    finally:
        _stop(stack)
    assert stack.returncode is not None


@pytest.mark.timeout(240)
def test_two_workers_on_one_broker_send_each_reminder_exactly_once(
    tmp_path, monkeypatch, database_url, second_broker_url, inbox
):
    env = _environment(
        tmp_path,
        database_url=database_url,
        broker_url=second_broker_url,
        email_url=inbox.url,
    )
    _manage(env, "migrate", "--noinput", "--skip-checks")
    tag = f"PAIR{secrets.token_hex(3).upper()}"
    incidents = 12
    _breached_incidents(env, tag, incidents)

    logs = [tmp_path / "worker-one.log", tmp_path / "worker-two.log"]
    workers = [
        _start(
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--hostname",
                f"{name}@%h",
                "--concurrency",
                "2",
                "--without-gossip",
            ],
            env,
            log,
        )
        for name, log in zip(("one", "two"), logs, strict=True)
    ]
    try:
        _wait_for(
            lambda: all(" ready." in log.read_text() for log in logs),
            what="both workers to be ready",
            timeout=60,
            processes=workers,
            logs=logs,
        )
        # Celery prefers CELERY_BROKER_URL from the environment to the broker it is given.
        monkeypatch.delenv("CELERY_BROKER_URL")
        publisher = Celery(broker=second_broker_url)
        assert publisher.conf.broker_url == second_broker_url
        # Concurrent sweeps on both workers race to create and queue the same reminders...
        for _ in range(4):
            publisher.send_task("governance.tasks.sweep_reminders")
        expected = 2 * incidents
        _wait_for(
            lambda: sum(_reminder_statuses(database_url, "sla_breach").values()) >= expected,
            what="the sweeps to create the reminders",
            timeout=60,
            processes=workers,
            logs=logs,
        )
        # ... and every reminder is then queued three more times, as redeliveries would: once
        # in one message with all of them, twice on its own.
        with psycopg.connect(database_url) as connection:
            ids = [row[0] for row in connection.execute("SELECT id FROM governance_reminder")]
        publisher.send_task("governance.tasks.send_reminders", args=[ids])
        for reminder_id in ids * 2:
            publisher.send_task("governance.tasks.send_reminders", args=[[reminder_id]])

        broker = redis.Redis.from_url(second_broker_url)
        _wait_for(
            lambda: (
                _reminder_statuses(database_url, "sla_breach").get("sent") == expected
                and broker.llen("celery") == 0
                and broker.hlen("unacked") == 0
            ),
            what="every reminder sent and every task done",
            timeout=90,
            processes=workers,
            logs=logs,
        )
        broker.close()
        publisher.close()
    finally:
        for worker in workers:
            _stop(worker)

    sent = inbox.messages(tag)
    assert len(sent) == expected
    assert len({m["Message-ID"] for m in sent}) == expected
    assert _reminder_statuses(database_url, "sla_breach") == {"sent": expected}
    # Both workers took part: each ran send tasks (most of them duplicates it had to skip).
    for log in logs:
        assert "unregistered task" not in log.read_text()
        ran = [
            line
            for line in log.read_text().splitlines()
            if "Task governance.tasks.send_reminders[" in line and " succeeded in " in line
        ]
        assert ran, f"{log.name} ran no send_reminders task"
