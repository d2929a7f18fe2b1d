"""The action-item register: every follow-up, whatever produced it."""

from django.contrib import admin

from governance import services
from governance.admin.base import AdministratorsOnly, Writes
from governance.models import ActionItem


@admin.register(ActionItem)
class ActionItemAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["__str__", "vendor", "source", "owner", "vendor_contact", "due_date", "status"]
    list_filter = ["status", "source", "vendor__tier"]
    search_fields = ["description", "vendor__name"]
    date_hierarchy = "due_date"
    autocomplete_fields = [
        "vendor",
        "review",
        "meeting",
        "incident",
        "occurrence",
        "owner",
        "vendor_contact",
    ]
    list_select_related = ["vendor", "owner", "vendor_contact"]
    show_full_result_count = False
    fields = list(services.ACTION_ITEM_FIELDS)
    writes = Writes(services.action_item_save, services.record_delete)
