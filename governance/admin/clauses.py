"""Security clauses (verified from the list) and the clause types each tier requires."""

from django.contrib import admin, messages
from django.db import models

from governance import services
from governance.admin.base import AdministratorsOnly, Writes
from governance.admin.filters import DateWindowFilter
from governance.models import RequiredClause, SecurityClause


class ExpiryFilter(DateWindowFilter):
    title = "expiry"
    parameter_name = "expiry"
    field, days = "expires_on", 60
    labels = {"past": "Expired", "soon": "Expires within 60 days", "none": "No expiry"}


@admin.register(SecurityClause)
class SecurityClauseAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = [
        "vendor",
        "clause_type",
        "status",
        "notification_hours",
        "effective_date",
        "expires_on",
        "last_verified_on",
        "next_verification_due",
    ]
    list_filter = ["status", "clause_type", ExpiryFilter, "vendor__tier"]
    search_fields = ["vendor__name", "requirement"]
    date_hierarchy = "expires_on"
    autocomplete_fields = ["vendor"]
    list_select_related = ["vendor"]
    actions = ["verify_clauses"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    show_full_result_count = False
    writes = Writes(services.clause_save, services.clause_delete)

    @admin.action(description="Mark selected clauses verified today", permissions=["change"])
    def verify_clauses(self, request, queryset):
        verified = self.write_each(request, queryset, services.clause_verify)
        self.message_user(request, f"Verified {verified} clause(s).", messages.SUCCESS)


@admin.register(RequiredClause)
class RequiredClauseAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["tier", "clause_type"]
    list_filter = ["tier", "clause_type"]
    writes = Writes(services.required_clause_save, services.record_delete)
