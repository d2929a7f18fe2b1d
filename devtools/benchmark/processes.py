"""Child processes of a benchmark run: probes, seed_demo, gunicorn, a Celery worker, an SMTP
sink. Every process the run starts is stopped by it, by its own id."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from devtools.benchmark.probe import RESULT_PREFIX

PROJECT_DIR = Path(__file__).resolve().parents[2]
SETTINGS = "devtools.benchmark.settings"


@dataclass
class Finished:
    """A child that ran to its end: its result, wall time and peak resident memory."""

    result: object
    seconds: float
    peak_rss_mb: float


def child_env(**variables):
    env = dict(os.environ)
    # LOG_LEVEL here too: gunicorn's config reads it before the benchmark settings load.
    env.update(
        {"DJANGO_SETTINGS_MODULE": SETTINGS, "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING"}
    )
    env.update({name: str(value) for name, value in variables.items()})
    return env


def run(args, *, env, log, timeout=1800):
    """Run a Python child to its end, forwarding its output to ``log`` line by line.

    Returns ``Finished`` with the JSON after ``RESULT`` (None if it printed none) and the
    child's own peak RSS (``os.wait4``: ru_maxrss of that process alone, in KB on Linux).
    Raises RuntimeError when it fails or outlives ``timeout`` seconds.
    """
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    timer = threading.Timer(timeout, _kill_group, args=(process.pid,))
    timer.start()
    result, tail = None, []
    try:
        for line in process.stdout:
            line = line.rstrip("\n")
            if line.startswith(RESULT_PREFIX):
                result = json.loads(line[len(RESULT_PREFIX) :])
            elif line.strip():
                tail = [*tail[-19:], line]
                log(line)
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
        process.stdout.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} exited with {process.returncode}:\n" + "\n".join(tail)
        )
    peak_mb = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Finished(result, time.monotonic() - started, round(peak_mb, 1))


def probe(task, *, env, log, **options):
    args = ["-m", "devtools.benchmark.probe", task]
    for name, value in options.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    return run(args, env=env, log=log)


def _kill_group(pid):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Service:
    """A long-running child (gunicorn, a Celery worker) in its own process group."""

    def __init__(self, name, args, *, env, log_path):
        self.name = name
        self.log_path = log_path
        self.log_file = open(log_path, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, *args],
            cwd=PROJECT_DIR,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self):
        return self.process.pid

    def alive(self):
        return self.process.poll() is None

    def children(self):
        """Ids of the processes this service forked (gunicorn's or Celery's workers)."""
        path = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def stop(self):
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                _kill_group(self.pid)
                self.process.wait(timeout=10)
        self.log_file.close()

    def log_tail(self, lines=20):
        with contextlib.suppress(OSError):
            return "\n".join(Path(self.log_path).read_text().splitlines()[-lines:])
        return ""


def celery_worker(name, *, env, log_path):
    """A Celery worker of two processes (as the benchmark measures delivery), named ``name``."""
    return Service(
        "celery worker",
        [
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{name}-{time.time_ns()}@%h",
        ],
        env=env,
        log_path=log_path,
    )


def memory_mb(pid):
    """(current, peak) resident memory of a live process, in MB (VmRSS, VmHWM)."""
    values = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0]) / 1024
    return round(values.get("VmRSS", 0), 1), round(values.get("VmHWM", 0), 1)


def wait_for_http(url, *, service, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not service.alive():
            raise RuntimeError(f"{service.name} stopped:\n{service.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{service.name} did not answer {url} in {timeout} s")


class SMTPSink:
    """A local SMTP server (aiosmtpd) that accepts and counts every message."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.received = 0
        self.port = free_port()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.received += 1
                return "250 Message accepted"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc_info):
        self.controller.stop()
