"""The clocks of a list of incidents: the clause on file at each detection, few queries."""

import datetime as dt

import pytest
import time_machine

from governance.domain.notification import NotificationStatus
from governance.models import ClauseType, Incident
from governance.selectors import notification_clocks
from tests.factories import ClauseFactory, IncidentFactory, VendorFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
SIGNED = dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DETECTED = dt.datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
NOW = DETECTED + dt.timedelta(hours=30)


def breach_clause(vendor, hours):
    with time_machine.travel(SIGNED, tick=False):
        return ClauseFactory(
            vendor=vendor, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=hours
        )


def security_incident(vendor, **fields):
    fields = {"opened_at": DETECTED, "detected_at": DETECTED, **fields}
    return IncidentFactory(vendor=vendor, category=Incident.Category.SECURITY, **fields)


def test_the_window_on_file_at_detection_counts_though_the_clause_changed_since():
    vendor = VendorFactory()
    clause = breach_clause(vendor, 24)
    incident = security_incident(vendor)
    with time_machine.travel(DETECTED + dt.timedelta(hours=2), tick=False):
        clause.notification_hours = 72
        clause.save()

    clocks = notification_clocks([incident], now=NOW)[incident.pk]

    assert clocks.vendor.due_at == DETECTED + dt.timedelta(hours=24)
    assert clocks.vendor.status == NotificationStatus.OVERDUE


def test_a_vendor_without_a_breach_clause_has_no_clause_and_a_service_incident_no_clock():
    vendor = VendorFactory()
    security = security_incident(vendor, personal_data_affected=True)
    service = IncidentFactory(vendor=vendor)

    clocks = notification_clocks([security, service], now=NOW)

    assert clocks[security.pk].vendor.status == NotificationStatus.NO_CLAUSE
    assert clocks[security.pk].authority.due_at == DETECTED + dt.timedelta(hours=72)
    assert clocks[service.pk].vendor is None and clocks[service.pk].authority is None


def test_the_authority_hours_are_a_setting(settings):
    settings.GOVERNANCE_AUTHORITY_NOTIFICATION_HOURS = 24
    incident = security_incident(VendorFactory(), personal_data_affected=True)

    clocks = notification_clocks([incident], now=NOW)[incident.pk]

    assert clocks.authority.status == NotificationStatus.OVERDUE


def test_service_incidents_cost_no_query(django_assert_num_queries):
    incidents = list(IncidentFactory.create_batch(3))

    with django_assert_num_queries(0):
        notification_clocks(incidents, now=NOW)


@pytest.mark.parametrize("vendors", [2, 30])
def test_the_clocks_of_a_list_take_two_queries_however_long(vendors, django_assert_max_num_queries):
    incidents = []
    for _ in range(vendors):
        vendor = VendorFactory()
        clause = breach_clause(vendor, 24)
        clause.notify_whom = "CISO"
        clause.save()
        incidents += [security_incident(vendor) for _ in range(3)]
    incidents = list(Incident.objects.filter(pk__in=[incident.pk for incident in incidents]))

    with django_assert_max_num_queries(2):
        clocks = notification_clocks(incidents, now=NOW)

    assert {clock.vendor.status for clock in clocks.values()} == {NotificationStatus.OVERDUE}
