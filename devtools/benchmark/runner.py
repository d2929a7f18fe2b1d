"""One benchmark run, in order: databases, seeding, the sweep, the credit statements, pages,
throughput, emails, hostile recurrence rules.

Every size has its own PostgreSQL database (``<prefix>_<vendors>``, created and migrated
here), seeded by ``seed_demo``; the hostile-recurrence probe has its own, unseeded
(``<prefix>_recurrence``), and runs alone with ``only="recurrence"``. Measurements run in
child processes with the benchmark settings; this process only drives them and writes the
report (``report.py``).
"""

import datetime as dt
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from devtools.benchmark import load, processes, recurrence, report, webhooks

BUILT_IN_BROKER = "redis://127.0.0.1:6379/9"


@dataclass
class Options:
    database_url: str
    broker_url: str = BUILT_IN_BROKER
    sizes: dict = field(default_factory=lambda: {"small": 10, "medium": 1000, "large": 10000})
    repeat: int = 20
    warmup: int = 2
    duration: float = 5.0
    connections: int = 4
    emails: int = 2000
    reuse: bool = False
    seed: int = 2026
    prefix: str = "gov_bench"
    load: str = "auto"
    log_dir: str = "var/bench"
    # "recurrence": the hostile-recurrence probe alone (no sizes, no seeding); "sweep": the
    # reminder sweep alone, at each size; "credits": the credit statements alone, at each size;
    # "import": a spreadsheet import of the largest size's vendors, on an empty database;
    # "webhooks": webhook fan-out (events x subscriptions) through a worker to a local receiver.
    only: str | None = None
    webhook_events: int = 200
    webhook_subscriptions: int = 10
    # With only="lists": labels (or parts of them) of the pages and API lists measured.
    targets: tuple = ()


@dataclass
class Size:
    name: str
    vendors: int
    url: str
    seeded: processes.Finished | None = None
    credentials: dict | None = None
    sweep: processes.Finished | None = None
    credits: processes.Finished | None = None
    rows: int = 0
    pages: list = field(default_factory=list)


