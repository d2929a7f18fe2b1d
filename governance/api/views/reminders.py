"""Reminders (read-only)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from governance.models import Reminder

from .. import filters, serializers
from ..scoping import reminder_visibility
from .base import GovernanceAPIMixin


@extend_schema_view(
    list=extend_schema(
        summary="List reminders",
        description="What the reminder engine has scheduled, sent or failed to send.",
    ),
    retrieve=extend_schema(summary="A reminder"),
)
class ReminderViewSet(GovernanceAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Reminders the reminder engine has scheduled, sent or failed to send (read-only)."""

    queryset = Reminder.objects.select_related("content_type")
    serializer_class = serializers.ReminderSerializer
    filterset_class = filters.ReminderFilter
    ordering_fields = ["created_at", "occurrence", "sent_at", "status"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return super().get_queryset().filter(reminder_visibility(self.request))
