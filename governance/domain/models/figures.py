"""Derived figures kept per vendor, and row counts."""

from django.db import models

from governance.domain.models.vendors import Vendor


class VendorFigures(models.Model):
    """A vendor's derived figures as last computed: what the lists sort, page and show.

    A cache of ``selectors.vendors_with_metrics`` for one vendor, never typed in and not part
    of the audit history. ``services.figures`` rewrites it whenever a record it is computed
    from is written, and every few minutes for what changes with the clock alone (an open
    incident passing its target, the SLA window moving on, a clause expiring).
    """

    vendor = models.OneToOneField(
        Vendor, on_delete=models.CASCADE, primary_key=True, related_name="figures"
    )
    health_score = models.FloatField(null=True)
    next_review_date = models.DateField(null=True)
    latest_score = models.DecimalField(max_digits=3, decimal_places=2, null=True)
    previous_score = models.DecimalField(max_digits=3, decimal_places=2, null=True)
    sla_met = models.PositiveIntegerField(default=0)
    sla_breached = models.PositiveIntegerField(default=0)
    goals_measured = models.PositiveIntegerField(default=0)
    goals_good = models.PositiveIntegerField(default=0)
    clauses_required = models.PositiveIntegerField(default=0)
    clauses_covered = models.PositiveIntegerField(default=0)
    # The last day to give notice before the contract ends (contract end - notice days).
    notice_deadline = models.DateField(null=True)
    # When these values were last written (a refresh that finds them unchanged leaves the row).
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "vendor figures"
        indexes = [
            # The dashboard's weakest-first health table and the vendor list sorted by health.
            # (Ascending puts NULLs last in PostgreSQL, as the lists sort them.)
            models.Index(fields=["health_score", "vendor"], name="figures_health_idx"),
            # The dashboard's notice deadlines coming up.
            models.Index(fields=["notice_deadline"], name="figures_notice_idx"),
        ]

    def __str__(self):
        return f"Figures of vendor {self.vendor_id}"


class RowCount(models.Model):
    """How many rows of a table belong to a vendor, as a sum of signed deltas; never typed in.

    Database triggers (migration 0008) append one row per INSERT or DELETE statement on the
    counted tables (``figures.COUNTED``), so writers never wait on one another;
    ``figures.row_counts_compact`` folds each table's deltas into one row. An unfiltered API
    list's ``count`` is its table's sum, not a COUNT(*) over hundreds of thousands of rows.
    """

    table_name = models.CharField(max_length=63)
    delta = models.BigIntegerField()

    class Meta:
        indexes = [
            # An API list's total: the deltas of one table.
            models.Index(fields=["table_name"], name="rowcount_table_idx"),
        ]

    def __str__(self):
        return f"{self.table_name} {self.delta:+d}"


class CreditYearTotal(models.Model):
    """The portfolio's service credits of a calendar year, per currency and status, as sums
    of signed deltas; never typed in.

    Database triggers (migration 0029) append the change of every insert, update and delete
    of credit statements, by any door, in the writer's transaction;
    ``figures.credit_totals_compact`` folds the deltas. The dashboard's credits of the year
    are these rows summed: a handful, not the 120,000 statements of 10,000 vendors.
    """

    year = models.IntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=16)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    statements = models.BigIntegerField()

    class Meta:
        indexes = [
            # The dashboard's credits of the year: the deltas of one year.
            models.Index(fields=["year"], name="credit_year_total_year_idx"),
        ]

    def __str__(self):
        return f"{self.year} {self.currency} {self.status} {self.amount:+}"
