"""Structured logs on stdout: one line per record, logfmt by default or JSON."""

import json
import logging
import shlex
import sys

import pytest

from config.log_format import StructuredFormatter
from config.settings.base import LOGGING


def _record(message="Reminder sent to %s", args=("owner@example.com",), exc_info=None, **extra):
    record = logging.LogRecord(
        "governance.reminders", logging.WARNING, __file__, 10, message, args, exc_info
    )
    record.created = 1_796_000_000.25  # 2026-11-30T00:53:20.250Z
    record.__dict__.update(extra)
    return record


def _failure():
    try:
        raise ConnectionRefusedError('SMTP "mail" refused')
    except ConnectionRefusedError:
        return sys.exc_info()


def test_a_logfmt_line_has_time_level_logger_and_message():
    line = StructuredFormatter().format(_record(status_code=200, request=object()))
    assert line == (
        "time=2026-11-30T00:53:20.250Z level=warning logger=governance.reminders "
        'message="Reminder sent to owner@example.com" status_code=200'
    )
    # Parsable by any logfmt reader (here: shell-style quoting is a close enough check).
    assert dict(part.split("=", 1) for part in shlex.split(line))["level"] == "warning"


def test_a_traceback_stays_on_its_records_line():
    line = StructuredFormatter().format(_record("Sending failed", (), exc_info=_failure()))
    assert "\n" not in line
    fields = dict(part.split("=", 1) for part in shlex.split(line.replace("\\n", " ")))
    assert fields["message"] == "Sending failed"
    assert 'ConnectionRefusedError: SMTP \\"mail\\" refused' in line
    assert fields["exc"].startswith("Traceback (most recent call last):")


def test_json_lines_carry_the_same_fields():
    line = StructuredFormatter("json").format(_record(exc_info=_failure(), status_code=503))
    record = json.loads(line)
    assert record["time"] == "2026-11-30T00:53:20.250Z"
    assert record["level"] == "warning"
    assert record["logger"] == "governance.reminders"
    assert record["message"] == "Reminder sent to owner@example.com"
    assert record["status_code"] == 503
    assert 'ConnectionRefusedError: SMTP "mail" refused' in record["exc"]


def test_an_unknown_log_format_is_refused_at_start_up():
    with pytest.raises(ValueError, match="LOG_FORMAT must be logfmt or json"):
        StructuredFormatter("xml")


def test_every_record_goes_through_one_stdout_handler():
    handler = LOGGING["handlers"]["console"]
    assert handler["stream"] == "ext://sys.stdout"
    assert handler["formatter"] == "structured"
    assert LOGGING["root"]["handlers"] == ["console"]
    # Django's own console and runserver handlers would print a second, differently shaped
    # line; their loggers follow LOG_LEVEL like every other.
    for name in ("django", "django.server"):
        assert LOGGING["loggers"][name] == {"handlers": [], "level": "NOTSET", "propagate": True}
