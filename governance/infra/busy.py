"""A database too busy to answer: an SQLite write lock still held when the wait timed out.

Every door answers it the same way, 503 with Retry-After, because retrying is exactly what
the client should do (the API in ``governance.api.exceptions``, everything else in
``governance.web.middleware.DatabaseBusyMiddleware``).
"""

from django.db import OperationalError

RETRY_AFTER_SECONDS = 2


def is_database_busy(error):
    """True when ``error`` is SQLite's "database is locked" (or "database table is locked")."""
    return isinstance(error, OperationalError) and "is locked" in str(error)
