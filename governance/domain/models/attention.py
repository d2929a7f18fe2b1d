"""What a person set aside on the dashboard's "Needs attention": one item, hidden for them
alone, for good (dismissed: they handled it) or until a moment (snoozed)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from governance.domain import bounds


class AttentionDismissal(models.Model):
    """One "Needs attention" item set aside by one person.

    ``key`` names the item and its reason (e.g. ``incident:42:resolution_breached``), so a new
    reason about the same record (the response breach, then the resolution breach) shows
    again. ``until`` empty: dismissed for good; set: snoozed until then.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attention_dismissals"
    )
    key = bounds.LineField(max_length=200)
    until = bounds.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="attention_dismissal_once_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.user} set aside {self.key}"

    def hides(self, now):
        return self.until is None or self.until > now
