"""``manage.py compute_credit_statements [--month YYYY-MM]``: a month's credit statements now."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from governance.domain import credits
from governance.services import credits as credit_services


class Command(BaseCommand):
    help = (
        "Compute (or recompute) the service credit statements of one month for every vendor "
        "with a credit policy, as the daily close_credit_month task does for last month on "
        "the first days of a month. A status set by hand stays while its amount does."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--month",
            help="The month as YYYY-MM, in the server's time zone (default: last month).",
        )

    def handle(self, *args, month=None, **options):
        if month is None:
            month = credit_services.previous_month(timezone.localdate())
        else:
            try:
                month = credits.parse_month(month)
            except ValueError as error:
                raise CommandError(str(error)) from error
        try:
            result = credit_services.credit_statements_compute_month(month)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"{month:%Y-%m}: {result.computed} statement(s) computed ({result.written} new or "
            f"changed), {result.due} with a credit due."
        )
