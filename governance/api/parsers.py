"""Request parsing: JSON only, and only JSON the database can store."""

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    """DRF's JSON parser (NaN and Infinity already refused) that also refuses lone surrogates.

    ``"\\ud800"`` is valid JSON but not valid Unicode text: it would fail when the database
    encodes it, after validation has passed, so it is turned away here with a 400.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as error:
            raise ParseError("JSON parse error - the text is not valid Unicode.") from error
        return data
