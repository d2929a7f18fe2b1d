"""SLA targets and incidents: due times stamped from the target, acknowledged, resolved."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import ExpressionWrapper, F, fields
from django.utils import timezone

from governance.models import (
    ActivityKind,
    Incident,
    SLATarget,
)
from governance.services import figures, webhooks
from governance.services.inbox import activity_record
from governance.services.saving import use_case, validated_save

# --- SLA -----------------------------------------------------------------------------------


def incident_due_times(*, opened_at, target):
    """(response due, resolution due) for an incident opened at ``opened_at`` under ``target``."""
    if target is None or opened_at is None:
        return None, None
    return (
        opened_at + dt.timedelta(minutes=target.response_minutes),
        opened_at + dt.timedelta(minutes=target.resolution_minutes),
    )


def _stamp_incident(incident, *, now):
    """Fill the times a status implies and derive the due times from the SLA target.

    A resolved incident was acknowledged at the latest when it was resolved.
    """
    stamp = max(now, incident.opened_at)
    if incident.status in (Incident.Status.RESOLVED, Incident.Status.CLOSED):
        incident.resolved_at = incident.resolved_at or stamp
    if incident.status != Incident.Status.OPEN or incident.resolved_at:
        incident.acknowledged_at = incident.acknowledged_at or incident.resolved_at or stamp
    target = SLATarget.objects.filter(
        vendor_id=incident.vendor_id, priority=incident.priority
    ).first()
    incident.response_due_at, incident.resolution_due_at = incident_due_times(
        opened_at=incident.opened_at, target=target
    )


@use_case
def incident_save(incident, *, now=None, by=None, comment=None):
    """Save an incident with its SLA due times; a status implies its timestamps.

    A vendor representative's report (a new incident) or update (``by``) reaches the inbox,
    with ``comment`` (a report's title by default)."""
    new = incident.pk is None
    was_resolved, subscriptions = (False, None) if new else webhooks.incident_was_resolved(incident)
    if incident.opened_at is not None:  # without it, validation below says what is missing
        _stamp_incident(incident, now=now or timezone.now())
    validated_save(incident)
    webhooks.incident_saved(
        incident, created=new, was_resolved=was_resolved, subscriptions=subscriptions
    )
    activity_record(
        ActivityKind.INCIDENT_REPORTED if new else ActivityKind.INCIDENT_UPDATED,
        by=by,
        vendor_id=incident.vendor_id,
        comment=incident.title if comment is None else comment,
        incident=incident,
    )
    return incident


def incident_upsert(*, vendor, external_id, now=None, **data):
    """Create the incident ``vendor`` + ``external_id`` or update the one that exists.

    Returns ``(incident, created)``. Safe under retries and concurrent duplicates: the unique
    constraint decides who creates; the loser updates the winner's row under a row lock.
    """
    if not external_id:
        incident = Incident(vendor=vendor, **data)
        return incident_save(incident, now=now), True
    with transaction.atomic():
        existing = (
            Incident.objects.select_for_update()
            .filter(vendor=vendor, external_id=external_id)
            .first()
        )
        if existing is None:
            try:
                with transaction.atomic():
                    incident = Incident(vendor=vendor, external_id=external_id, **data)
                    # Uniqueness is left to the database (see below); the rest is checked here.
                    incident.full_clean(validate_constraints=False)
                    incident.validate_constraints(exclude={"external_id"})
                    _stamp_incident(incident, now=now or timezone.now())
                    incident.save()
                    webhooks.incident_saved(incident, created=True, was_resolved=False)
                    return incident, True
            except IntegrityError:
                # A concurrent request created it first: update that row instead.
                existing = (
                    Incident.objects.select_for_update()
                    .filter(vendor=vendor, external_id=external_id)
                    .first()
                )
                if existing is None:
                    raise
        for name, value in data.items():
            setattr(existing, name, value)
        return incident_save(existing, now=now), False


@use_case
def incident_acknowledge(incident, *, at=None, by=None):
    incident.acknowledged_at = at or timezone.now()
    if incident.status == Incident.Status.OPEN:
        incident.status = Incident.Status.ACKNOWLEDGED
    return incident_save(incident, by=by, comment="Acknowledged.")


@use_case
def incident_resolve(incident, *, at=None, root_cause=None, by=None):
    incident.resolved_at = at or timezone.now()
    incident.status = Incident.Status.RESOLVED
    if root_cause is not None:
        incident.root_cause = root_cause
    return incident_save(
        incident, by=by, comment="Resolved" + (f": {root_cause}" if root_cause else ".")
    )


@use_case
def sla_target_save(target):
    """Save a target and re-derive the due times of the vendor's incidents of its priority."""
    validated_save(target)
    Incident.objects.filter(vendor_id=target.vendor_id, priority=target.priority).update(
        response_due_at=ExpressionWrapper(
            F("opened_at") + dt.timedelta(minutes=target.response_minutes),
            output_field=fields.DateTimeField(),
        ),
        resolution_due_at=ExpressionWrapper(
            F("opened_at") + dt.timedelta(minutes=target.resolution_minutes),
            output_field=fields.DateTimeField(),
        ),
    )
    figures.stale([target.vendor_id])
    return target


@use_case
def sla_target_delete(target):
    """Delete a target; the incidents of its priority no longer have due times."""
    Incident.objects.filter(vendor_id=target.vendor_id, priority=target.priority).update(
        response_due_at=None, resolution_due_at=None
    )
    target.delete()
    figures.stale([target.vendor_id])
