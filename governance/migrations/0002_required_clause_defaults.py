from django.db import migrations


def add_defaults(apps, schema_editor):
    from governance.models import DEFAULT_REQUIRED_CLAUSES

    RequiredClause = apps.get_model("governance", "RequiredClause")
    RequiredClause.objects.bulk_create(
        [
            RequiredClause(tier=tier, clause_type=clause_type)
            for tier, clause_types in DEFAULT_REQUIRED_CLAUSES.items()
            for clause_type in clause_types
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
