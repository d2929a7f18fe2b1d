"""The reminder outbox, read-only; failed reminders can be sent again."""

from django.contrib import admin, messages
from django.utils.html import format_html

from governance import reminders, services
from governance.admin.base import EMPTY, AdministratorsOnly, Writes
from governance.domain import access
from governance.models import Reminder, Snooze


@admin.register(Reminder)
class ReminderAdmin(AdministratorsOnly, admin.ModelAdmin):
    """The reminder outbox, read-only: rows are written by the reminder engine alone."""

    list_display = [
        "kind",
        "status",
        "recipient",
        "recipient_contact",
        "vendor",
        "about",
        "occurrence",
        "lead_time",
        "attempts",
        "sent_at",
        "error",
    ]
    list_filter = ["status", "kind"]
    search_fields = [
        "recipient__username",
        "recipient__email",
        "recipient_contact__email",
        "vendor__name",
        "last_error",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["recipient", "recipient_contact", "vendor", "content_type"]
    readonly_fields = ["subject_link"]
    actions = ["retry_failed"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A deleted row would look unsent to the sweep, which would send it again.
        return False

    def has_retry_permission(self, request):
        return access.can_use_admin(request.user)

    @admin.display(description="About")
    def about(self, reminder):
        return f"{reminder.content_type.name} #{reminder.object_id}"

    @admin.display(description="Last error")
    def error(self, reminder):
        return reminder.last_error[:80] or EMPTY

    @admin.display(description="About")
    def subject_link(self, reminder):
        subject = reminder.subject
        if subject is None:
            return f"{reminder.content_type.name} #{reminder.object_id} (deleted)"
        url = getattr(subject, "get_absolute_url", None)
        return format_html('<a href="{}">{}</a>', url(), subject) if url else str(subject)

    @admin.action(description="Retry failed reminders", permissions=["retry"])
    def retry_failed(self, request, queryset):
        count = reminders.retry_failed(queryset)
        self.message_user(
            request, f"{count} failed reminder(s) will be sent again.", messages.SUCCESS
        )


@admin.register(Snooze)
class SnoozeAdmin(AdministratorsOnly, admin.ModelAdmin):
    """Who snoozed what, until when; people make their own (web UI, API), an administrator
    may end one."""

    list_display = ["user", "vendor", "content_type", "object_id", "until", "note", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["user__username", "vendor__name", "note"]
    list_select_related = ["user", "vendor", "content_type"]
    show_full_result_count = False
    writes = Writes(delete=services.snooze_end)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
