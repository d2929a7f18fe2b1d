"""GET /healthz on the production settings when a service is down: 503, and no secrets.

(The smoke test in test_stack.py covers the healthy 200 through gunicorn.) Each case runs in a
fresh process, as a deployment does, through the whole middleware stack.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client(raise_request_exception=False, HTTP_HOST="localhost").get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.content.decode()}))
"""


def _closed_port():
    """A local port with nothing listening on it: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthz(tmp_path, *, database_url, broker_url):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "governance.example.com",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "CRITICAL",
    }
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    return answer["status"], answer["body"]


def test_healthz_is_503_naming_the_broker_when_redis_is_down(tmp_path):
    broker = f"redis://:broker-password@127.0.0.1:{_closed_port()}/0"
    status, body = _healthz(
        tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}", broker_url=broker
    )
    assert status == 503
    assert json.loads(body) == {"status": "unavailable", "database": "ok", "broker": "unavailable"}
    assert "broker-password" not in body


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    database = f"postgres://governance:db-password@127.0.0.1:{_closed_port()}/governance"
    broker = f"redis://127.0.0.1:{_closed_port()}/0"
    status, body = _healthz(tmp_path, database_url=database, broker_url=broker)
    assert status == 503
    assert json.loads(body)["database"] == "unavailable"
    assert "db-password" not in body
