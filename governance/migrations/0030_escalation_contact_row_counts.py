"""The escalation contacts get row count triggers, as 0008 and 0027 give their tables: the
total of ``escalation-contacts/`` was a COUNT(*) over the 120,000 contacts of 10,000 vendors
(twice the time of the page at 10 vendors). No table is rebuilt."""

import importlib

from django.db import migrations

TABLES = ["governance_escalationcontact"]


def _row_counts():
    return importlib.import_module("governance.migrations.0008_figures_row_counts")


def install(apps, schema_editor):
    _row_counts().count_tables(schema_editor, TABLES)


def uninstall(apps, schema_editor):
    _row_counts().uncount_tables(schema_editor, TABLES, forget=True)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0029_credit_year_totals_notice_deadlines"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
