"""Security incidents and breach clauses over the API: the DESIGN names, the domain's rules."""

import datetime as dt

import pytest
import time_machine

from governance import services
from governance.models import ClauseType, Incident, Meeting, SecurityClause
from tests.factories import ClauseFactory, IncidentFactory, MeetingFactory, VendorFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
SIGNED = dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DETECTED = dt.datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
NOW = DETECTED + dt.timedelta(hours=10)


@pytest.fixture
def breach_clause(vendor):
    with time_machine.travel(SIGNED, tick=False):
        return ClauseFactory(
            vendor=vendor, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=24
        )


def saved(**fields):
    """An incident written as every door writes one (the stored row counts follow)."""
    return services.incident_save(IncidentFactory.build(**fields))


def report(vendor, **fields):
    return {
        "vendor": vendor.pk,
        "title": "Ransomware on a file server",
        "category": "security",
        "opened_at": DETECTED.isoformat(),
        "detected_at": DETECTED.isoformat(),
        **fields,
    }


def test_a_security_incident_is_reported_with_both_clocks(api, vendor, breach_clause):
    body = report(
        vendor,
        opened_at=(DETECTED + dt.timedelta(hours=6)).isoformat(),
        vendor_notified_at=(DETECTED + dt.timedelta(hours=6)).isoformat(),
        notified_by="Anna Nowak, SOC",
        personal_data_affected=True,
        systems_affected="File server FS-02",
        data_involved="HR letters",
    )
    with time_machine.travel(NOW, tick=False):
        response = api.post("/api/v1/incidents/", body, format="json")

    assert response.status_code == 201, response.data
    data = response.json()
    assert data["category"] == "security"
    assert data["notified_by"] == "Anna Nowak, SOC"
    assert data["vendor_notification_due_at"] == "2026-05-05T09:00:00Z"
    assert data["vendor_notification_status"] == "on_time"
    # Aware when the vendor told us (6 h after detection), 72 h by default.
    assert data["authority_notification_due_at"] == "2026-05-07T15:00:00Z"
    assert data["authority_notification_status"] == "running"
    assert data["authority_notification_minutes_left"] == (72 - 4) * 60


def test_a_running_clock_shows_its_minutes_left_and_an_overdue_one_how_late(
    api, vendor, breach_clause
):
    incident = IncidentFactory(
        vendor=vendor, category="security", opened_at=DETECTED, detected_at=DETECTED
    )
    url = f"/api/v1/incidents/{incident.pk}/"

    with time_machine.travel(NOW, tick=False):
        running = api.get(url).json()
    with time_machine.travel(DETECTED + dt.timedelta(hours=25), tick=False):
        overdue = api.get(url).json()

    assert running["vendor_notification_status"] == "running"
    assert running["vendor_notification_minutes_left"] == 14 * 60
    assert overdue["vendor_notification_status"] == "overdue"
    assert overdue["vendor_notification_minutes_late"] == 60
    assert overdue["authority_notification_status"] is None


def test_a_service_incident_has_no_clock_and_no_clause_is_a_finding(api, vendor):
    service = saved(vendor=vendor)
    security = saved(vendor=vendor, category="security", opened_at=DETECTED, detected_at=DETECTED)

    data = {row["id"]: row for row in api.get("/api/v1/incidents/").json()["results"]}

    assert data[service.pk]["category"] == "service"
    assert data[service.pk]["vendor_notification_status"] is None
    assert data[security.pk]["vendor_notification_status"] == "no_clause"
    assert data[security.pk]["vendor_notification_due_at"] is None


def test_incidents_filter_by_category(api, vendor):
    saved(vendor=vendor)
    security = saved(vendor=vendor, category="security", opened_at=DETECTED, detected_at=DETECTED)

    results = api.get("/api/v1/incidents/?category=security").json()["results"]

    assert [row["id"] for row in results] == [security.pk]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"category": "service"}, "detected_at", "Only a security incident records this."),
        ({"detected_at": None}, "detected_at", "A security incident records when it was"),
        (
            {"vendor_notified_at": (DETECTED - dt.timedelta(hours=1)).isoformat()},
            "vendor_notified_at",
            "The vendor cannot notify us before it detected it.",
        ),
        (
            {"contained_at": (DETECTED - dt.timedelta(hours=1)).isoformat()},
            "contained_at",
            "An incident cannot be contained before it was detected.",
        ),
        (
            {"authority_notified_at": "2030-01-01T00:00:00Z"},
            "authority_notified_at",
            "Cannot be in the future.",
        ),
        ({"category": "breach"}, "category", "is not a valid choice."),
    ],
)
def test_each_refused_value_answers_400_on_its_field_and_stores_nothing(
    api, vendor, fields, field, message
):
    with time_machine.travel(NOW, tick=False):
        response = api.post("/api/v1/incidents/", report(vendor, **fields), format="json")

    assert response.status_code == 400
    assert message in " ".join(map(str, response.json()[field]))
    assert not Incident.objects.exists()


def test_the_post_mortem_is_a_meeting_of_the_vendor_the_user_may_see(api, vendor):
    review = MeetingFactory(vendor=vendor, kind=Meeting.Kind.POSTMORTEM, recurrence="")
    hidden = MeetingFactory(kind=Meeting.Kind.POSTMORTEM, recurrence="")

    with time_machine.travel(NOW, tick=False):
        refused = api.post(
            "/api/v1/incidents/", report(vendor, postmortem_meeting=hidden.pk), format="json"
        )
        accepted = api.post(
            "/api/v1/incidents/", report(vendor, postmortem_meeting=review.pk), format="json"
        )

    assert refused.status_code == 400 and "postmortem_meeting" in refused.json()
    assert accepted.status_code == 201, accepted.data
    assert accepted.json()["postmortem_meeting"] == review.pk


def test_a_breach_clause_takes_its_window_and_another_refuses_one(api, vendor):
    created = api.post(
        "/api/v1/clauses/",
        {
            "vendor": vendor.pk,
            "clause_type": "breach_notification",
            "status": "agreed",
            "notification_hours": 48,
            "notify_whom": "CISO",
            "notify_how": "Email and phone",
        },
        format="json",
    )
    refused = api.post(
        "/api/v1/clauses/",
        {"vendor": vendor.pk, "clause_type": "encryption", "notification_hours": 48},
        format="json",
    )
    zero = api.patch(
        f"/api/v1/clauses/{created.json()['id']}/", {"notification_hours": 0}, format="json"
    )

    assert created.status_code == 201, created.data
    assert created.json()["notification_hours"] == 48
    assert refused.status_code == 400
    assert refused.json()["notification_hours"] == [
        "Only a breach-notification clause states this."
    ]
    assert zero.status_code == 400 and "notification_hours" in zero.json()
    assert SecurityClause.objects.get().notification_hours == 48


@pytest.mark.parametrize("rows", [3, 40])
def test_the_incident_list_with_clocks_reads_in_few_queries(
    api, vendor, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        other = VendorFactory(owner=vendor.owner)
        ClauseFactory(
            vendor=other, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=24
        )
        saved(vendor=other, category="security", opened_at=DETECTED, detected_at=DETECTED)

    # The incident list's 6 (tests/api/test_query_counts.py) and the clocks' 2.
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/incidents/?page_size=100")

    assert response.json()["count"] == rows
