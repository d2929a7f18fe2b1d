"""What vendor representatives did (the inbox's activities), read-only."""

from django.contrib import admin

from governance.admin.base import AdministratorsOnly
from governance.domain.models.inbox import KIND_SUBJECTS
from governance.models import VendorActivity


@admin.register(VendorActivity)
class VendorActivityAdmin(AdministratorsOnly, admin.ModelAdmin):
    """Read-only: activities are recorded by the services with the change they are about."""

    list_display = ["at", "kind", "vendor", "actor", "about", "excerpt"]
    list_filter = ["kind"]
    search_fields = ["vendor__name", "actor__username", "comment"]
    date_hierarchy = "at"
    list_select_related = ["vendor", "actor"]
    # Who read what is each person's own; the subject's fields name it by id.
    fields = ["at", "kind", "vendor", "actor", "comment", "meeting", "about"]
    readonly_fields = fields
    show_full_result_count = False

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="About")
    def about(self, activity):
        name = KIND_SUBJECTS[activity.kind]
        return f"{name.replace('_', ' ')} #{getattr(activity, f'{name}_id')}"

    @admin.display(description="Comment")
    def excerpt(self, activity):
        return activity.comment[:80]
