"""The benchmark's table, as markdown: every measurement next to its target."""

import datetime as dt
import os
import platform
from pathlib import Path

from devtools.benchmark import measure, recurrence, webhooks

# The targets up to 10,000 vendors (about a million rows): a page costs the same at every size,
# the API keeps most of what plain DRF serves, the sweep and the emails keep up with the
# portfolio, and every process fits the memory of a small host.
PAGINATED_RATIO_MAX = 1.5
THROUGHPUT_SHARE_MIN = 0.60
SWEEP_SECONDS_MAX = 5.0
# A sweep that finds nothing new (every minute, all day) reads what is due, not what exists.
EMPTY_SWEEP_SECONDS_MAX = 0.5
EMAILS_PER_SECOND_MIN = 100
DASHBOARD_VENDORS = 1000
DASHBOARD_MS_MAX = 300
# The dashboard (issue 17): from DASHBOARD_VENDORS to the largest size, at most this much slower.
DASHBOARD_RATIO_MAX = 1.5
# Every vendor's credit statements for twelve months, in bulk (issue 14): O(rows).
CREDITS_SECONDS_MAX = 5.0
BATCH_RSS_MB_MAX = 300
WEB_RSS_MB_MAX = 200
# Text after this heading in the output file is kept from one run to the next.
HISTORY_HEADING = "## History"
RECURRENCE_HEADING = "## Hostile recurrence rules"
REMINDERS_HEADING = "## Reminders"
CREDITS_HEADING = "## Service credit statements"
IMPORT_HEADING = "## Spreadsheet import"
# A register of 10,000 vendors with contacts and their clauses, checked and applied.
IMPORT_SECONDS_MAX = 60
EMAILS_LABEL = "emails through a Celery worker (2 processes, Redis) to a local SMTP sink"
EMAILS_ROW = f"| {EMAILS_LABEL} | "
RESULT_HEADING = "## Result"


def _verdict(ok):
    if ok is None:
        return "n/a"
    return "meets" if ok else "**misses**"


def _ms(value):
    return f"{value:,.1f}"


