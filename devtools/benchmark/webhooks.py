"""Webhook fan-out: N events x M subscriptions delivered by real Celery worker processes to
a local receiver (``manage.py bench --only webhooks``).

The runner (``measure``) creates an empty database of its own, starts an HTTP receiver on
127.0.0.1 in this process and a Celery worker (2 processes, as the emails probe runs it),
then runs the child (``python -m devtools.benchmark.webhooks``), which writes the events the
way the services do (each in its own transaction, its deliveries queued on commit) and waits
until every delivery has succeeded or failed. Measured: the time to write and queue, the time
until the last delivery is done (the drain), deliveries per second, and the receiver's count.
"""

import argparse
import datetime as dt
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from devtools.benchmark import processes

HEADING = "## Webhook fan-out"
# Deliveries per second through the worker's two processes to a receiver that answers at
# once: what a burst of events (a vendor's bad morning) needs to reach every subscriber
# within a minute or so.
DELIVERIES_PER_SECOND_MIN = 50


class Receiver:
    """An HTTP server on 127.0.0.1 answering 204 to every POST, counting them."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.count += 1
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def measure(run):
    """Run the fan-out on ``run``'s broker and a database of its own; returns the result."""
    import redis

    options = run.options
    name = f"{options.prefix}_webhooks"
    url = run._url_for(name)
    run._recreate(name)
    base_env = processes.child_env(DATABASE_URL=url, CELERY_BROKER_URL=options.broker_url)
    processes.run(["manage.py", "migrate", "--noinput", "-v", "0"], env=base_env, log=run.log)
    redis.Redis.from_url(options.broker_url).flushdb()
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    with Receiver() as receiver:
        env = {**base_env, "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1"}
        worker = processes.celery_worker(
            "bench-webhooks", env=env, log_path=run._log_path("celery-webhooks.log")
        )
        try:
            finished = processes.run(
                [
                    "-m",
                    "devtools.benchmark.webhooks",
                    "--events",
                    str(options.webhook_events),
                    "--subscriptions",
                    str(options.webhook_subscriptions),
                    "--receiver",
                    receiver.url,
                ],
                env=env,
                log=run.log,
            )
        finally:
            worker.stop()
        received = receiver.count
    result = {**finished.result, "received": received, "load_average": load_average}
    run.log(
        f"{result['deliveries']:,} deliveries ({result['events']} events x "
        f"{result['subscriptions']} subscriptions) drained in {result['drain_seconds']:.2f} s: "
        f"{result['per_second']:.0f}/s; {received:,} received"
    )
    return result


def section(result, check):
    """The markdown section of ``result``; ``check(name, ok)`` records the verdict."""
    if not result:
        return ""
    ok = (
        result["per_second"] >= DELIVERIES_PER_SECOND_MIN
        and result["succeeded"] == (result["deliveries"])
    )
    verdict = check("webhook deliveries per second", ok)
    return "\n".join(
        [
            HEADING,
            "",
            f"Run on its own ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, `manage.py bench "
            f"--only webhooks`, {os.cpu_count()} cores, load average {result['load_average']} "
            f"at the start), on an empty database: {result['events']} events, each written "
            "in its own transaction as a service writes it, for "
            f"{result['subscriptions']} subscriptions each, signed and POSTed by a Celery "
            "worker (2 processes, Redis) to a receiver on 127.0.0.1 that answers at once.",
            "",
            "| measurement | value | target |",
            "| --- | --- | --- |",
            f"| events written and queued | {result['write_seconds']:.2f} s | |",
            f"| drain: first write to last delivery done | {result['drain_seconds']:.2f} s | |",
            f"| deliveries per second | **{result['per_second']:.0f}** "
            f"({result['succeeded']:,} of {result['deliveries']:,} succeeded, "
            f"{result['received']:,} received) | >= {DELIVERIES_PER_SECOND_MIN} {verdict} |",
            f"| the first event: its commit to its first attempt | "
            f"{result['first_seconds']:.2f} s | |",
            f"| median attempt latency (receiver) | {result['median_latency_ms']} ms | |",
        ]
    )


# --- the child ---------------------------------------------------------------------------------


def fan_out(*, events, subscriptions, receiver, timeout=600):
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Count

    from governance.models import (
        Vendor,
        WebhookAttempt,
        WebhookDelivery,
        WebhookEvent,
        WebhookEventType,
        WebhookSubscription,
    )
    from governance.services import webhooks

    owner = get_user_model().objects.create(username="webhook-bench", is_superuser=True)
    vendor = Vendor.objects.create(name="Webhook benchmark vendor", owner=owner)
    for number in range(subscriptions):
        webhooks.save_subscription(
            WebhookSubscription(
                url=f"{receiver}/hook/{number}",
                events=[WebhookEventType.VENDOR_STATUS_CHANGED],
            ),
            by=owner,
        )
    data = webhooks.vendor_data(vendor, previous_status="onboarding")
    started = time.perf_counter()
    for _ in range(events):
        with transaction.atomic():
            webhooks.emit(WebhookEventType.VENDOR_STATUS_CHANGED, vendor=vendor, data=data)
    written = time.perf_counter() - started
    total = events * subscriptions
    deadline = started + timeout
    pending = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING)
    while time.perf_counter() < deadline:
        left = pending.count()
        if not left:
            break
        time.sleep(0.05)
    drained = time.perf_counter() - started
    by_status = dict(
        WebhookDelivery.objects.values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    latencies = sorted(WebhookAttempt.objects.values_list("latency_ms", flat=True))
    # From the first event's commit to its first attempt (the delivery of one event, not
    # waiting for the rest to be written).
    first_event = WebhookEvent.objects.order_by("pk").first()
    first_attempt = (
        WebhookAttempt.objects.filter(delivery__event=first_event).order_by("at").first()
    )
    first = (first_attempt.at - first_event.created_at).total_seconds() if first_attempt else 0
    return {
        "events": events,
        "subscriptions": subscriptions,
        "deliveries": total,
        "write_seconds": round(written, 3),
        "drain_seconds": round(drained, 3),
        "first_seconds": round(first, 3),
        "per_second": round(by_status.get("succeeded", 0) / drained, 1),
        "succeeded": by_status.get("succeeded", 0),
        "failed": by_status.get("failed", 0),
        "pending": by_status.get("pending", 0),
        "median_latency_ms": latencies[len(latencies) // 2] if latencies else None,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m devtools.benchmark.webhooks")
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--subscriptions", type=int, default=10)
    parser.add_argument("--receiver", required=True)
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", processes.SETTINGS)
    import django

    django.setup()
    result = fan_out(
        events=options.events, subscriptions=options.subscriptions, receiver=options.receiver
    )
    sys.stdout.write(processes.RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
