import importlib

from django.db import migrations


def reinstall_sqlite_row_count_triggers(apps, schema_editor):
    """Migration 0011 added columns and constraints to the incident and clause tables, which
    SQLite does by rebuilding a table and so drops its triggers: put back the row count
    triggers of migration 0008 (as 0010 does; the rows were copied uncounted, so the stored
    totals still hold). PostgreSQL alters in place and keeps them."""
    row_counts_0010 = importlib.import_module(
        "governance.migrations.0010_bounded_fields_fail_closed_profiles"
    )
    row_counts_0010.reinstall_sqlite_row_count_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0012_service_credits"),
    ]

    operations = [
        migrations.RunPython(reinstall_sqlite_row_count_triggers, migrations.RunPython.noop),
    ]
