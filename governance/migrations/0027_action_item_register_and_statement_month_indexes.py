"""Two list orders read from an index instead of sorted from every row at 10,000 vendors:
the action-item register's (open items first, by due date, undated last; then the others) and
the credit statements' (newest month first, then by vendor); and the security incidents
awaiting a notification, which the sweep reads. Adding an index rebuilds no table, so SQLite
keeps its row count triggers."""

from django.db import migrations, models


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
    ]
