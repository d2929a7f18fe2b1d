"""Two list orders read from an index instead of sorted from every row at 10,000 vendors:
the action-item register's (open items first, by due date, undated last; then the others) and
the credit statements' (newest month first, then by vendor); and the security incidents
awaiting a notification, which the sweep reads. Adding an index rebuilds no table, so SQLite
keeps its row count triggers. Action items and credit statements get row count triggers of
their own, so their list totals are read, not counted."""

import importlib

from django.db import migrations, models

# Counted from here on, as migration 0008 counts its tables (``figures.COUNTED``): the list
# totals of action-items/ and credit-statements/ were a COUNT(*) over 45,000 and 120,000 rows
# at 10,000 vendors, more than the page itself. SQLite drops a table's triggers when it
# rebuilds the table: a later migration that alters these two tables on SQLite must install
# their triggers again (``install_row_counts`` below), as 0010 does for 0008's.
NEWLY_COUNTED = ["governance_actionitem", "governance_creditstatement"]


def _row_counts():
    return importlib.import_module("governance.migrations.0008_figures_row_counts")


def install_row_counts(apps, schema_editor):
    _row_counts().count_tables(schema_editor, NEWLY_COUNTED)


def uninstall_row_counts(apps, schema_editor):
    _row_counts().uncount_tables(schema_editor, NEWLY_COUNTED, forget=True)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0024_webhooks_attention_list_scope_digest_time"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="actionitem",
            index=models.Index(
                models.OrderBy(
                    models.ExpressionWrapper(
                        models.Q(("status__in", ["open", "in_progress"])),
                        output_field=models.BooleanField(),
                    ),
                    descending=True,
                ),
                models.F("due_date"),
                models.F("id"),
                name="action_item_register_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                condition=models.Q(("category", "security"))
                & (
                    models.Q(("vendor_notified_at__isnull", True))
                    | models.Q(
                        ("authority_notified_at__isnull", True), ("personal_data_affected", True)
                    )
                ),
                fields=["detected_at"],
                name="incident_awaiting_notice_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="creditstatement",
            index=models.Index(
                fields=["-month", "vendor", "id"], name="credit_statement_month_idx"
            ),
        ),
        migrations.RunPython(install_row_counts, uninstall_row_counts),
    ]
