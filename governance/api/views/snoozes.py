"""Snoozes: each person's own, made, changed and ended here."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.permissions import BasePermission

from governance import services
from governance.domain import access
from governance.models import Snooze

from .. import serializers
from .base import GovernanceAPIMixin


class OwnSnoozes(BasePermission):
    """Any internal user snoozes their own reminders; representatives use the portal."""

    message = "Vendor representatives use the vendor portal, not the API."

    def has_permission(self, request, view):
        return access.is_internal(request.user)


@extend_schema_view(
    list=extend_schema(summary="List your snoozes"),
    create=extend_schema(
        summary="Snooze your reminders about an object",
        description="Until `until`, the reminders you would get about the object are not "
        "sent, your digest leaves it out, and escalations about it wait. Snoozing the same "
        "object again replaces the date.",
    ),
    destroy=extend_schema(summary="End a snooze", description="Reminders resume at once."),
)
class SnoozeViewSet(
    GovernanceAPIMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your snoozes: reminders about one object held until a date."""

    permission_classes = [OwnSnoozes]
    queryset = Snooze.objects.select_related("content_type")
    serializer_class = serializers.SnoozeSerializer
    ordering_fields = ["until", "created_at"]
    ordering = ["until"]

    def get_queryset(self):
        return super().get_queryset().filter(user=self.request.user)

    def perform_destroy(self, instance):
        services.snooze_end(instance)
