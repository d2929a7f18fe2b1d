"""Service credits: policies, and statements (computed by the service, their status set here)."""

from django.contrib import admin, messages

from governance import services
from governance.admin.base import AdministratorsOnly, Writes
from governance.models import CreditPolicy, CreditStatement


@admin.register(CreditPolicy)
class CreditPolicyAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["vendor", "monthly_fee", "currency", "cap_percent", "claim_window_days"]
    search_fields = ["vendor__name"]
    autocomplete_fields = ["vendor"]
    list_select_related = ["vendor"]
    show_full_result_count = False
    writes = Writes(services.credit_policy_save, services.record_delete)


def _status_save(statement):
    return services.credit_statement_status_set(
        statement, status=statement.status, status_note=statement.status_note
    )


@admin.register(CreditStatement)
class CreditStatementAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["vendor", "month", "compliance_percent", "credit_due", "currency", "status"]
    list_filter = ["status"]
    search_fields = ["vendor__name"]
    date_hierarchy = "month"
    list_select_related = ["vendor"]
    show_full_result_count = False
    fields = [
        "vendor",
        "month",
        "compliance_percent",
        "met",
        "breached",
        "breaches_by_priority",
        "credit_due",
        "currency",
        "computed_at",
        "status",
        "status_note",
    ]
    readonly_fields = [name for name in fields if name not in ("status", "status_note")]
    actions = ["recompute"]
    # Statements are computed (the action, the API, the vendor page), never typed in.
    writes = Writes(_status_save)

    def has_add_permission(self, request, *args):
        return False

    @admin.action(description="Recompute the selected months", permissions=["change"])
    def recompute(self, request, queryset):
        count = self.write_each(
            request,
            queryset.select_related("vendor"),
            lambda row: services.credit_statement_compute(row.vendor, month=row.month),
        )
        self.message_user(request, f"Recomputed {count} statement(s).", messages.SUCCESS)
