"""Production refuses to start without EMAIL_URL instead of mailing reminders and password
resets to a console nobody reads; every documented way of starting it sets one."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "governance.example.com",
    "DATABASE_URL": "postgres://governance:secret@db.internal:5432/governance",
}
SHOW_BACKEND = "import django; from django.conf import settings; print(settings.EMAIL_BACKEND)"


def start(tmp_path, code, **variables):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), **PRODUCTION, **variables}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_email_url(tmp_path):
    result = start(tmp_path, SHOW_BACKEND)

    assert result.returncode != 0
    assert "Set the EMAIL_URL environment variable" in result.stderr


def test_production_sends_mail_where_email_url_says(tmp_path):
    result = start(tmp_path, SHOW_BACKEND, EMAIL_URL="smtp://mailer.internal:25")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"


def test_every_documented_production_start_sets_email_url():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["x-app"]["environment"]["EMAIL_URL"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    build_step = re.search(
        r"^RUN SECRET_KEY=.*?manage.py collectstatic", dockerfile, re.M | re.S
    ).group()
    assert "EMAIL_URL=" in build_step
    stack = (ROOT / "scripts" / "stack.sh").read_text()
    assert 'export EMAIL_URL="smtp://127.0.0.1:$SMTP_SINK_PORT"' in stack
