"""A security incident's details and a breach clause's window: the rules every door gets."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from governance.models import ClauseType, Incident, Meeting, SecurityClause
from tests.factories import ClauseFactory, IncidentFactory, MeetingFactory, VendorFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
DETECTED = dt.datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def security_incident(**fields):
    fields = {"opened_at": DETECTED, "detected_at": DETECTED, **fields}
    return IncidentFactory.build(
        vendor=fields.pop("vendor", None) or VendorFactory(),
        category=Incident.Category.SECURITY,
        **fields,
    )


def errors_of(record):
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    return caught.value.message_dict


def test_an_incident_is_a_service_incident_by_default():
    assert IncidentFactory().category == Incident.Category.SERVICE


def test_a_complete_security_incident_is_accepted():
    vendor = VendorFactory()
    meeting = MeetingFactory(vendor=vendor, kind=Meeting.Kind.POSTMORTEM, recurrence="")
    incident = security_incident(
        vendor=vendor,
        vendor_notified_at=DETECTED + dt.timedelta(hours=3),
        notified_by="Jan Kowalski, SOC lead",
        personal_data_affected=True,
        systems_affected="Payroll database",
        data_involved="Names and bank accounts of 1,200 employees",
        contained_at=DETECTED + dt.timedelta(hours=5),
        resolved_at=DETECTED + dt.timedelta(days=2),
        authority_notified_at=DETECTED + dt.timedelta(hours=30),
        postmortem_meeting=meeting,
    )
    incident.full_clean()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("detected_at", DETECTED),
        ("vendor_notified_at", DETECTED),
        ("notified_by", "Someone"),
        ("personal_data_affected", True),
        ("systems_affected", "CRM"),
        ("data_involved", "Emails"),
        ("contained_at", DETECTED),
        ("authority_notified_at", DETECTED),
    ],
)
def test_security_details_are_refused_on_a_service_incident(field, value):
    incident = IncidentFactory.build(vendor=VendorFactory(), opened_at=DETECTED, **{field: value})

    assert errors_of(incident)[field] == ["Only a security incident records this."]


def test_a_security_incident_records_its_detection():
    incident = security_incident(detected_at=None)

    assert errors_of(incident)["detected_at"] == [
        "A security incident records when it was detected."
    ]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("vendor_notified_at", "The vendor cannot notify us before it detected it."),
        ("contained_at", "An incident cannot be contained before it was detected."),
        ("resolved_at", "An incident cannot be closed before it was detected."),
    ],
)
def test_nothing_happens_before_detection(field, message):
    incident = security_incident(opened_at=DETECTED - dt.timedelta(days=1))
    setattr(incident, field, DETECTED - dt.timedelta(minutes=1))

    assert errors_of(incident)[field] == [message]


@pytest.mark.parametrize(
    "field", ["detected_at", "vendor_notified_at", "contained_at", "authority_notified_at"]
)
def test_security_times_cannot_be_in_the_future(field):
    later = dt.datetime.now(UTC) + dt.timedelta(days=1)
    incident = security_incident(
        opened_at=dt.datetime.now(UTC) - dt.timedelta(days=1),
        detected_at=dt.datetime.now(UTC) - dt.timedelta(days=1),
    )
    setattr(incident, field, later)

    assert "Cannot be in the future." in errors_of(incident)[field]


def test_the_post_incident_review_is_a_post_mortem_with_the_same_vendor():
    other_vendors = MeetingFactory(kind=Meeting.Kind.POSTMORTEM, recurrence="")
    vendor = VendorFactory()
    sync = MeetingFactory(vendor=vendor, kind=Meeting.Kind.OPERATIONAL)

    for meeting in (other_vendors, sync):
        incident = security_incident(vendor=vendor, postmortem_meeting=meeting)
        assert errors_of(incident)["postmortem_meeting"] == [
            "Choose a post-mortem meeting with this vendor."
        ]


def test_deleting_the_post_mortem_keeps_the_incident():
    vendor = VendorFactory()
    meeting = MeetingFactory(vendor=vendor, kind=Meeting.Kind.POSTMORTEM, recurrence="")
    incident = security_incident(vendor=vendor, postmortem_meeting=meeting)
    incident.save()

    meeting.delete()

    incident.refresh_from_db()
    assert incident.postmortem_meeting is None


def test_the_database_refuses_security_details_on_a_service_incident():
    incident = IncidentFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(personal_data_affected=True)


def test_the_database_refuses_a_security_incident_without_detection():
    incident = IncidentFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(category=Incident.Category.SECURITY)


# --- the breach-notification clause -----------------------------------------------------------


def breach_clause(**fields):
    return ClauseFactory.build(
        vendor=VendorFactory(), clause_type=ClauseType.BREACH_NOTIFICATION, **fields
    )


def test_a_breach_clause_states_its_window_and_whom_and_how_to_notify():
    clause = breach_clause(
        notification_hours=24,
        notify_whom="security@customer.example",
        notify_how="Email, then phone",
    )
    clause.full_clean()


@pytest.mark.parametrize("hours", [0, 8785])
def test_a_window_outside_1_hour_to_a_year_is_refused(hours):
    assert "notification_hours" in errors_of(breach_clause(notification_hours=hours))


@pytest.mark.parametrize(
    ("field", "value"),
    [("notification_hours", 24), ("notify_whom", "CISO"), ("notify_how", "Phone")],
)
def test_only_a_breach_clause_states_a_notification(field, value):
    clause = ClauseFactory.build(vendor=VendorFactory(), **{field: value})

    assert errors_of(clause)[field] == ["Only a breach-notification clause states this."]


def test_the_database_refuses_a_window_of_zero_hours():
    clause = ClauseFactory(clause_type=ClauseType.BREACH_NOTIFICATION)

    with pytest.raises(IntegrityError), transaction.atomic():
        SecurityClause.objects.filter(pk=clause.pk).update(notification_hours=0)


def test_the_upgrade_moves_the_json_window_into_the_typed_field():
    migration = importlib.import_module("governance.migrations.0011_security_incidents")
    typed = ClauseFactory(
        clause_type=ClauseType.BREACH_NOTIFICATION,
        parameters={"notification_hours": 24, "channel": "email"},
    )
    text = ClauseFactory(
        clause_type=ClauseType.BREACH_NOTIFICATION, parameters={"notification_hours": "48"}
    )
    unreadable = ClauseFactory(
        clause_type=ClauseType.BREACH_NOTIFICATION, parameters={"notification_hours": "soon"}
    )
    other = ClauseFactory(clause_type=ClauseType.ENCRYPTION, parameters={"notification_hours": 5})

    migration.notification_hours_from_parameters(apps, None)

    for clause in (typed, text, unreadable, other):
        clause.refresh_from_db()
    assert (typed.notification_hours, typed.parameters) == (24, {"channel": "email"})
    assert (text.notification_hours, text.parameters) == (48, {})
    assert unreadable.notification_hours is None
    assert unreadable.parameters == {"notification_hours": "soon"}
    assert other.notification_hours is None
    # The past versions too, which the vendor's clock reads.
    first = typed.history.earliest()
    assert first.notification_hours == 24
