"""Request parsing: JSON only, and only JSON the database can store."""

import json
import re
from itertools import accumulate

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils.json import strict_constant

# No resource nests more than a few levels (a review's scores and action items); Python's
# parser recurses once per level and would run out of stack near a thousand.
MAX_DEPTH = 32
# A JSON string with its escapes (an unterminated one runs to the end, so the scan stays
# linear): brackets inside strings do not nest.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# Each bracket as a signed byte: +1 opens a level, -1 closes one.
_STEPS = str.maketrans("[{]}", "\x01\x01\xff\xff")


class PayloadTooLarge(APIException):
    # Here, not in .exceptions: that module imports DRF's views, which import the parsers.
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class StrictJSONParser(JSONParser):
    """DRF's JSON parser (NaN and Infinity refused) with three more refusals, each a 4xx:

    - a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413): DRF reads the stream itself, so
      Django's own check of that setting never applies to the API;
    - nesting deeper than ``MAX_DEPTH`` (400), checked before parsing, so no
      ``RecursionError`` (a 500) can happen;
    - lone surrogates (400): ``"\\ud800"`` is valid JSON but not valid Unicode text, and
      would fail when the database encodes it, after validation has passed.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise PayloadTooLarge(f"The JSON body is larger than {limit} bytes.")
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as error:
            raise ParseError(f"JSON parse error - {error}") from error
        if _depth(text) > MAX_DEPTH:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        try:
            data = json.loads(text, parse_constant=strict_constant if self.strict else None)
        except RecursionError as error:
            raise ParseError("JSON parse error - nested too deeply.") from error
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from error
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as error:
            raise ParseError("JSON parse error - the text is not valid Unicode.") from error
        return data


def _depth(text):
    """How deep arrays and objects nest in ``text`` (0 for a scalar), without parsing it."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text)).translate(_STEPS)
    steps = memoryview(brackets.encode("latin-1")).cast("b")
    return max(accumulate(steps), default=0)