class Report:
    def __init__(self, run):
        self.run = run
        self.sizes = run.sizes
        # None when only the hostile-recurrence probe ran.
        self.small = run.sizes[0] if run.sizes else None
        self.large = run.sizes[-1] if run.sizes else None
        self.checks = []

    def markdown(self):
        self.checks = []
        if self.run.options.only == "import":
            sections = [self._import(), self._summary()]
        elif self.run.options.only == "webhooks":
            sections = [webhooks.section(self.run.webhooks, self._check), self._summary()]
        elif not self.sizes:
            sections = [self._recurrence(), self._summary()]
        elif self.run.options.only in ("sweep", "emails"):
            sections = [self._reminders(), self._summary()]
        elif self.run.options.only == "credits":
            sections = [self._credits(), self._summary()]
        elif self.run.options.only == "lists":
            load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
            sections = [
                f"Load average at the end: {load_average}.",
                self._pages(),
                self._throughput(),
                self._summary(),
            ]
        else:
            sections = [
                self._header(),
                self._pages(),
                self._throughput(),
                self._reminders(),
                self._credits(),
                self._memory(),
                self._recurrence(),
                self._summary(),
            ]
        return "\n\n".join(section for section in sections if section) + "\n"

    def misses(self):
        if not self.checks:
            self.markdown()
        return [name for name, ok in self.checks if ok is False]

    def write(self, path):
        path = Path(path)
        if self.run.options.only == "import":
            self._write_section(path, IMPORT_HEADING, self._import)
            return
        if self.run.options.only == "webhooks":
            self._write_section(
                path, webhooks.HEADING, lambda: webhooks.section(self.run.webhooks, self._check)
            )
            return
        if not self.sizes:
            self._write_section(path, RECURRENCE_HEADING, self._recurrence)
            return
        if self.run.options.only in ("sweep", "emails"):
            self._write_section(path, REMINDERS_HEADING, self._reminders)
            return
        if self.run.options.only == "credits":
            self._write_section(path, CREDITS_HEADING, self._credits)
            return
        history = ""
        if path.exists():
            text = path.read_text()
            if HISTORY_HEADING in text:
                history = text[text.index(HISTORY_HEADING) :]
        path.parent.mkdir(parents=True, exist_ok=True)
        body = self.markdown()
        path.write_text(body + ("\n" + history if history else ""))

    def _write_section(self, path, heading, render):
        """A probe run alone (``--only``) replaces its section of the file (or adds it before
        the result) and keeps the rest of the last full run; the sweep alone keeps the
        emails' row of the last full run."""
        self.checks = []
        section = render()
        text = path.read_text() if path.exists() else "# Benchmarks\n"
        if heading in text:
            start = text.index(heading)
            end = text.find("\n## ", start + len(heading))
            kept = [
                line
                for line in text[start : end if end != -1 else len(text)].splitlines()
                if line.startswith(EMAILS_ROW) and EMAILS_ROW not in section
            ]
            section = "\n".join([section, *kept])
            text = text[:start] + section + ("\n" + text[end:] if end != -1 else "\n")
        else:
            anchors = [text.find(h) for h in (RESULT_HEADING, HISTORY_HEADING) if h in text]
            at = min(anchors) if anchors else len(text)
            text = text[:at].rstrip("\n") + "\n\n" + section + "\n\n" + text[at:]
        missed = [name for name, ok in self.checks if ok is False]
        if missed and RESULT_HEADING in text:
            # The last full run's verdict no longer holds: say what this section missed.
            start = text.index(RESULT_HEADING)
            end = text.find("\n## ", start + len(RESULT_HEADING))
            result = (
                f"{RESULT_HEADING}\n\nMissed when run on its own ({heading.lstrip('# ')}): "
                + "; ".join(missed)
                + ". The other sections are as the last full run left them.\n"
            )
            text = text[:start] + result + (text[end:] if end != -1 else "")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.rstrip("\n") + "\n")

    # --- sections ------------------------------------------------------------------------

    def _check(self, name, ok):
        self.checks.append((name, ok))
        return _verdict(ok)

    def _header(self):
        cpu = _cpu_model()
        sizes = ", ".join(f"{s.vendors:,} vendors ({s.rows:,} rows)" for s in self.sizes)
        return "\n".join(
            [
                "# Benchmarks",
                "",
                "Written by `python manage.py bench` (`make bench`); see README, Benchmarks.",
                "",
                f"- Run: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
                f"{self.run.elapsed():.0f} s in all",
                f"- Machine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}",
                f"- Data: {sizes}; seed {self.run.options.seed}",
                f"- Server time: median and p95 of {self.run.options.repeat} requests after "
                f"{self.run.options.warmup} warm-up ones (fewer for pages slower than 1.5 s), "
                "in-process WSGI calls as the demo superuser; queries per request. "
                f"Paginated lists are read {measure.LIST_ROWS} rows per page at every size "
                "(the 10-vendor portfolio cannot fill a default page); throughput uses the "
                "default page of 50 rows.",
            ]
        )

    def _pages(self):
        small, large = self.small, self.large
        middle = self.sizes[1:-1]
        heads = [
            "item",
            f"queries {small.vendors:,}",
            f"queries {large.vendors:,}",
            f"median ms {small.vendors:,}",
            f"p95 ms {small.vendors:,}",
            *(f"median ms {s.vendors:,}" for s in middle),
            f"median ms {large.vendors:,}",
            f"p95 ms {large.vendors:,}",
            "time ratio",
            "target",
        ]
        lines = [
            "## Pages and API lists (server time)",
            "",
            "Targets: the same query count at every size; a paginated list (the vendor list, "
            f"every API list) within {PAGINATED_RATIO_MAX}x between the smallest and the "
            f"largest size; the dashboard under {DASHBOARD_MS_MAX} ms at "
            f"{DASHBOARD_VENDORS:,} vendors and within {DASHBOARD_RATIO_MAX}x from there to "
            "the largest size.",
            "",
            _row(heads),
            _row(["---"] * len(heads)),
        ]
        by_size = [{row["label"]: row for row in size.pages} for size in self.sizes]
        for label in by_size[0]:
            rows = [pages.get(label) for pages in by_size]
            first, last = rows[0], rows[-1]
            counts = {(r["queries"], r["queries_min"]) for r in rows if r}
            flat = len({c for pair in counts for c in pair}) == 1
            verdicts = [self._check(f"{label}: query count", flat)]
            ratio = last["median_ms"] / first["median_ms"] if first["median_ms"] else None
            if first["paginated"] and len(self.sizes) > 1:
                verdicts.append(self._check(f"{label}: time", ratio <= PAGINATED_RATIO_MAX))
            if label == "dashboard":
                at_target = next(
                    (
                        pages.get(label)
                        for size, pages in zip(self.sizes, by_size, strict=True)
                        if size.vendors == DASHBOARD_VENDORS
                    ),
                    None,
                )
                verdicts.append(
                    self._check(
                        f"dashboard at {DASHBOARD_VENDORS:,} vendors",
                        at_target["median_ms"] < DASHBOARD_MS_MAX if at_target else None,
                    )
                )
                growth = (
                    last["median_ms"] / at_target["median_ms"]
                    if at_target and at_target is not last and at_target["median_ms"]
                    else None
                )
                verdicts.append(
                    (f"{growth:.2f}x from {DASHBOARD_VENDORS:,} " if growth else "")
                    + self._check(
                        f"dashboard from {DASHBOARD_VENDORS:,} vendors",
                        growth <= DASHBOARD_RATIO_MAX if growth else None,
                    )
                )
            lines.append(
                _row(
                    [
                        label,
                        _queries(first),
                        _queries(last),
                        _ms(first["median_ms"]),
                        _ms(first["p95_ms"]),
                        *(_ms(r["median_ms"]) if r else "" for r in rows[1:-1]),
                        _ms(last["median_ms"]),
                        _ms(last["p95_ms"]),
                        f"{ratio:.2f}x" if ratio else "",
                        ", ".join(verdicts),
                    ]
                )
            )
        return "\n".join(lines)

    def _throughput(self):
        if not self.run.throughput:
            return ""
        generator = self.run.generator
        lines = [
            f"## API list throughput at {self.large.vendors:,} vendors",
            "",
            f"gunicorn, 2 sync workers, on loopback; load from `{generator}` with "
            f"{self.run.options.connections} connections for {self.run.options.duration:g} s "
            "per URL, token auth. The minimal endpoint serves the same page (same rows, "
            "order, page size and authentication) through a plain DRF `ModelSerializer` of "
            "the model's columns: the stack's own ceiling. "
            f"Target: at least {THROUGHPUT_SHARE_MIN:.0%} of it.",
            "",
            _row(["API list", "req/s", "minimal req/s", "share", "target"]),
            _row(["---"] * 5),
        ]
        for row in self.run.throughput:
            if row["minimal"] is None:
                # A list made per person (an inbox): nothing to compare it with.
                cells = ["-", "-", _verdict(None)]
            else:
                share = row["product"] / row["minimal"] if row["minimal"] else 0
                verdict = self._check(f"{row['label']}: throughput", share >= THROUGHPUT_SHARE_MIN)
                cells = [f"{row['minimal']:,.1f}", f"{share:.0%}", verdict]
            lines.append(_row([row["label"], f"{row['product']:,.1f}", *cells]))
        return "\n".join(lines)

    def _reminders(self):
        alone = ""
        if self.run.options.only in ("sweep", "emails"):
            only = self.run.options.only
            alone = (
                f"The sweep run on its own ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
                f"`manage.py bench --only {only}`, {os.cpu_count()} cores, load average "
                f"{', '.join(f'{load:.1f}' for load in os.getloadavg())} at the end)"
                + ("; the emails' row is from the last full run. " if only == "sweep" else ". ")
            )
        lines = [
            REMINDERS_HEADING,
            "",
            f"{alone}Each size is swept at 13:00 UTC (the next to come) into an empty outbox, "
            "then again at the same moment: the second finds nothing new, as nearly every "
            "sweep does (beat runs one a minute). Targets at the largest size: the first under "
            f"{SWEEP_SECONDS_MAX:g} s, the second under {EMPTY_SWEEP_SECONDS_MAX:g} s "
            "creating nothing.",
            "",
            _row(["measurement", "value", "target"]),
            _row(["---"] * 3),
        ]
        for size in self.sizes:
            sweep = size.sweep.result
            rate = sweep["created"] / sweep["seconds"] if sweep["seconds"] else 0
            target = ""
            if size is self.large:
                verdict = self._check("sweep time", sweep["seconds"] < SWEEP_SECONDS_MAX)
                target = f"< {SWEEP_SECONDS_MAX:g} s {verdict}"
            lines.append(
                _row(
                    [
                        f"sweep at {size.vendors:,} vendors ({size.rows:,} rows)",
                        f"{sweep['created']:,} due found and created in "
                        f"{sweep['seconds']:.2f} s ({rate:,.0f}/s)",
                        target,
                    ]
                )
            )
            target = ""
            if size is self.large:
                verdict = self._check(
                    "sweep with nothing new",
                    sweep["again_seconds"] < EMPTY_SWEEP_SECONDS_MAX
                    and sweep["again_created"] == 0,
                )
                target = f"< {EMPTY_SWEEP_SECONDS_MAX:g} s, 0 created {verdict}"
            lines.append(
                _row(
                    [
                        f"second sweep at {size.vendors:,} vendors (nothing new)",
                        f"{sweep['again_created']:,} created in {sweep['again_seconds']:.2f} s",
                        target,
                    ]
                )
            )
        emails = self.run.emails
        if emails:
            rate = emails["sent"] / emails["seconds"] if emails["seconds"] else 0
            verdict = self._check("emails per second", rate >= EMAILS_PER_SECOND_MIN)
            lines.append(
                _row(
                    [
                        EMAILS_LABEL,
                        f"{emails['sent']:,} of {emails['queued']:,} sent in "
                        f"{emails['seconds']:.1f} s: **{rate:,.0f}/s** "
                        f"({emails['received']:,} received, {emails['failed']} failed)",
                        f">= {EMAILS_PER_SECOND_MIN}/s {verdict}",
                    ]
                )
            )
        return "\n".join(lines)

    def _credits(self):
        measured = [size for size in self.sizes if size.credits]
        if not measured:
            return ""
        alone = ""
        if self.run.options.only == "credits":
            alone = (
                f"Run on its own ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
                f"`manage.py bench --only credits`, {os.cpu_count()} cores, load average "
                f"{', '.join(f'{load:.1f}' for load in os.getloadavg())} at the end). "
            )
        lines = [
            CREDITS_HEADING,
            "",
            f"{alone}Every vendor's statements for the last 12 months, computed in bulk "
            "(`credit_statements_compute_month`, one call and one transaction a month, into "
            "an empty table: every statement and its history row inserted), then the same "
            "again (nothing changed: what the daily month close finds on its second day). "
            "Vendors the demo gave no credit policy get one first, untimed. Targets at the "
            f"largest size: the first pass under {CREDITS_SECONDS_MAX:g} s; at every size, "
            "the same number of queries a month.",
            "",
            _row(["measurement", "value", "target"]),
            _row(["---"] * 3),
        ]
        counts = {size.credits.result["queries_per_month"] for size in measured}
        flat = self._check("credit statements: query count", len(counts) == 1)
        for size in measured:
            result = size.credits.result
            rate = result["statements"] / result["seconds"] if result["seconds"] else 0
            target = ""
            if size is measured[-1]:
                verdict = self._check(
                    "credit statements time", result["seconds"] < CREDITS_SECONDS_MAX
                )
                target = f"< {CREDITS_SECONDS_MAX:g} s {verdict}; queries {flat}"
            lines.append(
                _row(
                    [
                        f"statements at {result['vendors']:,} vendors x {result['months']} months",
                        f"{result['statements']:,} ({result['due']:,} with a credit due) in "
                        f"**{result['seconds']:.2f} s** ({rate:,.0f}/s), "
                        f"{result['queries_per_month']} queries a month, peak memory "
                        f"{size.credits.peak_rss_mb:,.0f} MB",
                        target,
                    ]
                )
            )
            lines.append(
                _row(
                    [
                        f"again at {result['vendors']:,} vendors (nothing changed)",
                        f"{result['again_seconds']:.2f} s, "
                        f"{result['again_queries_per_month']} queries a month, "
                        f"{result['history_rows']:,} history rows in all",
                        "",
                    ]
                )
            )
        return "\n".join(lines)

    def _import(self):
        result = self.run.imported
        if not result:
            return ""
        total = result["total_seconds"]
        verdict = self._check("spreadsheet import time", total < IMPORT_SECONDS_MAX)
        return "\n".join(
            [
                IMPORT_HEADING,
                "",
                f"Run on its own ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, `manage.py bench "
                f"--only import`, {os.cpu_count()} cores, load average {result['load_average']} "
                "at the start), on an empty database: an XLSX register of "
                f"{result['vendors']:,} vendors with a contact each ({result['file_kb']:,} KB) "
                "checked (the dry run) and applied as a worker does, checked again (every row "
                "unchanged), then an XLSX of two security clauses per vendor, checked and "
                f"applied. Target: the four steps under {IMPORT_SECONDS_MAX} s.",
                "",
                _row(["measurement", "value", "target"]),
                _row(["---"] * 3),
                _row(
                    [
                        "vendors: dry run",
                        f"{result['check_seconds']:.2f} s ({result['summary']})",
                        "",
                    ]
                ),
                _row(["vendors: apply", f"{result['apply_seconds']} s", ""]),
                _row(
                    [
                        "vendors again (unchanged)",
                        f"{result['again_seconds']:.2f} s ({result['again_summary']})",
                        "",
                    ]
                ),
                _row(
                    [
                        "clauses: dry run + apply",
                        f"{result['clause_check_seconds']:.2f} s + "
                        f"{result['clause_apply_seconds']} s ({result['clauses']})",
                        "",
                    ]
                ),
                _row(
                    [
                        "total (both files, dry run + apply)",
                        f"**{total:.2f} s**",
                        f"< {IMPORT_SECONDS_MAX} s {verdict}",
                    ]
                ),
                _row(
                    [
                        "peak memory of the process",
                        f"{result['peak_rss_mb']:,.0f} MB RSS; Python allocations at most "
                        f"{result['python_peak_mb']} MB (tracemalloc)",
                        "",
                    ]
                ),
                _row(
                    [
                        "stored",
                        f"{result['vendors_stored']:,} vendors, {result['clauses_stored']:,} "
                        "clauses",
                        "",
                    ]
                ),
            ]
        )

    def _memory(self):
        lines = [
            "## Peak resident memory",
            "",
            _row(["process", "peak RSS", "target"]),
            _row(["---"] * 3),
        ]
        for size in self.sizes:
            seeded = size.seeded
            if size is self.large or seeded:
                if seeded:
                    value = (
                        f"{seeded.peak_rss_mb:,.0f} MB ({seeded.seconds:.0f} s to seed "
                        f"{size.vendors:,} vendors)"
                    )
                    ok = seeded.peak_rss_mb < BATCH_RSS_MB_MAX if size is self.large else None
                else:
                    value, ok = "not measured: data reused (--reuse)", None
                verdict = self._check("seed_demo memory", ok) if size is self.large else "n/a"
                lines.append(
                    _row(
                        [
                            f"seed_demo --vendors {size.vendors:,}",
                            value,
                            f"< {BATCH_RSS_MB_MAX} MB {verdict}" if size is self.large else "",
                        ]
                    )
                )
        sweep = self.large.sweep
        lines.append(
            _row(
                [
                    f"reminder sweep at {self.large.vendors:,} vendors",
                    f"{sweep.peak_rss_mb:,.0f} MB",
                    f"< {BATCH_RSS_MB_MAX} MB "
                    + self._check("sweep memory", sweep.peak_rss_mb < BATCH_RSS_MB_MAX),
                ]
            )
        )
        worker = self.run.worker_memory
        if worker:
            lines.append(
                _row(
                    [
                        f"gunicorn worker after serving every page at {self.large.vendors:,} "
                        "vendors",
                        f"{worker['peak_mb']:,.0f} MB (now {worker['rss_mb']:,.0f} MB; "
                        f"largest of {worker['workers']} workers)",
                        f"< {WEB_RSS_MB_MAX} MB "
                        + self._check("web worker memory", worker["peak_mb"] < WEB_RSS_MB_MAX),
                    ]
                )
            )
        return "\n".join(lines)

    def _recurrence(self):
        probe = self.run.recurrence
        if not probe:
            return ""
        target = recurrence.TARGET_SECONDS * 1000
        alone = " (run on its own: `manage.py bench --only recurrence`)" if not self.sizes else ""
        lines = [
            f"{RECURRENCE_HEADING} (no worker held {recurrence.TARGET_SECONDS:g} s)",
            "",
            f"Run: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC{alone}; {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, load average {probe['load_average']} at the "
            f"start (other work shared the cores). {probe['stored']} meetings whose rules were "
            "written directly (a raw UPDATE, as before rules were checked): rules seen to break "
            "the app and the ones that cost an expansion the most work it may still do (a sparse "
            "daily rule, never-matching COUNT series begun ten years ago, a setpos no period "
            "has, a 20,000-item list, an UNTIL in 9999), and the control: another vendor with as "
            "many meetings on a sane weekly rule, requested alike; "
            f"{probe['posted']} rules posted to the API. "
            "gunicorn as in "
            "production (`config/gunicorn.py`: 2 sync workers, GUNICORN_TIMEOUT; not recycled "
            "during the run), on loopback; "
            f"{self.run.options.connections} connections send every request once untimed "
            "(a worker's first requests import and connect), then "
            f"{self.run.options.repeat} time(s) in a shuffled order while one more asks for "
            f"`/healthz` every {recurrence.HEALTHZ_EVERY_SECONDS * 1000:.0f} ms. Median and "
            "worst: response times as the client saw them, queueing for a worker included; "
            "in a worker: the longest time a gunicorn worker spent on one such request (its "
            f"access log). Targets: no worker held {recurrence.TARGET_SECONDS:g} s by any "
            f"request, `/healthz` answered within {recurrence.TARGET_SECONDS:g} s throughout, "
            "each answer the status expected (400 for the posts, 200 otherwise).",
            "",
            _row(
                [
                    "request",
                    "requests",
                    "median ms",
                    "worst ms",
                    "worst ms in a worker",
                    "sane rules: median ms",
                    "sane rules: worst ms in a worker",
                    "target",
                ]
            ),
            _row(["---"] * 8),
        ]
        for row in probe["rows"]:
            worker = row.get("worst_worker_ms")
            # A held worker shows as a /healthz that times out: judged as its client waited,
            # queue and all.
            judged = (
                row["worst_ms"] if row["kind"] == recurrence.HEALTHZ or worker is None else worker
            )
            verdict = self._check(f"hostile recurrence: {row['kind']}", judged < target)
            lines.append(
                _row(
                    [
                        row["kind"],
                        row["requests"],
                        _ms(row["median_ms"]),
                        _ms(row["worst_ms"]),
                        _optional_ms(worker),
                        _optional_ms(row.get("sane_median_ms")),
                        _optional_ms(row.get("sane_worst_worker_ms")),
                        f"< {target:,.0f} ms {verdict}",
                    ]
                )
            )
        for row in probe["in_process"]:
            seconds = row["hostile"]
            verdict = self._check(
                f"hostile recurrence: {row['label']}", seconds < recurrence.TARGET_SECONDS
            )
            sane = row.get("sane")
            lines.append(
                _row(
                    [
                        f"{row['label']} (in-process)",
                        1,
                        "",
                        "",
                        _ms(seconds * 1000),
                        "",
                        "" if sane is None else _ms(sane * 1000),
                        f"< {target:,.0f} ms {verdict}",
                    ]
                )
            )
        unexpected = probe["unexpected"]
        self._check("hostile recurrence: expected statuses", not unexpected)
        if unexpected:
            lines += ["", f"**{len(unexpected)} unexpected answer(s)**, e.g.:"]
            lines += [f"- `{line}`" for line in unexpected[:10]]
        else:
            lines += ["", "Every answer had the expected status."]
        return "\n".join(lines)

    def _summary(self):
        missed = [name for name, ok in self.checks if ok is False]
        if not missed:
            return "## Result\n\nEvery target is met."
        return "## Result\n\nMissed: " + "; ".join(missed) + "."


def _row(cells):
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _optional_ms(value):
    return "" if value is None else _ms(value)


def _queries(row):
    if row["queries"] == row["queries_min"]:
        return str(row["queries"])
    return f"{row['queries_min']}-{row['queries']}"


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"
