"""What the security notification clock and its escalation share: the security incidents
whose clocks may still need a reminder, and each clock's start, deadline and state."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from governance.domain import notification
from governance.domain.bounds import MAX_NOTIFICATION_HOURS
from governance.models import Incident, Vendor
from governance.reminders import messages
from governance.reminders.kinds._incidents import lookback_start
from governance.selectors.notification import notification_clocks


@dataclass(frozen=True)
class ClockState:
    """One of an incident's two clocks, with what its reminders say about it."""

    name: str  # "vendor" or "authority"
    title: str
    started_at: dt.datetime
    clock: notification.Clock

    @property
    def due_at(self):
        return self.clock.due_at

    @property
    def unanswered(self):
        return notification.is_unanswered(self.clock)

    @property
    def description(self):
        return notification.describe_clock(self.clock)


def clock_states(incident, clocks):
    """The incident's clocks that run against a deadline, as ``ClockState``."""
    states = []
    if clocks.vendor is not None and clocks.vendor.due_at is not None:
        states.append(
            ClockState(
                "vendor", "The vendor's notification to us", incident.detected_at, clocks.vendor
            )
        )
    if clocks.authority is not None:
        states.append(
            ClockState(
                "authority",
                "Our notification to the supervisory authority",
                notification.awareness(incident),
                clocks.authority,
            )
        )
    return states


# The incident's columns its notification clocks are computed from.
CLOCK_FIELDS = (
    "id",
    "vendor_id",
    "category",
    "detected_at",
    "opened_at",
    "personal_data_affected",
    "vendor_notified_at",
    "authority_notified_at",
)


def unanswered_clocks(sweep):
    """``(incident, [ClockState])`` of the security incidents with a clock not answered yet
    (no notification recorded) whose deadline is at most the SLA look-back ago.

    The candidates are read by their detection or opening (a clock ends at most
    ``MAX_NOTIFICATION_HOURS`` after its start), then their clocks computed in two queries.
    """
    since = lookback_start(sweep.now)
    longest = max(MAX_NOTIFICATION_HOURS, settings.GOVERNANCE_AUTHORITY_NOTIFICATION_HOURS)
    started_since = since - dt.timedelta(hours=longest)
    incidents = list(
        Incident.objects.filter(notification.awaiting_notification())
        .filter(Q(detected_at__gte=started_since) | Q(opened_at__gte=started_since))
        .exclude(vendor__status=Vendor.Status.ENDED)
        .select_related("vendor")
        # What the clocks and the two kinds read: a sweep reads every such incident, and
        # loading their other columns and their vendors' whole rows was most of its time.
        .only(*CLOCK_FIELDS, "vendor__owner_id")
        .order_by("pk")
    )
    clocks = notification_clocks(incidents, now=sweep.now)
    for incident in incidents:
        states = [
            state
            for state in clock_states(incident, clocks[incident.pk])
            if state.unanswered and state.due_at >= since
        ]
        if states:
            yield incident, states


def states_for(reminder, incident):
    """The incident's unanswered clocks whose deadline this reminder is about."""
    if incident.category != Incident.Category.SECURITY:
        return []
    clocks = notification_clocks([incident])[incident.pk]
    return [
        state
        for state in clock_states(incident, clocks)
        if state.unanswered and state.due_at == reminder.occurrence
    ]


def message(reminder, incident, states, stage=""):
    return messages.email(
        reminder,
        {
            "incident": incident,
            "vendor": incident.vendor,
            "due_at": reminder.occurrence,
            "clocks": states,
            "stage": stage,
        },
        url=messages.url_of(incident),
    )
