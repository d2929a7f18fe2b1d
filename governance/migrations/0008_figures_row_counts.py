from django.db import migrations, models

# The tables whose rows belonging to a vendor are counted. Frozen here: this migration
# installs the triggers for exactly these (``governance.services.figures.COUNTED`` names the models).
COUNTED = [
    "governance_contact",
    "governance_goal",
    "governance_review",
    "governance_meeting",
    "governance_slatarget",
    "governance_incident",
    "governance_securityclause",
    "governance_reminder",
]
COUNTS = "governance_rowcount"

# PostgreSQL: statement-level triggers with transition tables: one delta row per INSERT or
# DELETE statement, however many rows it touched, and no lock that another writer waits on.
PG_FUNCTION = """
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {counts} (table_name, delta)
    SELECT '{table}', {sign}count(*) FROM changed WHERE vendor_id IS NOT NULL
    HAVING count(*) > 0;
    RETURN NULL;
END $$
"""
PG_TRIGGER = """
CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {which} TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION {name}()
"""
# SQLite (the local run): row-level triggers, one delta per row.
SQLITE_TRIGGER = """
CREATE TRIGGER {name} AFTER {event} ON {table} WHEN {which}.vendor_id IS NOT NULL BEGIN
    INSERT INTO {counts} (table_name, delta) VALUES ('{table}', {sign}1);
END
"""
EVENTS = [("ins", "INSERT", "NEW", ""), ("del", "DELETE", "OLD", "-")]


def count_tables(schema_editor, tables):
    """Count ``tables``' rows from here on: their rows so far, then the triggers (also used
    by the later migrations that count more tables)."""
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"row count triggers for {vendor}")
    for table in tables:
        # The rows already there, then the triggers count from here on.
        schema_editor.execute(
            f"INSERT INTO {COUNTS} (table_name, delta) "
            f"SELECT '{table}', count(*) FROM {table} WHERE vendor_id IS NOT NULL"
        )
        for suffix, event, which, sign in EVENTS:
            names = {
                "name": f"{table}_count_{suffix}",
                "table": table,
                "counts": COUNTS,
                "event": event,
                "which": which,
                "sign": sign,
            }
            if vendor == "postgresql":
                schema_editor.execute(PG_FUNCTION.format(**names))
                schema_editor.execute(PG_TRIGGER.format(**names))
            else:
                schema_editor.execute(SQLITE_TRIGGER.format(**names))


def uncount_tables(schema_editor, tables, *, forget=False):
    """Drop ``tables``' triggers (and with ``forget`` their counts)."""
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table in tables:
        for suffix, *_ in EVENTS:
            name = f"{table}_count_{suffix}"
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else "")
            )
            if postgresql:
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        if forget:
            schema_editor.execute(f"DELETE FROM {COUNTS} WHERE table_name = '{table}'")


def install(apps, schema_editor):
    count_tables(schema_editor, COUNTED)


def uninstall(apps, schema_editor):
    uncount_tables(schema_editor, COUNTED)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0007_stored_figures"),
    ]

    operations = [
        migrations.CreateModel(
            name="RowCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("table_name", models.CharField(max_length=63)),
                ("delta", models.BigIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["table_name"], name="rowcount_table_idx")],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
