"""List filters whose every choice is one condition."""

import datetime as dt

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone


class ConditionFilter(admin.SimpleListFilter):
    """A list filter whose every choice is one condition: ``conditions()`` maps each
    parameter value to its label and its ``Q``; any other value filters nothing."""

    def conditions(self):
        raise NotImplementedError

    def lookups(self, request, model_admin):
        return [(value, label) for value, (label, _) in self.conditions().items()]

    def queryset(self, request, queryset):
        chosen = self.conditions().get(self.value())
        return queryset if chosen is None else queryset.filter(chosen[1])


class DateWindowFilter(ConditionFilter):
    """Rows by where the date ``field`` lies from today: "past", "soon" (within ``days``),
    "later" or "none" (no date); ``labels`` names the windows offered."""

    field = ""
    days = 0
    labels = {}

    def conditions(self):
        today = timezone.localdate()
        soon = today + dt.timedelta(days=self.days)
        where = {
            "past": Q(**{f"{self.field}__lt": today}),
            "soon": Q(**{f"{self.field}__range": (today, soon)}),
            "later": Q(**{f"{self.field}__gt": soon}),
            "none": Q(**{f"{self.field}__isnull": True}),
        }
        return {window: (label, where[window]) for window, label in self.labels.items()}
