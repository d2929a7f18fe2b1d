"""The operator's admin: every model, with derived figures read-only and writes through services.

One module per aggregate; ``base`` holds what every model admin shares (administrators only,
each write through a named service, a refusal shown as a message) and ``filters`` the list
filters. Django imports this package (``admin.autodiscover``); importing the modules registers
their model admins.

Lists stay fast with thousands of vendors: foreign keys are autocomplete widgets (never a
<select> of every row), related rows come with ``list_select_related`` and per-vendor figures
are the stored ones (``selectors.vendors_with_figures``, one join), so a changelist runs the
same handful of queries whatever its length.
"""

from governance.admin import (
    actions,
    base,
    clauses,
    credits,
    escalation,
    goals,
    inbox,
    incidents,
    meetings,
    occurrences,
    people,
    reminders,
    reviews,
    vendors,
    webhooks,
)

__all__ = [
    "actions",
    "base",
    "clauses",
    "credits",
    "escalation",
    "goals",
    "inbox",
    "incidents",
    "meetings",
    "occurrences",
    "people",
    "reminders",
    "reviews",
    "vendors",
    "webhooks",
]
