"""How every service saves: validation through ``full_clean()``, conflicts as ``Conflict``."""

import functools

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from governance.services import figures


def assign_fields(instance, data, allowed):
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        setattr(instance, name, value)


class Conflict(ValidationError):
    """A write that lost to a concurrent one (the API answers 409, a form shows the message).

    Carries the message of the rule the database enforced, never the database's own text.
    """


CONFLICT_MESSAGE = "This change conflicts with a change made at the same time; try again."


def validated_save(instance, *, exclude=None):
    """Validate then save; a constraint the database enforces against a concurrent write
    becomes a ``Conflict`` with that constraint's own message."""
    instance.full_clean(exclude=exclude)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise _conflict(instance) from error
    return instance


def _conflict(instance):
    """The ``Conflict`` for ``instance`` after the database refused it.

    The concurrent row that won is committed by now, so validating again finds the rule it
    broke and words it as every other door does.
    """
    try:
        instance.validate_unique()
        instance.validate_constraints()
    except ValidationError as clash:
        return Conflict(clash.error_dict if hasattr(clash, "error_dict") else clash.messages)
    return Conflict(CONFLICT_MESSAGE)


def use_case(function):
    """A service that changes data: all of it in one transaction, and the derived figures of
    every vendor it touched refreshed once, at its end (``figures.deferred``)."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        with transaction.atomic(), figures.deferred():
            return function(*args, **kwargs)

    return run


@use_case
def record_delete(instance):
    """Delete ``instance`` (and what its foreign keys cascade to), for a record whose deletion
    has no rule beyond those keys. One that other records protect is a ``ValidationError``
    naming them, whichever door asks, not a database error."""
    try:
        instance.delete()
    except ProtectedError as error:
        kinds = sorted({str(row._meta.verbose_name_plural) for row in error.protected_objects})
        raise ValidationError(
            f"{instance} cannot be deleted: {', '.join(kinds)} refer to it."
        ) from error
