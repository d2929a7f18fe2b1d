"""Security clauses and their evidence files."""

from django.db import transaction
from django.utils import timezone

from governance.domain import scheduling
from governance.models import (
    SecurityClause,
)
from governance.services.saving import use_case, validated_save

# --- clauses -------------------------------------------------------------------------------


@use_case
def clause_save(clause):
    """Validate and save ``clause``; an evidence file it replaced or cleared is deleted from
    storage once the change is committed, and kept when it is rolled back."""
    replaced = _stored_evidence(clause)
    validated_save(clause)
    if replaced != clause.evidence_file.name:
        _evidence_delete_on_commit(replaced)
    return clause


@use_case
def clause_delete(clause):
    """Delete ``clause``; its evidence file goes from storage once the deletion is committed."""
    stored = _stored_evidence(clause)
    clause.delete()
    _evidence_delete_on_commit(stored)


def _stored_evidence(clause):
    """The evidence file name the database holds for ``clause`` ("" for none or a new clause).

    The row stays locked until the caller's transaction ends, so of two concurrent
    replacements each deletes the file the other did not keep.
    """
    if clause.pk is None:
        return ""
    rows = SecurityClause.objects.select_for_update().filter(pk=clause.pk)
    return rows.values_list("evidence_file", flat=True).first() or ""


def _evidence_delete_on_commit(name):
    if not name:
        return
    storage = SecurityClause._meta.get_field("evidence_file").storage
    # robust: the change is committed by then; a file that cannot be deleted is logged, and
    # must not turn a saved change into an error page.
    transaction.on_commit(lambda: storage.delete(name), robust=True)


@use_case
def clause_verify(clause, *, on=None, next_due=None):
    """Record a successful verification; the next one is due a year later unless given."""
    on = on or timezone.localdate()
    clause.status = SecurityClause.Status.VERIFIED
    clause.last_verified_on = on
    clause.next_verification_due = next_due or scheduling.add_cadence(on, "annual")
    return validated_save(clause)


# --- the required clause set ---------------------------------------------------------------


@use_case
def required_clause_save(required):
    """Require a clause type of every vendor of a tier; the tier's clause coverage follows."""
    return validated_save(required)
