"""The limits every stored value keeps, so no page, feed, export or reminder fails on it later.

The models build their fields from the classes here, so the web forms, the API, the admin,
the portal and any service refuse an out-of-bounds value with the same message, and nothing
that a page cannot read gets stored. ``governance.domain.scheduling`` keeps its date arithmetic
inside the same window. A submitted id is held to what a key column stores (``key_in_range``,
``IdsChoiceField``), for every front end that looks records up by id.
"""

import datetime as dt
import json
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import connection, models
from django.utils.deconstruct import deconstructible

# Dates outside this window are typing mistakes, and near year 1 or 9999 date arithmetic
# (cadences, time zones, SLA due times, meeting expansion) overflows.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
RANGE_MESSAGE = "Use a date between 1900-01-01 and 2199-12-31."

# A contract's renewal notice period, in days (ten years).
MAX_NOTICE_DAYS = 3660
# An SLA target, in minutes (ten years): every due time derived from it stays readable.
MAX_SLA_MINUTES = 10 * 366 * 24 * 60
# A breach-notification window, in hours (a leap year).
MAX_NOTIFICATION_HOURS = 366 * 24

# JSON values (lists of services, clause parameters, reminder preferences) are small: a
# deeper or larger one is an attack on the parser, not data.
JSON_MAX_DEPTH = 10
JSON_MAX_CHARACTERS = 20_000

# Line and paragraph separators end a line as surely as "\n" does in an email header or an
# iCalendar property.
_LINE_BREAKING = {"Zl", "Zp"}
# Kept in multi-line text: tab, line feed, carriage return.
_TEXT_WHITESPACE = {"\t", "\n", "\r"}


def in_window(value):
    """True when a date is within the stored window, or a moment is within it both where it
    was typed and in UTC.

    A moment is stored in UTC and read back in UTC, so that is where it must fit: 1900-01-01
    00:00 typed at UTC+14 is 1899 in UTC, and a record holding it would fail every later
    validation. Its own calendar date is checked first, because converting a moment near
    year 1 or 9999 to UTC is what overflows.
    """
    if not isinstance(value, dt.datetime):
        return EARLIEST_DATE <= value <= LATEST_DATE
    if not EARLIEST_DATE <= value.date() <= LATEST_DATE:
        return False
    return value.tzinfo is None or in_window(value.astimezone(dt.UTC).date())


@deconstructible
class DateInRange:
    """Validator: ``in_window``, with the message people see."""

    message = RANGE_MESSAGE
    code = "date_out_of_range"

    def __call__(self, value):
        if not in_window(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, DateInRange)


