"""``python manage.py bench``: seed 10, 1,000 and 10,000 vendors and measure each against
its target (docs/benchmarks.md).

Creates and migrates its own PostgreSQL databases (``gov_bench_<vendors>`` beside the one in
DATABASE_URL), seeds each with ``seed_demo``, then measures the reminder sweep, the credit
statements of every vendor for twelve months, pages and API lists in-process, API throughput
under gunicorn, email delivery through a real Celery worker and peak memory, then hostile
recurrence rules under gunicorn (no request may hold a worker for a second); prints the
table and writes it to ``docs/benchmarks.md``. ``--only recurrence`` runs the last probe
alone, on its own small database, and replaces only its section of the file; ``--only
sweep`` and ``--only credits`` do the same for theirs; ``--only lists --targets ...``
measures some pages and API lists and only prints them.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from devtools.benchmark import runner

DEFAULT_OUTPUT = "docs/benchmarks.md"


class Command(BaseCommand):
    help = (
        "Benchmark the app at 10, 1,000 and 10,000 vendors (about a million rows) on "
        "PostgreSQL, Redis and gunicorn; print the table and write it to docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            default=os.environ.get("DATABASE_URL", ""),
            help="A postgres:// URL (default: DATABASE_URL); the benchmark's databases are "
            "created beside it, named <prefix>_<vendors>.",
        )
        parser.add_argument(
            "--broker-url",
            default=runner.BUILT_IN_BROKER,
            help="Redis for the Celery worker, flushed before use (default: db 9 on loopback).",
        )
        parser.add_argument("--small", type=int, default=10, help="Vendors, small size (10).")
        parser.add_argument(
            "--medium",
            type=int,
            default=1000,
            help="Vendors, middle size, where the dashboard target applies (1,000; 0 skips).",
        )
        parser.add_argument("--large", type=int, default=10000, help="Vendors, large size.")
        parser.add_argument(
            "--skip-large", action="store_true", help="Measure the small and middle sizes only."
        )
        parser.add_argument("--repeat", type=int, default=20, help="Timed requests per URL.")
        parser.add_argument("--warmup", type=int, default=2, help="Untimed requests first.")
        parser.add_argument(
            "--duration", type=float, default=5, help="Seconds of load per URL (throughput)."
        )
        parser.add_argument(
            "--connections", type=int, default=4, help="Concurrent connections of the load."
        )
        parser.add_argument(
            "--load",
            choices=["auto", "wrk", "python"],
            default="auto",
            help="Load generator: wrk when installed (auto), or a bounded Python client.",
        )
        parser.add_argument(
            "--emails", type=int, default=2000, help="Reminders emailed through the worker."
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Keep a benchmark database that already holds the right number of vendors "
            "instead of recreating and seeding it (seed_demo is then not measured).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="seed_demo's random seed.")
        parser.add_argument(
            "--prefix", default="gov_bench", help="Prefix of the benchmark databases."
        )
        parser.add_argument(
            "--only",
            choices=["recurrence", "sweep", "emails", "credits", "import", "lists", "webhooks"],
            help="Run one probe alone: 'recurrence' (hostile recurrence rules under gunicorn, "
            "no seeding), 'sweep' (the reminder sweep at each size, seeded or reused), 'emails' "
            "(the sweep, then emails through a Celery worker at the largest size) or "
            "'credits' (every vendor's credit statements for 12 months at each size, seeded or "
            "reused) or 'import' (a spreadsheet import of --large vendors with contacts and "
            "their clauses, on an empty database); only its section of the output file is "
            "replaced. 'lists': pages and API lists in-process at each size and API "
            "throughput at the largest (seeded or reused), printed only (the file keeps the "
            "last full run); narrow it with --targets. 'webhooks': webhook fan-out "
            "(--webhook-events x --webhook-subscriptions) through a Celery worker to a local "
            "receiver, on an empty database.",
        )
        parser.add_argument(
            "--webhook-events", type=int, default=200, help="With --only webhooks: events."
        )
        parser.add_argument(
            "--webhook-subscriptions",
            type=int,
            default=10,
            help="With --only webhooks: subscriptions wanting every event.",
        )
        parser.add_argument(
            "--targets",
            default="",
            help="With --only lists: comma-separated labels (or parts of labels) of the pages "
            "and API lists to measure, e.g. 'api action-items,action-item register'.",
        )
        parser.add_argument(
            "--output",
            default=DEFAULT_OUTPUT,
            help=f"Where to write the table (default {DEFAULT_OUTPUT}; '-' writes nowhere).",
        )

    def handle(self, *args, **options):
        sizes = {"small": options["small"]}
        if options["medium"]:
            sizes["medium"] = options["medium"]
        if not options["skip_large"]:
            sizes["large"] = options["large"]
        if len(set(sizes.values())) != len(sizes) or min(sizes.values()) < 1:
            raise CommandError("Give distinct sizes of at least one vendor each.")
        sizes = dict(sorted(sizes.items(), key=lambda item: item[1]))
        if not options["prefix"].startswith("gov_bench"):
            raise CommandError("The database prefix must start with gov_bench.")
        try:
            run = runner.Run(
                runner.Options(
                    database_url=options["database_url"],
                    broker_url=options["broker_url"],
                    sizes=sizes,
                    repeat=options["repeat"],
                    warmup=options["warmup"],
                    duration=options["duration"],
                    connections=options["connections"],
                    emails=options["emails"],
                    reuse=options["reuse"],
                    seed=options["seed"],
                    prefix=options["prefix"],
                    load=options["load"],
                    only=options["only"],
                    webhook_events=options["webhook_events"],
                    webhook_subscriptions=options["webhook_subscriptions"],
                    targets=tuple(
                        label.strip() for label in options["targets"].split(",") if label.strip()
                    ),
                ),
                write=self.stdout.write,
            )
            result = run.execute()
        except (ValueError, RuntimeError) as error:
            raise CommandError(str(error)) from error
        table = result.markdown()
        self.stdout.write("\n" + table)
        if options["output"] != "-" and options["only"] != "lists":
            result.write(options["output"])
            self.stdout.write(f"Written to {options['output']}.")
        missed = result.misses()
        if missed:
            self.stdout.write(self.style.WARNING(f"{len(missed)} target(s) missed."))
        else:
            self.stdout.write(self.style.SUCCESS("Every target met."))
