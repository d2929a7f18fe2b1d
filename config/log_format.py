"""Log formatting shared by Django, Celery and gunicorn (see LOGGING in settings)."""

import json
import logging
from datetime import UTC, datetime


class StructuredFormatter(logging.Formatter):
    """One line per record, for log collectors and for people: logfmt or JSON lines.

    Always ``time`` (ISO 8601, UTC), ``level``, ``logger`` and ``message``; then ``exc`` with
    the traceback, and any scalar ``extra`` (``status_code``...). A traceback stays on the
    record's line (escaped), so a collector never splits one event into many.
    """

    _standard = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message"}

    def __init__(self, output="logfmt"):
        super().__init__()
        if output not in ("logfmt", "json"):
            raise ValueError(f"LOG_FORMAT must be logfmt or json, not {output!r}")
        self.output = output

    def format(self, record):
        fields = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            fields["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            fields["stack"] = self.formatStack(record.stack_info)
        for name, value in vars(record).items():
            if name not in self._standard and isinstance(value, str | int | float | bool):
                fields.setdefault(name, value)
        if self.output == "json":
            return json.dumps(fields, ensure_ascii=False)
        return " ".join(f"{name}={self._logfmt(value)}" for name, value in fields.items())

    @staticmethod
    def _logfmt(value):
        text = str(value).lower() if isinstance(value, bool) else str(value)
        if text and not any(char.isspace() or char in '"=\\' for char in text):
            return text
        return json.dumps(text, ensure_ascii=False)
