"""Meeting occurrences (an instance of a series once something happened to it) and the
decisions taken at them. Writes go through the same services as the web UI and the API."""

from django import forms
from django.contrib import admin, messages

from governance import services
from governance.admin.base import AdministratorsOnly, RecordErrorsShown, Writes, vendor_column
from governance.models import Decision, MeetingOccurrence


class OccurrenceForm(RecordErrorsShown, forms.ModelForm):
    class Meta:
        model = MeetingOccurrence
        fields = ["meeting", "original_start", "minutes", "attendees", "contacts"]
        help_texts = {
            "original_start": "The instance's start in the series (UTC), as a calendar's "
            "RECURRENCE-ID; it names the occurrence and never changes.",
        }


class DecisionInline(admin.TabularInline):
    model = Decision
    fields = ["text", "recorded_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MeetingOccurrence)
class MeetingOccurrenceAdmin(AdministratorsOnly, admin.ModelAdmin):
    """Occurrences: cancel, restore, record as held and share the minutes as actions (the
    services' rules); the vendor signs the minutes off in the portal, shown here read only."""

    form = OccurrenceForm
    list_display = [
        "meeting",
        "vendor",
        "original_start",
        "starts_at",
        "status",
        "minutes_status",
        "signed_off_by",
    ]
    list_filter = ["status", "minutes_status"]
    search_fields = ["meeting__title", "meeting__vendor__name"]
    date_hierarchy = "original_start"
    autocomplete_fields = ["meeting", "attendees", "contacts"]
    list_select_related = ["meeting__vendor", "signed_off_by"]
    readonly_fields = [
        "status",
        "starts_at",
        "minutes_status",
        "minutes_comment",
        "signed_off_by",
        "signed_off_at",
    ]
    inlines = [DecisionInline]
    actions = ["cancel", "restore", "record_held", "share_minutes"]
    show_full_result_count = False
    vendor = vendor_column("meeting__vendor")

    def get_readonly_fields(self, request, obj=None):
        fixed = ["meeting", "original_start"] if obj is not None else []
        return [*fixed, *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        services.occurrence_save(
            obj,
            attendees=form.cleaned_data.get("attendees"),
            contacts=form.cleaned_data.get("contacts"),
        )

    def _each(self, request, queryset, service, done):
        written = self.write_each(request, queryset, service)
        self.message_user(request, f"{done}: {written} occurrence(s).", messages.SUCCESS)

    @admin.action(description="Cancel (left out of feeds and reminders)", permissions=["change"])
    def cancel(self, request, queryset):
        self._each(request, queryset, services.occurrence_cancel, "Cancelled")

    @admin.action(description="Restore (scheduled again)", permissions=["change"])
    def restore(self, request, queryset):
        self._each(request, queryset, services.occurrence_restore, "Restored")

    @admin.action(description="Record as held", permissions=["change"])
    def record_held(self, request, queryset):
        self._each(request, queryset, services.occurrence_record, "Recorded as held")

    @admin.action(description="Share the minutes with the vendor", permissions=["change"])
    def share_minutes(self, request, queryset):
        self._each(request, queryset, services.minutes_share, "Minutes shared")


@admin.register(Decision)
class DecisionAdmin(AdministratorsOnly, admin.ModelAdmin):
    """The decision log: added for a held occurrence, by whoever records it; not edited."""

    list_display = ["__str__", "occurrence", "vendor", "recorded_by", "created_at"]
    search_fields = ["text", "occurrence__meeting__title", "occurrence__meeting__vendor__name"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["occurrence"]
    list_select_related = ["occurrence__meeting__vendor", "recorded_by"]
    fields = ["occurrence", "text", "recorded_by", "created_at"]
    show_full_result_count = False
    writes = Writes()
    vendor = vendor_column("occurrence__meeting__vendor")

    def has_change_permission(self, request, obj=None):
        # Recorded, not rewritten: a changed decision would be a new one.
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return self.fields
        return ["recorded_by", "created_at"]

    def save_model(self, request, obj, form, change):
        saved = services.decision_add(obj.occurrence, text=obj.text, by=request.user)
        obj.pk, obj.recorded_by, obj.created_at = saved.pk, saved.recorded_by, saved.created_at
