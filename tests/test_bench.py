"""``manage.py bench`` at a tiny size: every measured item is in the table it writes.

A smoke test of the whole run (databases, seed_demo, sweep, pages, gunicorn, a Celery worker,
an SMTP sink); it asserts what is reported, never how fast anything was.
"""

import os
from io import StringIO

import pytest
import redis
from django.core.management import CommandError, call_command

from governance.api import urls as api_urls

DATABASE_URL = os.environ.get("DATABASE_URL", "")
BROKER = "redis://127.0.0.1:6379/9"


def _redis_up():
    try:
        return redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


needs_services = pytest.mark.skipif(
    not DATABASE_URL.startswith(("postgres://", "postgresql://")) or not _redis_up(),
    reason="the benchmark runs on PostgreSQL (DATABASE_URL) and Redis (db 9)",
)


@needs_services
@pytest.mark.timeout(300)
def test_a_tiny_benchmark_reports_every_measured_item(tmp_path):
    output = tmp_path / "benchmarks.md"
    out = StringIO()

    call_command(
        "bench",
        small=1,
        medium=0,
        large=2,
        repeat=1,
        warmup=1,
        duration=0.5,
        connections=2,
        load="python",
        emails=5,
        prefix="gov_bench_smoke",
        output=str(output),
        stdout=out,
    )

    table = output.read_text()
    assert table in out.getvalue()
    pages = ["dashboard", "vendor list", "vendor workspace"]
    api_lists = [f"api {prefix}" for prefix, _, _ in api_urls.router.registry]
    api_lists.append("api check-ins")
    for label in pages + api_lists:
        assert f"\n| {label} | " in table, label
    throughput = table.split("## API list throughput")[1].split("## Reminders")[0]
    for label in api_lists:
        assert f"\n| {label} | " in throughput, label
    for item in (
        "sweep at 1 vendors",
        "sweep at 2 vendors",
        "second sweep at 2 vendors",
        "emails through a Celery worker",
        "seed_demo --vendors 2",
        "reminder sweep at 2 vendors",
        "gunicorn worker after serving every page at 2 vendors",
    ):
        assert item in table, item
    assert "## Result" in table


def test_the_benchmark_refuses_a_database_other_than_postgresql():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command(
            "bench", database_url="sqlite:///var/bench.sqlite3", output="-", stdout=StringIO()
        )
