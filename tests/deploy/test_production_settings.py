"""config.settings.production, run the way a deployment runs it: a fresh process and env vars."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What a deployment's environment looks like: nothing else from the developer's shell leaks in.
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "ALLOWED_HOSTS": "governance.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://governance.example.com",
    "DATABASE_URL": "postgres://governance:secret@db.internal:5432/governance",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    "SITE_URL": "https://governance.example.com",
}


def _environment(tmp_path, **overrides):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}
    env.update(PRODUCTION_ENV, SECRET_KEY=secrets.token_urlsafe(50))
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def _run(args, env, timeout=120):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _environment(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_a_required_variable(tmp_path, missing):
    result = _run(["manage.py", "check"], _environment(tmp_path, **{missing: None}))
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


SHOW_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "STATICFILES": settings.STORAGES["staticfiles"]["BACKEND"],
    "DATABASE": settings.DATABASES["default"]["HOST"],
    "BROKER": settings.CELERY_BROKER_URL,
    "EMAIL_HOST": settings.EMAIL_HOST,
    "HIJACK": settings.CELERY_WORKER_HIJACK_ROOT_LOGGER,
    "INSTALLED_APPS": settings.INSTALLED_APPS,
}))
"""


def _settings(tmp_path, **overrides):
    result = _run(["-c", SHOW_SETTINGS], _environment(tmp_path, **overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_production_behaviour_follows_the_environment_alone(tmp_path):
    default = _settings(tmp_path)
    assert default["DEBUG"] is False
    assert default["SECURE_SSL_REDIRECT"] is True
    assert default["SESSION_COOKIE_SECURE"] is default["CSRF_COOKIE_SECURE"] is True
    assert default["STATICFILES"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert (default["DATABASE"], default["BROKER"], default["EMAIL_HOST"]) == (
        "db.internal",
        "redis://redis.internal:6379/0",
        "smtp.example.com",
    )
    # The worker and beat log through LOGGING, not Celery's own root handler.
    assert default["HIJACK"] is False
    # The public name, plus loopback for the container's own health check.
    assert default["ALLOWED_HOSTS"] == ["governance.example.com", "localhost", "127.0.0.1"]

    switched = _settings(tmp_path, SECURE_SSL_REDIRECT="False", ALLOWED_HOSTS="localhost")
    assert switched["SECURE_SSL_REDIRECT"] is False
    assert switched["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1"]


def test_production_leaves_out_the_development_tools(tmp_path):
    installed = _settings(tmp_path)["INSTALLED_APPS"]
    assert "governance" in installed
    assert not [app for app in installed if app.split(".")[0] == "devtools"]
    # Demo data and the benchmark are not commands of a deployment; the reminder sweep is.
    result = _run(["manage.py", "help", "--commands"], _environment(tmp_path))
    assert result.returncode == 0, result.stderr
    commands = result.stdout.split()
    assert "send_reminders" in commands
    assert "seed_demo" not in commands
    assert "bench" not in commands


def test_static_files_are_collected_hashed_and_compressed_for_whitenoise(tmp_path):
    static_root = tmp_path / "static"
    # The same dummy environment the Dockerfile's build step uses: no secret, no database.
    env = _environment(
        tmp_path,
        SECRET_KEY="collectstatic-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="localhost",
        DATABASE_URL="sqlite:////tmp/collectstatic.sqlite3",
        STATIC_ROOT=str(static_root),
    )
    result = _run(["manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["admin/css/base.css"]
    assert hashed != "admin/css/base.css"
    assert (static_root / hashed).exists()
    assert (static_root / f"{hashed}.gz").exists()
