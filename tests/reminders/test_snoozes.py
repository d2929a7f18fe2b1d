"""Snoozes: a person's reminders about an object wait until a date; escalations about it wait
while anybody's snooze runs; the digest leaves it out; the API makes, lists and ends one's
own, with the same rules as the service."""

import datetime as dt

import pytest
import time_machine

from governance import services
from governance.models import ClauseType, Incident, Role, Snooze
from tests.api.conftest import client_for
from tests.factories import ClauseFactory, IncidentFactory, ReviewFactory, UserFactory
from tests.reminders.conftest import NOW, recipients_of

pytestmark = pytest.mark.django_db

TODAY = NOW.date()


def test_a_snoozed_review_is_not_reminded_to_that_person_until_the_date(
    run_sweep, vendor, member, owner
):
    review = ReviewFactory(vendor=vendor, reviewer=member, scheduled_for=TODAY + dt.timedelta(3))
    services.snooze_set(member, review, until=TODAY + dt.timedelta(2), today=TODAY)

    assert recipients_of(run_sweep(NOW)) == ["owner@example.com"]
    assert recipients_of(run_sweep(NOW + dt.timedelta(days=1))) == []
    # From the snooze's last day on, what is still due goes out (the 0-day one, on the day).
    assert recipients_of(run_sweep(NOW + dt.timedelta(days=3))) == [
        "member@example.com",
        "owner@example.com",
    ]


def test_an_escalation_waits_while_anybody_snoozed_its_object(run_sweep, vendor, owner):
    admin = UserFactory(username="root", role=Role.ADMINISTRATOR)
    detected = NOW - dt.timedelta(hours=30)
    with time_machine.travel(detected - dt.timedelta(days=1), tick=False):
        ClauseFactory(
            vendor=vendor, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=24
        )
    incident = IncidentFactory(
        vendor=vendor,
        category=Incident.Category.SECURITY,
        detected_at=detected,
        opened_at=detected,
    )
    snooze = services.snooze_set(owner, incident, until=TODAY + dt.timedelta(1), today=TODAY)

    assert run_sweep(NOW) == []
    services.snooze_end(snooze)
    sent = run_sweep(NOW + dt.timedelta(minutes=1))

    assert recipients_of(sent) == sorted([admin.email, "owner@example.com"])


def test_the_digest_leaves_out_what_its_reader_snoozed(run_sweep, vendor, owner):
    from tests.reminders.conftest import set_profile

    set_profile(owner, digest_enabled=True)
    kept = ReviewFactory(vendor=vendor, scheduled_for=TODAY + dt.timedelta(3))
    hidden = ReviewFactory(vendor=vendor, scheduled_for=TODAY + dt.timedelta(4))
    services.snooze_set(owner, hidden, until=TODAY + dt.timedelta(10), today=TODAY)
    monday = dt.datetime(2026, 4, 6, 10, tzinfo=dt.UTC)

    [digest] = [m for m in run_sweep(monday) if "governance week" in m.subject]

    assert kept.scheduled_for.strftime("%-d %b") in digest.body
    assert hidden.scheduled_for.strftime("%-d %b") not in digest.body


def test_the_snooze_is_in_the_history_with_who_made_it(vendor, member):
    review = ReviewFactory(vendor=vendor)
    snooze = services.snooze_set(member, review, until=TODAY + dt.timedelta(5), today=TODAY)
    services.snooze_set(member, review, until=TODAY + dt.timedelta(9), today=TODAY)

    assert Snooze.objects.count() == 1
    assert [row.until for row in snooze.history.order_by("history_id")] == [
        TODAY + dt.timedelta(5),
        TODAY + dt.timedelta(9),
    ]


# --- the API -------------------------------------------------------------------------------


@pytest.fixture
def api(member):
    return client_for(member)


def test_a_person_snoozes_and_ends_their_own_through_the_api(api, vendor, member, owner):
    review = ReviewFactory(vendor=vendor)
    until = (dt.date.today() + dt.timedelta(days=7)).isoformat()

    made = api.post(
        "/api/v1/snoozes/",
        {"subject_type": "review", "subject_id": review.pk, "until": until, "note": "On it"},
        format="json",
    )

    assert made.status_code == 201, made.json()
    assert made.json()["subject_type"] == "review"
    assert made.json()["vendor"] == vendor.pk
    services.snooze_set(owner, review, until=dt.date.today() + dt.timedelta(3))
    assert [row["id"] for row in api.get("/api/v1/snoozes/").json()["results"]] == [
        made.json()["id"]
    ]
    assert api.delete(f"/api/v1/snoozes/{made.json()['id']}/").status_code == 204
    assert list(Snooze.objects.values_list("user__username", flat=True)) == ["owner"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"subject_type": "review", "until": "2000-01-01"}, "until"),
        ({"subject_type": "review", "until": "2999-01-01"}, "until"),
        ({"subject_type": "planet", "until": "+7"}, "subject_type"),
        ({"subject_type": "review", "subject_id": 10**12, "until": "+7"}, "subject_id"),
    ],
)
def test_bad_snoozes_are_refused_per_field(api, vendor, payload, field):
    review = ReviewFactory(vendor=vendor)
    payload = {"subject_id": review.pk, **payload}
    if payload["until"] == "+7":
        payload["until"] = (dt.date.today() + dt.timedelta(days=7)).isoformat()

    response = api.post("/api/v1/snoozes/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Snooze.objects.exists()


def test_a_representative_cannot_snooze_through_the_api(vendor):
    rep = UserFactory(username="rep")
    services.user_role_set(rep, role=Role.VENDOR_REP, vendor=vendor)

    response = client_for(rep).get("/api/v1/snoozes/")

    assert response.status_code == 403
