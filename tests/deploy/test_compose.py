"""The compose stack, the image and the documented configuration, checked without Docker."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


def _command(service):
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else command


def test_the_compose_file_validates_against_the_compose_specification():
    pytest.importorskip("check_jsonschema")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(COMPOSE),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_web_worker_and_beat_are_one_definition_with_different_commands():
    document = yaml.compose(COMPOSE.read_text())
    top = {key.value: value for key, value in document.value}
    anchored = top["x-app"]
    services = {key.value: value for key, value in top["services"].value}
    for name in APP_SERVICES:
        merged = [value for key, value in services[name].value if key.tag.endswith(":merge")]
        # The very node of x-app (a YAML alias), not a copy that could drift from it.
        assert merged == [anchored], f"{name} does not merge <<: *app"


def test_the_app_services_run_one_image_on_the_production_settings(compose):
    services = compose["services"]
    images = {services[name]["image"] for name in APP_SERVICES}
    builds = {str(services[name]["build"]) for name in APP_SERVICES}
    assert images == {"vendor-governance:latest"}
    assert builds == {"."}
    for name in APP_SERVICES:
        service = services[name]
        assert service["env_file"] == ".env"
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    commands = [" ".join(_command(services[name])) for name in APP_SERVICES]
    assert len(set(commands)) == len(APP_SERVICES)
    assert _command(services["web"])[0] == "gunicorn"
    assert _command(services["worker"])[:3] == ["celery", "--app=config", "worker"]


def test_there_is_exactly_one_beat(compose):
    services = compose["services"]
    running_beat = [name for name, service in services.items() if "beat" in _command(service)]
    assert running_beat == ["beat"]
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
    assert "scale" not in services["beat"]


def test_the_app_waits_for_healthy_services_and_a_finished_migration(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }
    migrate = services["migrate"]
    assert _command(migrate) == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}


def test_postgres_keeps_its_data_and_reports_its_health(compose):
    postgres = compose["services"]["postgres"]
    assert "postgres-data:/var/lib/postgresql/data" in postgres["volumes"]
    assert "postgres-data" in compose["volumes"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert "ping" in compose["services"]["redis"]["healthcheck"]["test"]


def test_mail_goes_to_mailpit_whose_web_ui_is_published(compose):
    mailpit = compose["services"]["mailpit"]
    assert mailpit["image"].startswith("axllent/mailpit:")
    assert any(port.endswith(":8025") for port in mailpit["ports"])
    environment = compose["services"]["worker"]["environment"]
    assert environment["EMAIL_URL"] == "${EMAIL_URL:-smtp://mailpit:1025}"


def test_the_image_is_slim_non_root_and_health_checked():
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", dockerfile, flags=re.MULTILINE)
    assert stages and all(stage == "python:3.11-slim" for stage in stages)
    assert "pip install -r /tmp/requirements.txt" in dockerfile
    assert re.search(r"^USER app$", dockerfile, flags=re.MULTILINE)
    # collectstatic runs at build, as root, before the switch to the app user.
    assert dockerfile.index("manage.py collectstatic") < dockerfile.index("USER app")
    healthcheck = re.search(r"^HEALTHCHECK .*?(?=^\S)", dockerfile, flags=re.M | re.S).group()
    assert "/healthz" in healthcheck
    assert re.search(r'^CMD \["gunicorn", "--config", "config/gunicorn.py"', dockerfile, re.M)


def test_the_image_leaves_out_secrets_and_local_state():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".env", ".git", ".venv", "var", "staticfiles"):
        assert path in ignored


def test_the_image_leaves_out_the_development_tools(compose):
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "devtools" in ignored
    # Nothing the image or the stack runs needs them (production does not install devtools).
    dockerfile = (ROOT / "Dockerfile").read_text()
    instructions = re.findall(r"^(?:RUN|CMD|ENTRYPOINT) .*?(?=^\S|\Z)", dockerfile, re.M | re.S)
    for step in ("collectstatic", "gunicorn"):
        assert any(step in instruction for instruction in instructions), step
    commands = [" ".join(_command(service)) for service in compose["services"].values()]
    for command in instructions + commands:
        assert not re.search(r"\b(devtools|seed_demo|bench)\b", command), command


# Variables that configure a machine or a test run, not the deployed application.
NOT_DEPLOYMENT_SETTINGS = {"CELERY_TASK_ALWAYS_EAGER"}


def _variables_read_by_the_settings():
    names = set()
    settings = ROOT / "config" / "settings"
    for path in (settings / "base.py", settings / "production.py", ROOT / "config" / "gunicorn.py"):
        source = path.read_text()
        names |= set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", source))
        names |= set(re.findall(r"os\.environ\.get\(\"([A-Z][A-Z0-9_]*)\"", source))
    names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE.read_text()))
    return names - NOT_DEPLOYMENT_SETTINGS - {"DJANGO_SETTINGS_MODULE"}


def test_env_example_documents_every_variable_the_deployment_reads():
    documented = set(
        re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M)
    )
    missing = _variables_read_by_the_settings() - documented
    assert not missing, f"add to .env.example: {', '.join(sorted(missing))}"
