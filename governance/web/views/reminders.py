"""The reminders sent (or due, or failed) for a vendor."""

from governance import selectors
from governance.web.views.base import section_view

CSV_HEADER = [
    "Kind",
    "About",
    "For",
    "Lead time (days)",
    "Recipient",
    "Status",
    "Attempts",
    "Sent at",
    "Last error",
]


def _csv_row(reminder):
    return [
        reminder.get_kind_display(),
        f"{reminder.content_type.name} #{reminder.object_id}",
        reminder.occurrence,
        round(reminder.lead_time.total_seconds() / 86400, 2),
        reminder.recipient.username if reminder.recipient_id else reminder.recipient_contact.email,
        reminder.status,
        reminder.attempts,
        reminder.sent_at,
        reminder.last_error,
    ]


reminder_list = section_view(
    "reminders",
    "Reminders",
    lambda request, vendor: selectors.vendor_reminders(vendor),
    csv=(CSV_HEADER, _csv_row),
)
