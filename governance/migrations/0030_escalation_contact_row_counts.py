"""The escalation contacts get row count triggers, as 0008 and 0027 give their tables: the
total of ``escalation-contacts/`` was a COUNT(*) over the 120,000 contacts of 10,000 vendors
(twice the time of the page at 10 vendors). No table is rebuilt."""

import importlib

from django.db import migrations

TABLES = ["governance_escalationcontact"]


def _row_counts():
    return importlib.import_module("governance.migrations.0008_figures_row_counts")


def install(apps, schema_editor):
    row_counts = _row_counts()
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"row count triggers for {vendor}")
    for table in TABLES:
        # The rows already there, then the triggers count from here on.
        schema_editor.execute(
            f"INSERT INTO {row_counts.COUNTS} (table_name, delta) "
            f"SELECT '{table}', count(*) FROM {table} WHERE vendor_id IS NOT NULL"
        )
        for suffix, event, which, sign in row_counts.EVENTS:
            names = {
                "name": f"{table}_count_{suffix}",
                "table": table,
                "counts": row_counts.COUNTS,
                "event": event,
                "which": which,
                "sign": sign,
            }
            if vendor == "postgresql":
                schema_editor.execute(row_counts.PG_FUNCTION.format(**names))
                schema_editor.execute(row_counts.PG_TRIGGER.format(**names))
            else:
                schema_editor.execute(row_counts.SQLITE_TRIGGER.format(**names))


def uninstall(apps, schema_editor):
    row_counts = _row_counts()
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table in TABLES:
        for suffix, *_ in row_counts.EVENTS:
            name = f"{table}_count_{suffix}"
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else "")
            )
            if postgresql:
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        schema_editor.execute(f"DELETE FROM {row_counts.COUNTS} WHERE table_name = '{table}'")


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0029_credit_year_totals_notice_deadlines"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