def encodable(text):
    """False for text holding a lone surrogate: valid in a JSON escape, not in UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def first_control_character(text, *, multiline):
    """The first character of ``text`` that breaks a one-line (or any) text, or None.

    Control characters (NUL, escape, vertical tab...) never belong in what people type;
    line breaks belong only in multi-line text.
    """
    for character in text:
        category = unicodedata.category(character)
        if multiline and character in _TEXT_WHITESPACE:
            continue
        if category == "Cc" or category in _LINE_BREAKING:
            return character
    return None


@deconstructible
class PlainText:
    """Refuse control characters; ``multiline`` text may hold tabs and line breaks."""

    def __init__(self, multiline=False):
        self.multiline = multiline

    def __call__(self, value):
        if not isinstance(value, str):
            return
        if not encodable(value):
            raise ValidationError(
                "This text is not valid Unicode (a lone surrogate).", code="invalid_unicode"
            )
        character = first_control_character(value, multiline=self.multiline)
        if character is None:
            return
        if character in "\r\n\u2028\u2029":
            message = "Use a single line: this text may not contain line breaks."
        else:
            message = "Remove the control character U+%(code)04X from this text."
        raise ValidationError(message, code="control_character", params={"code": ord(character)})

    def __eq__(self, other):
        return isinstance(other, PlainText) and other.multiline == self.multiline


def json_depth(value, *, limit):
    """How deeply ``value`` nests, counting no further than ``limit + 1``."""
    if isinstance(value, dict):
        children = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return 0
    if limit < 0:
        return 1
    return 1 + max((json_depth(child, limit=limit - 1) for child in children), default=0)


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _json_strings(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


@deconstructible
class SmallJSON:
    """A JSON value the database and every page can hold: shallow, small, no control text."""

    def __call__(self, value):
        if json_depth(value, limit=JSON_MAX_DEPTH) > JSON_MAX_DEPTH:
            raise ValidationError(
                "This value nests more than %(limit)d levels deep.",
                code="json_too_deep",
                params={"limit": JSON_MAX_DEPTH},
            )
        if len(json.dumps(value, ensure_ascii=False, default=str)) > JSON_MAX_CHARACTERS:
            raise ValidationError(
                "This value is longer than %(limit)d characters.",
                code="json_too_long",
                params={"limit": JSON_MAX_CHARACTERS},
            )
        for text in _json_strings(value):
            # A JSON "\ud800" escape parses into half a character that no database or page
            # can encode.
            if not encodable(text):
                raise ValidationError(
                    "Text in this value is not valid Unicode (a lone surrogate).",
                    code="invalid_unicode",
                )
            # PostgreSQL's jsonb cannot hold \u0000, and no other control character is data.
            if first_control_character(text, multiline=True) is not None:
                raise ValidationError(
                    "Text in this value may not contain control characters.",
                    code="control_character",
                )

    def __eq__(self, other):
        return isinstance(other, SmallJSON)


# --- model fields ---------------------------------------------------------------------------
# Each adds its validators by default (``default_validators``), so every form, serializer and
# admin field built from the model carries them.


class DateField(models.DateField):
    """A calendar date within ``EARLIEST_DATE``..``LATEST_DATE``."""

    default_validators = [DateInRange()]


class DateTimeField(models.DateTimeField):
    """A moment whose date, in its own time zone, is within the stored window."""

    default_validators = [DateInRange()]


class LineField(models.CharField):
    """One line of text (names, titles, places): no line breaks, no control characters."""

    default_validators = [PlainText()]


class TextField(models.TextField):
    """Multi-line text (descriptions, minutes): no control characters but tab and newlines."""

    default_validators = [PlainText(multiline=True)]


class _SafeJSONFormField(forms.JSONField):
    """Django's JSON form field, answering with a message where it would fail: a body nested
    past Python's stack, or text that no page can encode (a ``"\\ud800"`` escape)."""

    def to_python(self, value):
        try:
            parsed = super().to_python(value)
        except RecursionError as error:
            raise ValidationError("This value nests too deeply.", code="json_too_deep") from error
        if not all(encodable(text) for text in _json_strings(parsed)):
            raise ValidationError(
                "Text in this value is not valid Unicode (a lone surrogate).",
                code="invalid_unicode",
            )
        return parsed

    def bound_data(self, data, initial):
        # Redisplayed as typed unless it parses into something a page can show again.
        try:
            parsed = super().bound_data(data, initial)
        except RecursionError:
            return forms.fields.InvalidJSONInput(data)
        if not all(encodable(text) for text in _json_strings(parsed)):
            return forms.fields.InvalidJSONInput(data)
        return parsed


class JSONField(models.JSONField):
    """A small JSON value (see ``SmallJSON``)."""

    default_validators = [SmallJSON()]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": _SafeJSONFormField, **kwargs})


def at_most(limit, message):
    """A maximum for a number, with the message people see."""
    return MaxValueValidator(limit, message=message)


# --- ids ------------------------------------------------------------------------------------


def key_in_range(model, number):
    """Whether the integer ``number`` fits ``model``'s key column.

    Django looks ids up with ``pk__in`` as given, which SQLite cannot bind past 64 bits (an
    OverflowError, a 500): a submitted id is checked with this first.
    """
    low, high = connection.ops.integer_field_range(model._meta.pk.get_internal_type())
    return (low is None or number >= low) and (high is None or number <= high)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Several records by id, refusing an id no key can hold (``key_in_range``) as an
    invalid choice."""

    def _check_values(self, value):
        for item in value:
            try:
                number = int(str(item))
            except ValueError:
                continue  # Django's own check says what is wrong with it
            if not key_in_range(self.queryset.model, number):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)
