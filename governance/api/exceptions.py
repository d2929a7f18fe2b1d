"""Errors as clients should see them: 400 with per-field messages, 409 on conflicts, never 500.

Services raise Django's ``ValidationError``; the database raises ``IntegrityError`` when a
constraint decides a race. Both become ordinary API errors here, and DRF's handler marks the
request's transaction (``ATOMIC_REQUESTS``) for rollback, so a rejected request changes nothing.
A database still locked after its timeout (SQLite) is a 503 with Retry-After: a retry works.
"""

import logging

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from governance import services
from governance.infra.busy import RETRY_AFTER_SECONDS, is_database_busy

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class DatabaseBusy(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The database is busy; retry in a moment."
    default_code = "busy"
    # DRF's handler turns this into the Retry-After header.
    wait = RETRY_AFTER_SECONDS


def validation_error(error):
    """A DRF ``ValidationError`` carrying the messages of a Django ``ValidationError``.

    Model-wide messages (``__all__``) are reported under ``non_field_errors`` like DRF's own;
    those of the rows of a nested list (``services.RowErrors``) beside each row, as DRF
    reports a nested serializer's.
    """
    if isinstance(error, services.RowErrors):
        return exceptions.ValidationError(
            {name: [_drf_keys(row) for row in rows] for name, rows in error.rows.items()}
        )
    detail = get_error_detail(error)
    if not isinstance(detail, dict):
        detail = {NON_FIELD_ERRORS: detail}
    return exceptions.ValidationError(_drf_keys(detail))


def _drf_keys(messages):
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: texts
        for field, texts in messages.items()
    }


def exception_handler(exc, context):
    if isinstance(exc, services.Conflict):
        # A write that lost to a concurrent one, with the rule's own message per field.
        exc = Conflict(validation_error(exc).detail)
    elif isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    elif isinstance(exc, ProtectedError | RestrictedError):
        exc = Conflict("Other records still refer to this one, so it cannot be deleted.")
    elif isinstance(exc, IntegrityError):
        # Normally caught by validation first; reaching here means a concurrent write won.
        logger.info("API request lost a database constraint race: %s", exc)
        exc = Conflict("The request conflicts with a concurrent change; retry it.")
    elif is_database_busy(exc):
        logger.warning("API request found the database locked: %s", exc)
        exc = DatabaseBusy()
    elif isinstance(exc, DataError):
        logger.info("API request carried a value the database refused: %s", exc)
        exc = exceptions.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: ["A value is out of the range the database holds."]}
        )
    return drf_exception_handler(exc, context)
