"""Escalation paths: each vendor's matrix, written through its service."""

from django.contrib import admin

from governance import services
from governance.admin.base import AdministratorsOnly, Writes
from governance.models import EscalationContact


@admin.register(EscalationContact)
class EscalationContactAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["vendor", "topic", "level", "side", "user", "contact", "response_minutes"]
    list_filter = ["topic", "level", "side"]
    search_fields = ["vendor__name", "user__username", "contact__name"]
    autocomplete_fields = ["vendor", "user", "contact"]
    list_select_related = ["vendor", "user", "contact"]
    show_full_result_count = False
    fields = [*services.ESCALATION_FIELDS]
    writes = Writes(services.escalation_contact_save, services.record_delete)