def _answers(url, headers):
    """Whether ``url`` answers a GET (a 404 says the benchmark has no such list)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60):
            return True
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return False
        raise


class Run:
    def __init__(self, options, *, write):
        self.options = options
        self.write = write
        self.started = time.monotonic()
        parts = urlsplit(options.database_url)
        if parts.scheme not in ("postgres", "postgresql", "pgsql"):
            raise ValueError("the benchmark needs PostgreSQL: give a postgres:// DATABASE_URL")
        self.sizes = [
            Size(name, vendors, self._url_for(f"{options.prefix}_{vendors}"))
            for name, vendors in options.sizes.items()
        ]
        self.throughput = []
        self.worker_memory = None
        self.emails = None
        self.recurrence = None
        self.imported = None
        self.generator = load.available_generator(options.load)
        if options.only == "recurrence":
            self.sizes = []
        if options.only == "import":
            self.import_vendors = max(options.sizes.values())
            self.sizes = []
        self.webhooks = None
        if options.only == "webhooks":
            self.sizes = []

    # --- the run -------------------------------------------------------------------------

    def execute(self):
        if self.options.only == "import":
            self.step(f"spreadsheet import of {self.import_vendors:,} vendors with contacts")
            self.measure_import()
            self.step(f"done in {self.elapsed():.0f} s")
            return report.Report(self)
        if self.options.only == "webhooks":
            self.step(
                f"webhook fan-out: {self.options.webhook_events} events x "
                f"{self.options.webhook_subscriptions} subscriptions through a worker"
            )
            self.webhooks = webhooks.measure(self)
            self.step(f"done in {self.elapsed():.0f} s")
            return report.Report(self)
        if self.options.only == "recurrence":
            self.step("hostile recurrence rules under gunicorn")
            self.measure_recurrence()
            self.step(f"done in {self.elapsed():.0f} s")
            return report.Report(self)
        for size in self.sizes:
            self.step(f"{size.name}: {size.vendors:,} vendors in {self._db_name(size.url)}")
            self.prepare_database(size)
        if self.options.only not in ("credits", "lists"):
            for size in self.sizes:
                self.step(f"{size.name}: reminder sweep")
                size.sweep = processes.probe(
                    "sweep", env=self.env(size), log=self.log, now=self.sweep_time().isoformat()
                )
        for size in self.sizes:
            size.rows = processes.probe("rows", env=self.env(size), log=self.log).result["rows"]
        if self.options.only == "emails":
            largest = self.sizes[-1]
            self.step(f"{largest.name}: emails through a Celery worker to a local SMTP sink")
            self.measure_emails(largest)
        if self.options.only in ("sweep", "emails"):
            self.step(f"done in {self.elapsed():.0f} s")
            return report.Report(self)
        if self.options.only != "lists":
            for size in self.sizes:
                self.step(f"{size.name}: service credit statements, every vendor x 12 months")
                size.credits = processes.probe("credits", env=self.env(size), log=self.log)
        if self.options.only == "credits":
            self.step(f"done in {self.elapsed():.0f} s")
            return report.Report(self)
        for size in self.sizes:
            self.step(f"{size.name}: VACUUM (ANALYZE) before the pages")
            processes.probe("settle", env=self.env(size), log=self.log)
            self.step(f"{size.name}: pages and API lists, in-process")
            credentials = size.credentials
            size.pages = processes.probe(
                "pages",
                env=self.env(size),
                log=self.log,
                session=credentials["session"],
                token=credentials["token"],
                vendor_id=credentials["vendor_id"],
                goal_id=credentials["goal_id"],
                repeat=self.options.repeat,
                warmup=self.options.warmup,
                targets=",".join(self.options.targets),
            ).result
        largest = self.sizes[-1]
        self.step(f"{largest.name}: API throughput under gunicorn ({self.generator})")
        self.measure_server(largest)
        if self.options.only == "lists":
            self.step(f"done in {self.elapsed():.0f} s")
            return report.Report(self)
        self.step(f"{largest.name}: emails through a Celery worker to a local SMTP sink")
        self.measure_emails(largest)
        self.step("hostile recurrence rules under gunicorn")
        self.measure_recurrence()
        self.step(f"done in {self.elapsed():.0f} s")
        return report.Report(self)

    def prepare_database(self, size):
        name = self._db_name(size.url)
        vendors = self._vendor_count(size.url) if self.options.reuse else None
        if vendors != size.vendors:
            self._recreate(name)
        processes.run(
            ["manage.py", "migrate", "--noinput", "-v", "0"], env=self.env(size), log=self.log
        )
        if vendors == size.vendors:
            self.log(f"reusing {name}: {vendors:,} vendors already seeded")
        else:
            size.seeded = processes.run(
                [
                    "manage.py",
                    "seed_demo",
                    "--vendors",
                    str(size.vendors),
                    "--seed",
                    str(self.options.seed),
                ],
                env=self.env(size),
                log=self.log,
            )
        size.credentials = processes.probe("prepare", env=self.env(size), log=self.log).result

    def measure_server(self, size):
        # Workers are not recycled during the run: their memory is measured at the end.
        server, base = self._gunicorn(
            self.env(size), "gunicorn.log", "--max-requests", "0", "--timeout", "120"
        )
        try:
            processes.wait_for_http(f"{base}/healthz", service=server)
            token = {"Authorization": f"Token {size.credentials['token']}"}
            for page in size.pages:
                if page["kind"] != "api":
                    continue
                # Throughput at the default page length (50 rows), as integrations read.
                path = page["path"].partition("?")[0]
                product = base + path
                minimal = base + "/_bench/minimal" + path.removeprefix("/api/v1")
                rates = {"minimal": None}
                targets = [("product", product)]
                # A list made per person (their inbox, their imports) has no minimal twin.
                if _answers(minimal, token):
                    targets.append(("minimal", minimal))
                for label, url in targets:
                    rates[label] = load.requests_per_second(
                        url,
                        headers=token,
                        duration=self.options.duration,
                        connections=self.options.connections,
                        generator=self.generator,
                    )
                minimal_rate = f"{rates['minimal']:7.1f}" if rates["minimal"] else "      -"
                self.log(
                    f"{page['label']:<18} {rates['product']:7.1f} req/s, minimal "
                    f"{minimal_rate} req/s"
                )
                self.throughput.append({"label": page["label"], **rates})
            if self.options.only == "lists":
                return
            self.log("serving every page once more on each worker, then reading their memory")
            cookie = {"Cookie": f"sessionid={size.credentials['session']}"}
            for _ in range(2):
                for page in size.pages:
                    headers = token if page["kind"] == "api" else cookie
                    request = urllib.request.Request(base + page["path"], headers=headers)
                    with urllib.request.urlopen(request, timeout=120) as response:
                        response.read()
            workers = {pid: processes.memory_mb(pid) for pid in server.children()}
            self.worker_memory = {
                "workers": len(workers),
                "rss_mb": max((rss for rss, _ in workers.values()), default=0),
                "peak_mb": max((peak for _, peak in workers.values()), default=0),
            }
            self.log(
                f"web workers: {self.worker_memory['rss_mb']} MB now, "
                f"{self.worker_memory['peak_mb']} MB at most"
            )
        finally:
            server.stop()

    def measure_import(self):
        """An XLSX register of vendors with contacts, then two clauses per vendor, each
        checked and applied as a worker does, on an empty database of its own."""
        name = f"{self.options.prefix}_import"
        url = self._url_for(name)
        self._recreate(name)
        env = processes.child_env(DATABASE_URL=url, CELERY_BROKER_URL=self.options.broker_url)
        processes.run(["manage.py", "migrate", "--noinput", "-v", "0"], env=env, log=self.log)
        load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        finished = processes.probe("import", env=env, log=self.log, count=self.import_vendors)
        self.imported = {
            **finished.result,
            "peak_rss_mb": finished.peak_rss_mb,
            "load_average": load_average,
        }

    def measure_recurrence(self):
        """Hostile rules against gunicorn as production runs it: posted to the API, stored
        directly, then every page, feed and endpoint that expands them alongside /healthz."""
        name = f"{self.options.prefix}_recurrence"
        url = self._url_for(name)
        self._recreate(name)
        env = processes.child_env(DATABASE_URL=url, CELERY_BROKER_URL=self.options.broker_url)
        processes.run(["manage.py", "migrate", "--noinput", "-v", "0"], env=env, log=self.log)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        prepared = processes.probe("recurrence", env=env, log=self.log, now=now.isoformat())
        prepared = prepared.result
        # The product's own timeout (GUNICORN_TIMEOUT): a hung worker would be killed there.
        # Workers are not recycled (max_requests) mid-run: a fresh worker's first requests
        # import and connect, which is not what is measured. Access lines as JSON: each says
        # how long its worker spent on the request.
        server, base = self._gunicorn(
            {**env, "LOG_LEVEL": "INFO", "LOG_FORMAT": "json"},
            "gunicorn-recurrence.log",
            "--max-requests",
            "0",
        )
        try:
            processes.wait_for_http(f"{base}/healthz", service=server)
            measured = recurrence.load(
                base,
                prepared,
                now=now,
                connections=self.options.connections,
                rounds=self.options.repeat,
            )
        finally:
            server.stop()
        with open(server.log_path) as log:
            recurrence.worker_times(log, prepared, now=now, measured=measured)
        self.recurrence = {
            "rows": measured.rows(),
            "unexpected": measured.unexpected,
            "in_process": prepared["in_process"],
            "stored": len(prepared["sides"]["hostile"]["meeting_ids"]),
            "load_average": load_average,
            "posted": len(recurrence.POSTED_RULES),
        }
        for row in self.recurrence["rows"]:
            self.log(
                f"{row['kind']:<22} {row['requests']:4} requests, median "
                f"{row['median_ms']:7.1f} ms, worst {row['worst_ms']:7.1f} ms, worst in a "
                f"worker {row['worst_worker_ms']} ms (sane rules: median "
                f"{row['sane_median_ms']} ms, worst in a worker {row['sane_worst_worker_ms']} ms)"
            )
        for line in measured.unexpected[:10]:
            self.log(f"unexpected answer: {line}")

    def measure_emails(self, size):
        import redis

        redis.Redis.from_url(self.options.broker_url).flushdb()
        with processes.SMTPSink() as sink:
            env = self.env(size, EMAIL_URL=f"smtp://127.0.0.1:{sink.port}")
            worker = processes.celery_worker(
                "bench", env=env, log_path=self._log_path("celery.log")
            )
            try:
                finished = processes.probe(
                    "emails", env=env, log=self.log, count=self.options.emails
                )
            finally:
                worker.stop()
            self.emails = {**finished.result, "received": sink.received}
        self.log(
            f"{self.emails['sent']:,} sent in {self.emails['seconds']:.1f} s, "
            f"{self.emails['received']:,} received by the sink"
        )

    # --- helpers -------------------------------------------------------------------------

    def _gunicorn(self, env, log_name, *extra):
        """gunicorn as the product runs it (config/gunicorn.py, 2 workers) on a free loopback
        port, with ``extra`` options; returns (service, base URL)."""
        port = processes.free_port()
        server = processes.Service(
            "gunicorn",
            [
                "-m",
                "gunicorn",
                "-c",
                "config/gunicorn.py",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                *extra,
            ],
            env=env,
            log_path=self._log_path(log_name),
        )
        return server, f"http://127.0.0.1:{port}"

    def sweep_time(self):
        """13:00 UTC, past the send hour in every demo user's zone, so what is due does not
        depend on the hour the benchmark runs; the next one to come, so the data (seeded, or
        reused) was written before it, as a sweep always finds it."""
        now = dt.datetime.now(dt.UTC)
        moment = dt.datetime.combine(now.date(), dt.time(13), tzinfo=dt.UTC)
        return moment if moment > now else moment + dt.timedelta(days=1)

    def env(self, size, **extra):
        return processes.child_env(
            DATABASE_URL=size.url, CELERY_BROKER_URL=self.options.broker_url, **extra
        )

    def step(self, message):
        self.write(f"[{self.elapsed():6.0f} s] {message}")

    def log(self, line):
        self.write(f"    {line}")

    def elapsed(self):
        return time.monotonic() - self.started

    def _log_path(self, name):
        from pathlib import Path

        directory = processes.PROJECT_DIR / self.options.log_dir
        directory.mkdir(parents=True, exist_ok=True)
        return Path(directory) / name

    def _url_for(self, database):
        parts = urlsplit(self.options.database_url)
        return urlunsplit(parts._replace(path=f"/{database}"))

    def _db_name(self, url):
        return urlsplit(url).path.lstrip("/")

    def _admin(self):
        import psycopg

        return psycopg.connect(self._url_for("postgres"), autocommit=True)

    def _recreate(self, name):
        from psycopg import sql

        with self._admin() as connection:
            identifier = sql.Identifier(name)
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier)
            )
            connection.execute(sql.SQL("CREATE DATABASE {}").format(identifier))

    def _vendor_count(self, url):
        import psycopg

        try:
            with psycopg.connect(url) as connection:
                return connection.execute("SELECT count(*) FROM governance_vendor").fetchone()[0]
        except psycopg.Error:
            return None
