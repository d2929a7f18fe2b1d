"""How large a request may be: one limit (``MAX_REQUEST_BODY_MB``), read at request time.

``governance.web.middleware.RequestBodyLimitMiddleware`` refuses a body whose
Content-Length is over it before anything reads the body. A multipart body can still be
longer than its Content-Length said (an ASGI server hands Django the whole body, whatever
the header claimed), so the first upload handler counts what actually arrives and stops
the upload once it passes the limit.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


def body_limit_bytes():
    """The largest request body accepted, in bytes."""
    return settings.MAX_REQUEST_BODY_MB * 1024 * 1024


class RequestBodyTooLarge(RequestDataTooBig):
    """The body passed ``MAX_REQUEST_BODY_MB`` while it was read.

    The middleware answers it with 413; being a ``SuspiciousOperation``, anywhere else it is
    still a 400, never a 500.
    """


class BodyLimitUploadHandler(FileUploadHandler):
    """Counts the bytes of every file in the request and stops past the limit.

    It passes each chunk on to the next handler (memory or temporary file) and leaves
    building the file to them.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = body_limit_bytes()
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise RequestBodyTooLarge(
                f"Upload stopped after {self.received} bytes (limit {self.limit})."
            )
        return raw_data

    def file_complete(self, file_size):
        return None
