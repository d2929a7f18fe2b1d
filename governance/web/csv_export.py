"""CSV exports of the UI's lists, safe to open in a spreadsheet."""

import csv
import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from governance.domain.text import file_name

# A cell starting with one of these is read as a formula by spreadsheets (CSV injection);
# tab and carriage return are included as OWASP recommends.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def person_cell(user):
    """A user as people read them in a CSV: full name, else username; empty for nobody."""
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def escape_cell(value):
    """The cell text for ``value``: formula-looking text gets a leading apostrophe.

    Numbers the app computed are written as they are (a negative number is data, not a
    formula); datetimes are written in the active (the user's) time zone.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_response(filename, header, rows):
    """An attachment ``filename`` with ``header`` and ``rows`` (iterables of cell values).

    The file name may come from stored text (a vendor's name): it is made one line and
    written as RFC 6266 asks, ``filename*=utf-8''...`` when it is not plain ASCII.
    """
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, file_name(filename))
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([escape_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return response


def wants_csv(request):
    return request.GET.get("export") == "csv"
