"""The notification clocks of security incidents, for any list of them in two queries."""

import dataclasses
from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from governance.domain.notification import (
    ClauseVersion,
    Clock,
    authority_clock,
    clause_in_force_at,
    vendor_clock,
)
from governance.models import ClauseType, Incident, SecurityClause, Vendor


@dataclasses.dataclass(frozen=True)
class IncidentClocks:
    """An incident's two clocks; each None where it does not run (see ``notification``)."""

    vendor: Clock | None = None
    authority: Clock | None = None


NO_CLOCKS = IncidentClocks()


def notification_clocks(incidents, *, now=None):
    """``{incident id: IncidentClocks}`` for ``incidents`` (loaded instances), as of ``now``.

    Two queries whatever the number of incidents, none without a security incident: the
    vendors' time zones, and every recorded version of their breach-notification clauses,
    from which ``clause_in_force_at`` picks the one in force at each detection.
    """
    now = now or timezone.now()
    security = [
        incident for incident in incidents if incident.category == Incident.Category.SECURITY
    ]
    clocks = {incident.pk: NO_CLOCKS for incident in incidents}
    if not security:
        return clocks
    vendor_ids = {incident.vendor_id for incident in security}
    zones = dict(Vendor.objects.filter(pk__in=vendor_ids).values_list("pk", "time_zone"))
    versions = defaultdict(list)
    records = SecurityClause.history.filter(
        vendor_id__in=vendor_ids, clause_type=ClauseType.BREACH_NOTIFICATION
    ).order_by("history_date", "history_id")
    for record in records:
        clause = None if record.history_type == "-" else record.instance
        versions[record.vendor_id].append(ClauseVersion(record.history_date, clause))
    hours = settings.GOVERNANCE_AUTHORITY_NOTIFICATION_HOURS
    for incident in security:
        in_force = clause_in_force_at(
            versions[incident.vendor_id], incident.detected_at, zones.get(incident.vendor_id, "")
        )
        clocks[incident.pk] = IncidentClocks(
            vendor=vendor_clock(incident, in_force, now),
            authority=authority_clock(incident, hours, now),
        )
    return clocks
