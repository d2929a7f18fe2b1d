"""The portal's security-incident report and service credits: a representative reports for
their own vendor (the notification stamped by the server) and sees their own statements."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from governance import services
from governance.models import ClauseType, CreditStatement, Incident
from tests.factories import ClauseFactory, IncidentFactory
from tests.world import NOW

pytestmark = pytest.mark.django_db

REPORT = "/portal/incidents/new/"
SIGNED = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)


def report(**changes):
    data = {
        "title": "Phishing led to a mailbox takeover",
        "priority": "P2",
        "detected_at": "2026-03-10T09:30",
        "description": "One support mailbox was accessed from abroad.",
        "personal_data_affected": "on",
        "systems_affected": "Support mailbox",
        "data_involved": "Customer names and e-mail addresses",
        "notified_by": "Rita Rep",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def breach_clause(vendor, hours):
    with time_machine.travel(SIGNED, tick=False):
        return ClauseFactory(
            vendor=vendor, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=hours
        )


def security_incidents():
    return Incident.objects.filter(category=Incident.Category.SECURITY)


def test_a_report_is_a_security_incident_of_the_own_vendor_notified_now(world, portal):
    response = portal.post(REPORT, report())

    incident = security_incidents().get()
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:portal:incident-detail", args=[incident.pk])
    assert incident.vendor == world.own.vendor
    # The server's clock, not anything typed: the report is the notification.
    assert incident.vendor_notified_at == NOW
    assert incident.opened_at == NOW
    assert incident.detected_at == dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)
    assert incident.status == Incident.Status.OPEN
    assert incident.priority == "P2"
    assert incident.personal_data_affected is True
    assert (incident.systems_affected, incident.notified_by) == ("Support mailbox", "Rita Rep")


def test_the_report_goes_through_the_incident_service_so_its_sla_times_are_derived(world, portal):
    # The world's target is P1's: the service derives the due times from it.
    portal.post(REPORT, report(priority="P1"))

    incident = security_incidents().get()
    target = world.own.target
    assert incident.response_due_at == NOW + dt.timedelta(minutes=target.response_minutes)
    assert incident.resolution_due_at == NOW + dt.timedelta(minutes=target.resolution_minutes)


def test_the_reporter_defaults_to_the_representatives_name(world, portal):
    rep = world.people["rep"]
    rep.first_name, rep.last_name = "Rita", "Rep"
    rep.save()

    page = portal.get(REPORT)

    assert page.status_code == 200
    assert page.context["form"]["notified_by"].value() == "Rita Rep"
    assert "vendor_notified_at" not in page.context["form"].fields


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"detected_at": None}, "detected_at"),
        ({"detected_at": "yesterday"}, "detected_at"),
        ({"detected_at": "2026-03-11T09:30"}, "detected_at"),  # the future
        ({"priority": "P9"}, "priority"),
        ({"notified_by": ""}, "notified_by"),
        ({"title": "x" * 301}, "title"),
    ],
)
def test_a_bad_report_shows_its_errors_and_writes_nothing(world, portal, changes, field):
    before = Incident.objects.count()

    response = portal.post(REPORT, report(**changes))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Incident.objects.count() == before


def test_a_detection_after_the_report_is_the_detections_error(world, portal):
    # Within the five minutes a fast clock is allowed, but after the notification (now).
    response = portal.post(REPORT, report(detected_at="2026-03-10T12:03"))

    assert response.status_code == 200
    assert response.context["form"].errors["detected_at"] == [
        "The vendor cannot notify us before it detected it."
    ]
    assert not security_incidents().exists()


def test_a_report_names_no_other_vendor_and_types_no_notification_time(world, portal):
    other = world.other.vendor

    portal.post(
        REPORT,
        report(
            vendor=str(other.pk),
            vendor_id=str(other.pk),
            category="service",
            vendor_notified_at="2026-03-10T09:31",
            opened_at="2026-03-01T00:00",
            authority_notified_at="2026-03-10T10:00",
        ),
    )

    incident = security_incidents().get()
    assert incident.vendor == world.own.vendor
    assert incident.vendor_notified_at == NOW
    assert incident.opened_at == NOW
    assert incident.authority_notified_at is None
    assert not other.incidents.filter(category=Incident.Category.SECURITY).exists()


def test_each_representative_reports_for_their_own_vendor_only(world):
    other_rep = Client()
    other_rep.force_login(world.people["other_rep"])

    other_rep.post(REPORT, report(title="Their breach"))

    assert security_incidents().get().vendor == world.other.vendor


@pytest.mark.parametrize("role", ["owner", "admin", "viewer", "ended_rep", "nobody"])
def test_only_a_current_representative_may_report(world, role):
    client = Client()
    client.force_login(world.people[role])

    assert client.get(REPORT).status_code == 403
    assert client.post(REPORT, report()).status_code == 403
    assert not security_incidents().exists()


def test_a_signed_out_visitor_is_sent_to_log_in(world, client):
    response = client.post(REPORT, report())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not security_incidents().exists()


def test_a_report_without_the_csrf_token_is_refused(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.people["rep"])

    assert browser.post(REPORT, report()).status_code == 403
    assert not security_incidents().exists()


def test_the_incident_page_shows_the_vendors_clock_but_not_ours(world, portal):
    breach_clause(world.own.vendor, hours=24)
    portal.post(REPORT, report(detected_at="2026-03-09T12:00"))  # 24 h before now
    incident = security_incidents().get()

    page = portal.get(reverse("governance:portal:incident-detail", args=[incident.pk]))
    listing = portal.get(reverse("governance:portal:incident-list"))

    html = page.content.decode()
    assert "Notification: On time" in html
    assert "Customer names and e-mail addresses" in html
    # Our own clock towards the authority (personal data is affected) is not the vendor's.
    assert "Authority" not in html and "authority" not in html
    assert "Notification: On time" in listing.content.decode()
    assert "Authority" not in listing.content.decode()


def test_the_vendors_clock_says_how_late_a_report_came(world, portal):
    breach_clause(world.own.vendor, hours=24)

    portal.post(REPORT, report(detected_at="2026-03-08T09:00"))  # 51 h before now

    incident = security_incidents().get()
    page = portal.get(reverse("governance:portal:incident-detail", args=[incident.pk]))
    assert "Notification: Late by 1 d 3 h" in page.content.decode()


def test_a_clock_still_running_shows_the_time_left(world, portal):
    breach_clause(world.own.vendor, hours=24)
    incident = services.incident_save(
        IncidentFactory.build(
            vendor=world.own.vendor,
            category=Incident.Category.SECURITY,
            opened_at=NOW - dt.timedelta(hours=2),
            detected_at=NOW - dt.timedelta(hours=10),
        )
    )

    page = portal.get(reverse("governance:portal:incident-detail", args=[incident.pk]))

    assert "Notification: Running, 14 h left" in page.content.decode()


# --- service credits -----------------------------------------------------------------------


def february_with_a_credit(vendor):
    """February's statement of ``vendor``, with a credit due: one P1 resolved weeks late."""
    services.incident_save(
        IncidentFactory.build(
            vendor=vendor,
            priority="P1",
            opened_at=dt.datetime(2026, 2, 3, 10, tzinfo=dt.UTC),
            status=Incident.Status.RESOLVED,
            resolved_at=dt.datetime(2026, 2, 20, 10, tzinfo=dt.UTC),
        )
    )
    statement = services.credit_statement_compute(vendor, month=dt.date(2026, 2, 1), now=NOW)
    assert statement.credit_due > 0
    return statement


def test_a_representative_sees_the_own_vendors_statements_without_internal_notes(world, portal):
    own = february_with_a_credit(world.own.vendor)
    services.credit_statement_status_set(
        own, status=CreditStatement.Status.WAIVED, status_note="INTERNAL-WAIVER: goodwill"
    )
    services.credit_statement_status_set(
        february_with_a_credit(world.other.vendor),
        status=CreditStatement.Status.CLAIMED,
        status_note="INTERNAL-CLAIM",
    )

    response = portal.get(reverse("governance:portal:credit-list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["rows"]) == [world.own.credit_statement, own]
    assert "February 2026" in html and "Waived" in html
    assert f"{own.credit_due} {own.currency}" in html
    assert "INTERNAL" not in html
    assert "Other Networks" not in html
    assert "Claimed" not in html


def test_the_statements_page_lists_months_newest_first(world, portal):
    vendor = world.own.vendor
    older = services.credit_statement_compute(vendor, month=dt.date(2026, 1, 1), now=NOW)

    response = portal.get(reverse("governance:portal:credit-list"))

    assert list(response.context["rows"]) == [world.own.credit_statement, older]
    assert older.credit_due == Decimal("0.00")
    assert "January 2026" in response.content.decode()
