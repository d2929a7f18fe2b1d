"""The benchmark's child processes: ``python -m devtools.benchmark.probe TASK [options]``.

Each task runs in its own process (so its peak memory is its own, read by the parent with
``os.wait4``), against the database in DATABASE_URL, with ``devtools.benchmark.settings``.
Progress goes to stderr; the result is one JSON line on stdout starting with ``RESULT``.

Tasks: ``prepare`` (a session and an API token for the demo superuser, a vendor and a goal to
measure), ``pages`` (server time and queries of every page and API list), ``sweep`` (one
reminder sweep, then a second that finds nothing new), ``emails`` (hand reminders to the
Celery workers and wait until they are sent), ``rows`` (rows in the domain's tables),
``recurrence`` (the hostile-recurrence probe's people and stored rules: ``recurrence.store``),
``credits`` (every vendor's credit statements for twelve months, in bulk: ``credits.measure``),
``settle`` (VACUUM (ANALYZE) before the pages are timed).
"""

import argparse
import datetime as dt
import json
import os
import sys
import time

RESULT_PREFIX = "RESULT "
# Kinds whose emails stay due whatever the wall clock says when the worker gets to them
# (a meeting reminder is dropped once the meeting started; an SLA warning once breached).
STABLE_KINDS = (
    "review_upcoming",
    "review_overdue",
    "clause_expiry",
    "goal_due",
    "contract_notice",
    "sla_breach",
)


def _emit(result):
    sys.stdout.write(RESULT_PREFIX + json.dumps(result, default=str) + "\n")
    sys.stdout.flush()


def _progress(message):
    sys.stderr.write(f"    {message}\n")
    sys.stderr.flush()


def prepare(options):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from knox.models import get_token_model

    from devtools import demo
    from governance.models import Goal, Vendor

    user = get_user_model().objects.get(username=demo.DEMO_USERNAME)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    _, token = get_token_model().objects.create(user=user, expiry=dt.timedelta(days=1))
    # The first vendor: with the same seed it is the same vendor, with the same history, at
    # every size, so its workspace must cost the same at every size.
    vendor = Vendor.objects.order_by("pk").first()
    goal = Goal.objects.filter(vendor=vendor).order_by("pk").first()
    from django.conf import settings

    _emit(
        {
            "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "token": token,
            "vendor_id": vendor.pk,
            "goal_id": goal.pk,
            "vendors": Vendor.objects.count(),
        }
    )


def pages(options):
    from devtools.benchmark import measure
    from governance.api import urls as api_urls

    caller = measure.Caller(session_key=options.session, token=options.token)
    resources = [prefix for prefix, _, _ in api_urls.router.registry]
    results = []
    wanted = [label for label in options.targets.split(",") if label]
    for target in measure.targets(
        vendor_id=options.vendor_id, goal_id=options.goal_id, resources=resources
    ):
        if wanted and not any(label in target.label for label in wanted):
            continue
        row = measure.measure(caller, target, repeat=options.repeat, warmup=options.warmup)
        _progress(
            f"{target.label:<18} median {row['median_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f} ms"
            f"  {row['queries']} queries"
        )
        results.append(row)
    _emit(results)


def sweep(options):
    from django.db import connection

    from governance import reminders
    from governance.models import Reminder, RowCount
    from governance.services import figures

    now = dt.datetime.fromisoformat(options.now)
    # The stored next occurrences as beat's figures refresh leaves them at `now` (it runs
    # every few minutes): the sweep reads a series' stored next occurrence, and expands the
    # series only when that one has begun.
    figures.meetings_advance(now=now)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Reminder._meta.db_table}")
    # TRUNCATE fires no row count trigger: the outbox's stored count starts again at 0.
    RowCount.objects.filter(table_name=Reminder._meta.db_table).delete()
    started = time.perf_counter()
    first = reminders.sweep(now=now, enqueue=False)
    first_seconds = time.perf_counter() - started
    _progress(f"sweep: {first.created:,} reminders created in {first_seconds:.2f} s")
    started = time.perf_counter()
    again = reminders.sweep(now=now, enqueue=False)
    again_seconds = time.perf_counter() - started
    _progress(f"second sweep: {again.created:,} created in {again_seconds:.2f} s")
    _emit(
        {
            "created": first.created,
            "seconds": round(first_seconds, 3),
            "again_created": again.created,
            "again_seconds": round(again_seconds, 3),
        }
    )


