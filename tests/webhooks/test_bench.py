"""The webhook fan-out benchmark (``manage.py bench --only webhooks``): its measurement, run
here with Celery eager against a real receiver, and its verdict."""

import pytest

from devtools.benchmark import webhooks as bench


@pytest.mark.django_db(transaction=True)
def test_the_fan_out_delivers_every_event_to_every_subscription_and_counts_them(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1"
    with bench.Receiver() as receiver:
        result = bench.fan_out(events=3, subscriptions=2, receiver=receiver.url, timeout=30)
        received = receiver.count

    assert result["deliveries"] == 6
    assert result["succeeded"] == 6
    assert result["pending"] == result["failed"] == 0
    assert received == 6
    assert result["per_second"] > 0


def test_the_section_misses_when_too_slow_or_when_a_delivery_did_not_succeed():
    result = {
        "events": 100,
        "subscriptions": 10,
        "deliveries": 1000,
        "write_seconds": 2.9,
        "drain_seconds": 13.9,
        "first_seconds": 1.4,
        "per_second": 72.0,
        "succeeded": 1000,
        "received": 1000,
        "median_latency_ms": 1,
        "load_average": "1.0, 1.0, 1.0",
    }
    checks = []

    def check(name, ok):
        checks.append(ok)
        return "meets" if ok else "misses"

    assert "**72**" in bench.section(result, check)
    bench.section({**result, "per_second": 20.0}, check)
    bench.section({**result, "succeeded": 999}, check)
    assert checks == [True, False, False]
