"""Incidents, with their SLA breaches read-only, and the SLA targets they are measured by."""

from django.contrib import admin
from django.db.models import Q
from django.utils import formats, timezone

from governance import selectors, services
from governance.admin.base import AdministratorsOnly, Writes
from governance.admin.filters import ConditionFilter
from governance.domain.notification import describe_clock
from governance.models import Incident, SLATarget


def _minutes(value):
    """30 -> "30 min", 240 -> "4 h", 2880 -> "2 d" (exact units only, else minutes)."""
    if value % (24 * 60) == 0:
        return f"{value // (24 * 60)} d"
    if value % 60 == 0:
        return f"{value // 60} h"
    return f"{value} min"


@admin.register(SLATarget)
class SLATargetAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = ["vendor", "priority", "response", "resolution"]
    list_filter = ["priority", "vendor__tier"]
    search_fields = ["vendor__name"]
    autocomplete_fields = ["vendor"]
    list_select_related = ["vendor"]
    show_full_result_count = False
    writes = Writes(services.sla_target_save, services.sla_target_delete)

    @admin.display(description="Response", ordering="response_minutes")
    def response(self, target):
        return _minutes(target.response_minutes)

    @admin.display(description="Resolution", ordering="resolution_minutes")
    def resolution(self, target):
        return _minutes(target.resolution_minutes)


class BreachFilter(ConditionFilter):
    title = "SLA"
    parameter_name = "sla"

    def conditions(self):
        # The flags are annotated by selectors.incidents_with_breach_flags (get_queryset).
        return {
            "response_breached": ("Response breached", Q(response_breached=True)),
            "resolution_breached": ("Resolution breached", Q(resolution_breached=True)),
            "met": ("No breach", Q(response_breached=False, resolution_breached=False)),
        }


@admin.register(Incident)
class IncidentAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = [
        "__str__",
        "vendor",
        "priority",
        "status",
        "category",
        "opened_at",
        "response_due_at",
        "response_sla_breached",
        "resolution_due_at",
        "resolution_sla_breached",
    ]
    list_filter = [
        "category",
        "status",
        "priority",
        BreachFilter,
        "service",
        "personal_data_affected",
        "vendor__tier",
    ]
    search_fields = ["external_id", "title", "vendor__name"]
    date_hierarchy = "opened_at"
    autocomplete_fields = ["vendor", "postmortem_meeting"]
    list_select_related = ["vendor"]
    readonly_fields = [
        "response_due_at",
        "resolution_due_at",
        "response_sla_breached",
        "resolution_sla_breached",
        "vendor_notification",
        "authority_notification",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "vendor",
                    "external_id",
                    "title",
                    "description",
                    ("priority", "service"),
                    "status",
                    "category",
                ]
            },
        ),
        ("Times", {"fields": ["opened_at", "acknowledged_at", "resolved_at"]}),
        (
            "SLA (derived from the vendor's target)",
            {
                "fields": [
                    ("response_due_at", "response_sla_breached"),
                    ("resolution_due_at", "resolution_sla_breached"),
                ]
            },
        ),
        (None, {"fields": ["root_cause"]}),
        (
            "Security incident (only when the category is security)",
            {
                "fields": [
                    "detected_at",
                    ("vendor_notified_at", "notified_by"),
                    "personal_data_affected",
                    "systems_affected",
                    "data_involved",
                    "contained_at",
                    "authority_notified_at",
                    "postmortem_meeting",
                    "vendor_notification",
                    "authority_notification",
                ]
            },
        ),
    ]
    show_full_result_count = False
    writes = Writes(services.incident_save, services.record_delete)

    def get_queryset(self, request):
        return selectors.incidents_with_breach_flags(super().get_queryset(request))

    @admin.display(description="Vendor's notification clock")
    def vendor_notification(self, incident):
        return _clock_text(incident, "vendor")

    @admin.display(description="Authority notification clock")
    def authority_notification(self, incident):
        return _clock_text(incident, "authority")

    @admin.display(description="Response breached", boolean=True, ordering="response_breached")
    def response_sla_breached(self, incident):
        if hasattr(incident, "response_breached"):
            return incident.response_breached
        return incident.response_breached_at(timezone.now())

    @admin.display(description="Resolution breached", boolean=True, ordering="resolution_breached")
    def resolution_sla_breached(self, incident):
        if hasattr(incident, "resolution_breached"):
            return incident.resolution_breached
        return incident.resolution_breached_at(timezone.now())


def _clock_text(incident, side):
    """One clock of a saved incident, in words (the change page shows one incident)."""
    if incident.pk is None:
        return "-"
    clock = getattr(selectors.notification_clocks([incident])[incident.pk], side)
    if clock is None:
        return "-"
    if clock.due_at is None:
        return describe_clock(clock)
    due = formats.localize(timezone.localtime(clock.due_at))
    return f"{describe_clock(clock)} (due {due})"
