"""``manage.py send_reminders``: one reminder sweep now, in the foreground."""

from django.core.management.base import BaseCommand

from governance import reminders


class Command(BaseCommand):
    help = (
        "Run one reminder sweep now and send what is due in this process, printing each "
        "reminder sent (for cron users and for checking a deployment; beat runs the same sweep)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the reminders that are due without creating or sending anything.",
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            due = reminders.due_reminders()
            for reminder in due:
                self.stdout.write(
                    f"due     {reminder.kind:<16} {reminder.address:<32} "
                    f"{reminder.content_type.model} #{reminder.object_id} "
                    f"for {reminder.occurrence:%Y-%m-%d %H:%M} UTC"
                )
            self.stdout.write(f"{len(due)} reminder(s) due; nothing was created or sent.")
            return

        result = reminders.sweep(enqueue=False)
        counts = dict.fromkeys(
            (reminders.SENT, reminders.FAILED, reminders.RETRY, reminders.DROPPED), 0
        )
        # One SMTP connection for the whole run (reopened after a failure).
        for outcome in reminders.deliver_each(result.to_send):
            if outcome.status == reminders.SKIPPED:
                continue
            counts[outcome.status] += 1
            self.stdout.write(self._line(outcome))
        self.stdout.write(
            self.style.SUCCESS(
                f"Sent {counts[reminders.SENT]}, failed {counts[reminders.FAILED]}, "
                f"to retry {counts[reminders.RETRY]}, dropped {counts[reminders.DROPPED]} "
                f"({result.created} new, {result.recovered} recovered, "
                f"{result.requeued} re-queued)."
            )
        )

    def _line(self, outcome):
        text = (
            f"{outcome.status:<7} {outcome.kind:<16} {outcome.recipient:<32} "
            f"{outcome.subject or outcome.detail}"
        )
        if outcome.status == reminders.SENT:
            return text
        if outcome.subject and outcome.detail:
            text = f"{text} ({outcome.detail})"
        return self.style.WARNING(text)
