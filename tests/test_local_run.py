"""`make run`'s process set: web, worker and beat start together and stop together.

Runs scripts/run.sh (what `make run` starts after installing, migrating and seeding) on a
throwaway SQLite database and filesystem broker, as a terminal would, then presses Ctrl-C.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

# One process stack at a time (parallel runs keep this group on one worker): two at once on
# two cores only make each other time out.
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.xdist_group("stacks")]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def test_make_run_serves_the_login_page_with_a_worker_and_beat_and_ctrl_c_stops_all(tmp_path):
    broker = tmp_path / "broker"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(
            {
                "data_folder_in": str(broker / "out"),
                "data_folder_out": str(broker / "out"),
                "processed_folder": str(broker / "processed"),
                "control_folder": str(broker / "control"),
            }
        ),
        "BEAT_SCHEDULE": str(tmp_path / "celerybeat-schedule"),
        "EMAIL_URL": "consolemail://",
        "PYTHONUNBUFFERED": "1",
    }
    (broker / "out").mkdir(parents=True)
    (broker / "processed").mkdir()
    for command in (["migrate", "--noinput"], ["seed_demo", "--vendors", "3", "--if-empty"]):
        subprocess.run(
            [str(BIN / "python"), "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=180,
        )
    port = _free_port()
    log = tmp_path / "run.log"
    with log.open("wb") as output:
        run = subprocess.Popen(
            ["bash", "scripts/run.sh", str(BIN), str(port)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(lambda: _status(f"{base}/accounts/login/") == 200, 60, "the login page")
        _wait_for(
            lambda: all(
                line in log.read_text()
                for line in ("ready.", "beat: Starting", "demo / demo-governance")
            ),
            60,
            "the worker, beat and the printed login",
        )
        assert _status(f"{base}/healthz") == 200
        # The worker's exchange bindings: in the broker's folder, not ./control beside the code.
        assert (broker / "control").is_dir()
    finally:
        # Ctrl-C in a terminal signals the whole foreground process group.
        os.killpg(run.pid, signal.SIGINT)
        try:
            run.wait(timeout=30)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(run.pid, signal.SIGKILL)
    leftovers = subprocess.run(
        ["pgrep", "-g", str(run.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert leftovers == [], f"still running after Ctrl-C: {leftovers}"