def emails(options):
    from django.db.models import Count

    from governance import reminders
    from governance.infra import broker
    from governance.models import Reminder

    Status = Reminder.Status
    ids = list(
        Reminder.objects.filter(status=Status.PENDING, kind__in=STABLE_KINDS)
        .order_by("pk")
        .values_list("pk", flat=True)[: options.count]
    )
    started = time.perf_counter()
    published = broker.publish(
        broker.task(reminders.SEND_TASK, ids[start : start + reminders.SEND_CHUNK])
        for start in range(0, len(ids), reminders.SEND_CHUNK)
    )
    if published.error is not None:
        raise RuntimeError(f"the broker refused the reminders: {published.error}")
    queued = time.perf_counter() - started
    deadline = started + options.timeout
    done = 0
    last_report = 0.0
    while time.perf_counter() < deadline:
        done = (
            Reminder.objects.filter(pk__in=ids)
            .exclude(status__in=(Status.PENDING, Status.SENDING))
            .count()
        )
        if time.perf_counter() - last_report > 5:
            last_report = time.perf_counter()
            _progress(f"emails: {done:,}/{len(ids):,} done")
        if done >= len(ids):
            break
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    by_status = dict(
        Reminder.objects.filter(pk__in=ids)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    _emit(
        {
            "queued": len(ids),
            "queue_seconds": round(queued, 3),
            "seconds": round(elapsed, 3),
            "sent": by_status.get(Status.SENT, 0),
            "failed": by_status.get(Status.FAILED, 0),
            "unfinished": by_status.get(Status.PENDING, 0) + by_status.get(Status.SENDING, 0),
        }
    )


def rows(options):
    from django.apps import apps
    from django.db import connection

    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_app_config("governance").get_models(include_auto_created=True)
            if not model._meta.db_table.startswith("governance_historical")
        }
    )
    total = 0
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            total += cursor.fetchone()[0]
    _emit({"rows": total})


def settle(options):
    """VACUUM (ANALYZE) the database, then a CHECKPOINT: what the sweep and the credits
    wrote is then as autovacuum leaves it, written out, rather than autovacuum and the
    writing of its pages running in the middle of the pages' timing. (CHECKPOINT needs a
    superuser or pg_checkpoint; without either the vacuum is enough.)"""
    from django.db import DatabaseError, connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        try:
            cursor.execute("CHECKPOINT")
        except DatabaseError as error:
            _progress(f"no CHECKPOINT: {error}")
    _emit({"seconds": round(time.perf_counter() - started, 2)})


def recurrence(options):
    from devtools.benchmark import recurrence as hostile

    _emit(hostile.store(dt.datetime.fromisoformat(options.now)))


def credits(options):
    from devtools.benchmark import credits as statements

    result = statements.measure()
    _progress(
        f"credits: {result['statements']:,} statements ({result['vendors']:,} vendors x "
        f"{result['months']} months) in {result['seconds']:.2f} s, "
        f"{result['queries_per_month']} queries a month; again in {result['again_seconds']:.2f} s"
    )
    _emit(result)


def import_(options):
    from devtools.benchmark import imports

    result = imports.measure(vendors=options.count)
    _progress(
        f"import: {result['vendors']:,} vendors checked in {result['check_seconds']:.2f} s, "
        f"applied in {result['apply_seconds']} s; clauses checked in "
        f"{result['clause_check_seconds']:.2f} s, applied in {result['clause_apply_seconds']} s"
    )
    _emit(result)


TASKS = {
    "prepare": prepare,
    "import": import_,
    "pages": pages,
    "sweep": sweep,
    "emails": emails,
    "rows": rows,
    "settle": settle,
    "recurrence": recurrence,
    "credits": credits,
}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m devtools.benchmark.probe")
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--session", default="")
    parser.add_argument("--token", default="")
    parser.add_argument("--vendor-id", type=int, default=0)
    parser.add_argument("--goal-id", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--now", default="")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--targets", default="", help="pages: comma-separated label parts")
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "devtools.benchmark.settings")
    import django

    django.setup()
    TASKS[options.task](options)


if __name__ == "__main__":
    main()
