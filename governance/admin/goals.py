"""Shared goals, with their check-ins inline."""

from django.contrib import admin

from governance import services
from governance.admin.base import AdministratorsOnly, CompactInline, Writes
from governance.models import Goal, GoalCheckIn


class GoalCheckInInline(CompactInline):
    model = GoalCheckIn
    extra = 1
    fields = ["date", "value", "note", "author"]
    autocomplete_fields = ["author"]
    writes = Writes(services.goal_check_in_save, services.goal_check_in_delete)

    def save_row(self, request, check_in):
        # A new check-in nobody is named for is the administrator's own.
        if check_in.author_id is None and check_in.pk is None:
            check_in.author = request.user
        super().save_row(request, check_in)


@admin.register(Goal)
class GoalAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = [
        "title",
        "vendor",
        "metric",
        "baseline",
        "target_value",
        "current_value",
        "direction",
        "status",
        "due_date",
    ]
    list_filter = ["status", "direction", "vendor__tier"]
    search_fields = ["title", "metric", "vendor__name"]
    date_hierarchy = "due_date"
    autocomplete_fields = ["vendor", "owner", "vendor_owner"]
    list_select_related = ["vendor"]
    readonly_fields = ["current_value"]
    inlines = [GoalCheckInInline]
    show_full_result_count = False
    writes = Writes(services.goal_save, services.record_delete)
