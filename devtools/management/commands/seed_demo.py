"""``python manage.py seed_demo [--vendors N] [--if-empty] [--seed S]``: demo or scale data."""

import resource
import sys
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from devtools import demo
from devtools.demo.follow_through import seed_follow_through
from devtools.demo.vendor_voice import seed_vendor_voice
from governance.models import CreditStatement, UserProfile, Vendor, VendorFigures


def peak_rss_mb():
    """Peak resident memory of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


class Command(BaseCommand):
    help = (
        "Seed a realistic vendor portfolio (contacts, SLA targets, a year of reviews, goals "
        "with check-ins, recurring meetings, incidents and security incidents, security "
        "clauses, credit policies and three months of statements) and the demo login. "
        "Dates are relative to today; the same --seed gives the same portfolio on the same day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--vendors", type=int, default=40, help="How many vendors (default 40)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when vendors already exist (what `make run` uses).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")

    def handle(self, *args, vendors, if_empty, seed, **options):
        if vendors < 0:
            raise CommandError("--vendors must be zero or more.")
        if if_empty and Vendor.objects.exists():
            self.stdout.write("Vendors already exist: nothing seeded.")
            self._print_login()
            return
        started = time.monotonic()

        def progress(done, rows):
            self.stdout.write(
                f"  {done:,}/{vendors:,} vendors, {rows:,} rows "
                f"({time.monotonic() - started:.1f} s, {peak_rss_mb():.0f} MB peak)"
            )

        # All or nothing: a failure half-way leaves the database as it was.
        with transaction.atomic():
            owner, managers = demo.ensure_demo_users()
            seeded_after = Vendor.objects.aggregate(last=Max("pk"))["last"] or 0
            counts = demo.seed_portfolio(
                vendors=vendors, seed=seed, users=[owner, *managers], progress=progress
            )
            demo.ensure_vendor_rep()
            users = [owner, *managers]
            new = Vendor.objects.filter(pk__gt=seeded_after).values("pk")
            for label, made in seed_follow_through(
                seed=seed, now=timezone.now(), users=users, vendor_ids=new
            ).items():
                counts[label] = counts.get(label, 0) + made
            counts.update(seed_vendor_voice(now=timezone.now(), vendor_ids=new))
        if connection.vendor == "postgresql":
            # Fresh planner statistics: until autovacuum gets to them, a bulk-loaded table
            # looks empty and list pages pick slow plans. VACUUM as well (outside a
            # transaction only): it sets the visibility map a bulk load leaves empty, which
            # autovacuum would otherwise do later, in the middle of whatever runs next.
            tables = ", ".join(
                connection.ops.quote_name(m._meta.db_table)
                for m in [*demo.MODELS_IN_ORDER, VendorFigures, CreditStatement]
            )
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            started_vacuum = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute(f"{command} {tables}")
            self.stdout.write(f"  {command} in {time.monotonic() - started_vacuum:.1f} s")
        total = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {vendors:,} vendors, {total:,} rows in "
                f"{time.monotonic() - started:.1f} s (peak memory {peak_rss_mb():.0f} MB)."
            )
        )
        for label, count in counts.items():
            self.stdout.write(f"  {label}: {count:,}")
        self._print_login()

    def _print_login(self):
        user = get_user_model().objects.filter(username=demo.DEMO_USERNAME).first()
        if user is None:
            return
        if user.check_password(demo.DEMO_PASSWORD):
            self.stdout.write(
                f"Log in as  {demo.DEMO_USERNAME} / {demo.DEMO_PASSWORD}  "
                "(web UI at /, admin at /admin/)"
            )
            rep = (
                UserProfile.objects.filter(user__username=demo.VENDOR_REP_USERNAME)
                .select_related("user", "vendor")
                .first()
            )
            if rep is not None and rep.vendor and rep.user.check_password(demo.DEMO_PASSWORD):
                self.stdout.write(
                    f"Vendor portal:  {demo.VENDOR_REP_USERNAME} / {demo.DEMO_PASSWORD}  "
                    f"({rep.vendor} at /portal/)"
                )
        else:
            self.stdout.write(f"Log in as {demo.DEMO_USERNAME} with the password you set.")
