"""The portfolio-wide lists (issue 17): incidents, reviews, clauses and goals across vendors,
filtered, sorted, paginated and as CSV with people's names."""

import datetime as dt

import pytest
from django.utils import timezone

from governance import selectors, services
from governance.models import Goal, Review, SecurityClause, Vendor
from tests import world as the_world
from tests.factories import ClauseFactory, GoalFactory, IncidentFactory, ReviewFactory

pytestmark = pytest.mark.django_db
_frozen_time = the_world._frozen_time
_fresh_throttle_counts = the_world._fresh_throttle_counts

LISTS = ["/incidents/", "/reviews/", "/clauses/", "/goals/", "/clauses/gaps/"]
TODAY = the_world.NOW.date()


@pytest.fixture
def world(owner, member, vendor):
    built = the_world.build(owner, member, vendor)
    owner.first_name, owner.last_name = "Priya", "Nair"
    owner.save()
    return built


def signed_in(client, world, name):
    client.force_login(world.people[name])
    return client


def csv_text(response):
    content = response.streaming_content if response.streaming else [response.content]
    return b"".join(content).decode("utf-8-sig")


def rows(response):
    assert response.status_code == 200
    return list(response.context["rows"])


@pytest.mark.parametrize("path", LISTS)
def test_every_list_opens_for_a_viewer_with_both_vendors(world, client, path):
    response = signed_in(client, world, "viewer").get(path)

    assert response.status_code == 200
    page = response.content.decode()
    assert world.own.vendor.name in page
    assert "Other Networks" in page


@pytest.mark.parametrize("path", LISTS)
def test_a_vendor_representative_is_refused_every_list_and_its_csv(world, client, path):
    client = signed_in(client, world, "rep")

    assert client.get(path).status_code == 403
    assert client.get(f"{path}?format=csv").status_code == 403


@pytest.mark.parametrize("path", LISTS)
def test_anonymous_visitors_are_sent_to_log_in(world, client, path):
    response = client.get(path)

    assert response.status_code == 302 and "login" in response["Location"]


# --- incidents -----------------------------------------------------------------------------


@pytest.fixture
def incidents(world):
    """Besides each vendor's P1 (opened an hour ago, its 30-minute response target passed):
    a fresh P3 of our vendor, a resolved P2 of the other, a security incident of ours."""
    now = timezone.now()
    fresh = services.incident_save(
        IncidentFactory.build(
            vendor=world.own.vendor, priority="P3", title="Slow portal", opened_at=now
        ),
        now=now,
    )
    resolved = services.incident_save(
        IncidentFactory.build(
            vendor=world.other.vendor,
            priority="P2",
            title="Mail delay",
            opened_at=now - dt.timedelta(days=3),
            resolved_at=now - dt.timedelta(days=2),
            acknowledged_at=now - dt.timedelta(days=3),
            status="resolved",
        ),
        now=now,
    )
    security = services.incident_save(
        IncidentFactory.build(
            vendor=world.own.vendor,
            priority="P2",
            title="Phishing",
            category="security",
            opened_at=now - dt.timedelta(hours=2),
            detected_at=now - dt.timedelta(hours=2),
        ),
        now=now,
    )
    return {"fresh": fresh, "resolved": resolved, "security": security}


def titles(response):
    return {row.title for row in rows(response)}


def test_the_incident_list_counts_and_shows_every_vendors_incidents(world, incidents, client):
    response = signed_in(client, world, "viewer").get("/incidents/?scope=all")

    assert response.context["count"] == 5
    assert '<strong data-testid="list-count">5</strong> incidents' in response.content.decode()


def test_incident_filters_narrow_the_list(world, incidents, client):
    client = signed_in(client, world, "admin")
    p1 = world.own.incident.title

    assert titles(client.get("/incidents/?status=open")) == {p1, "Slow portal", "Phishing"}
    assert titles(client.get("/incidents/?status=resolved")) == {"Mail delay"}
    assert titles(client.get("/incidents/?status=new&priority=P3")) == {"Slow portal"}
    assert titles(client.get("/incidents/?category=security")) == {"Phishing"}
    assert titles(client.get("/incidents/?priority=P2")) == {"Mail delay", "Phishing"}
    # Breached and still open: both P1s (response due 30 minutes after opening, an hour ago);
    # not the resolved P2 nor the fresh P3.
    breached = rows(client.get("/incidents/?breach=1"))
    assert {row.pk for row in breached} == {world.own.incident.pk, world.other.incident.pk}
    assert titles(client.get("/incidents/?vendor_name=acme&priority=P1")) == {p1}
    own = world.own.vendor.pk
    assert {row.vendor_id for row in rows(client.get(f"/incidents/?vendor={own}"))} == {own}


def test_a_link_clears_the_breach_filter_with_0(world, incidents, client):
    client = signed_in(client, world, "viewer")

    assert len(rows(client.get("/incidents/?breach=0"))) == 5
    assert len(rows(client.get("/incidents/?breach=on"))) == 2


def test_the_incident_count_is_the_filtered_lists_count_across_pages(world, client):
    now = timezone.now()
    for n in range(30):
        IncidentFactory(vendor=world.own.vendor, priority="P4", opened_at=now, title=f"Minor {n}")
    client = signed_in(client, world, "viewer")

    first = client.get("/incidents/?priority=P4")
    second = client.get("/incidents/?priority=P4&page=2")

    assert first.context["count"] == 30
    assert len(rows(first)) == 25 and len(rows(second)) == 5
    assert not {row.pk for row in rows(first)} & {row.pk for row in rows(second)}


def test_incidents_sort_by_a_whitelisted_column_either_way(world, incidents, client):
    client = signed_in(client, world, "viewer")

    ascending = [row.priority for row in rows(client.get("/incidents/?sort=priority"))]
    descending = [row.priority for row in rows(client.get("/incidents/?sort=-priority"))]
    newest = rows(client.get("/incidents/"))

    assert ascending == sorted(ascending) and ascending[0] == "P1"
    assert descending == sorted(descending, reverse=True) and descending[0] == "P3"
    assert [row.opened_at for row in newest] == sorted(
        (row.opened_at for row in newest), reverse=True
    )


@pytest.mark.parametrize(
    "sort", ["password", "vendor__owner__password", "-", "opened_at; drop", "?", "-" * 300]
)
def test_an_unknown_sort_is_ignored_and_the_other_filters_still_apply(
    world, incidents, client, sort
):
    response = signed_in(client, world, "viewer").get(
        "/incidents/", {"sort": sort, "priority": "P2"}
    )

    assert titles(response) == {"Mail delay", "Phishing"}
    newest_first = [row.opened_at for row in rows(response)]
    assert newest_first == sorted(newest_first, reverse=True)


def test_the_incident_csv_uses_labels_and_peoples_names(world, incidents, client):
    response = signed_in(client, world, "viewer").get("/incidents/?format=csv&priority=P3")

    body = csv_text(response)
    assert response["Content-Type"].startswith("text/csv")
    assert body.splitlines()[0].startswith("Vendor,Vendor owner,Ticket id,Title,Priority")
    assert "Acme Hosting,Priya Nair," in body
    assert "P3 (medium),Service," in body
    assert ",Open," in body  # the status's label, not its code
    assert "Mail delay" not in body  # the filter holds in the CSV too
    assert "priya.nair" not in body and ",owner," not in body


# --- reviews -------------------------------------------------------------------------------


@pytest.fixture
def reviews(world):
    """An overdue review of ours (scheduled a week ago) and one of the other vendor's due
    in ten days; each vendor also has its completed, disputed and next reviews."""
    overdue = ReviewFactory(
        vendor=world.own.vendor,
        reviewer=world.people["owner"],
        period_start=dt.date(2025, 7, 1),
        period_end=dt.date(2025, 9, 30),
        scheduled_for=TODAY - dt.timedelta(days=7),
    )
    upcoming = ReviewFactory(
        vendor=world.other.vendor,
        reviewer=world.people["third"],
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2025, 6, 30),
        scheduled_for=TODAY + dt.timedelta(days=10),
        status=Review.Status.IN_PROGRESS,
    )
    return {"overdue": overdue, "upcoming": upcoming}


def test_review_filters_narrow_the_list(world, reviews, client):
    client = signed_in(client, world, "auditor")

    overdue = rows(client.get("/reviews/?due=overdue"))
    upcoming = rows(client.get("/reviews/?due=upcoming"))
    soon = rows(client.get("/reviews/?due=soon"))
    in_progress = rows(client.get("/reviews/?status=in_progress"))
    completed = rows(client.get("/reviews/?status=completed"))

    assert [row.pk for row in overdue] == [reviews["overdue"].pk]
    assert [row.pk for row in upcoming] == [reviews["upcoming"].pk]
    assert {row.pk for row in soon} == {reviews["overdue"].pk, reviews["upcoming"].pk}
    assert [row.pk for row in in_progress] == [reviews["upcoming"].pk]
    assert {row.status for row in completed} == {"completed"} and len(completed) == 4
    assert {row.vendor.name for row in rows(client.get("/reviews/?vendor_name=other"))} == {
        "Other Networks"
    }


def test_reviews_sort_soonest_first_unless_asked(world, reviews, client):
    client = signed_in(client, world, "viewer")

    dates = [row.scheduled_for for row in rows(client.get("/reviews/"))]
    latest_first = [row.scheduled_for for row in rows(client.get("/reviews/?sort=-scheduled"))]
    by_vendor = [row.vendor.name for row in rows(client.get("/reviews/?sort=vendor"))]

    assert dates == sorted(dates)
    assert latest_first == sorted(dates, reverse=True)
    assert by_vendor == sorted(by_vendor)


def test_the_review_csv_names_the_reviewer_and_the_status(world, reviews, client):
    body = csv_text(signed_in(client, world, "viewer").get("/reviews/?due=overdue&format=csv"))

    assert body.splitlines()[0] == (
        "Vendor,Period start,Period end,Scheduled for,Status,Reviewer,Overall score,"
        "Completed,Dispute"
    )
    assert "Acme Hosting,2025-07-01,2025-09-30,2026-03-03,Scheduled,Priya Nair," in body
    assert len(body.splitlines()) == 2


# --- clauses -------------------------------------------------------------------------------


@pytest.fixture
def clauses(world):
    """Ours: an ISO 27001 certificate expiring in 20 days; the other's: a DPA still
    being negotiated (each vendor also has its confidentiality clause, never expiring)."""
    iso = ClauseFactory(
        vendor=world.own.vendor,
        clause_type="iso27001",
        expires_on=TODAY + dt.timedelta(days=20),
    )
    dpa = ClauseFactory(
        vendor=world.other.vendor,
        clause_type="data_protection",
        status=SecurityClause.Status.NEGOTIATING,
    )
    return {"iso": iso, "dpa": dpa}


def test_clause_filters_narrow_the_list(world, clauses, client):
    client = signed_in(client, world, "member")

    expiring = rows(client.get("/clauses/?expiring=30"))
    not_yet = rows(client.get("/clauses/?expiring=10"))
    negotiating = rows(client.get("/clauses/?status=negotiating"))
    dpas = rows(client.get("/clauses/?type=data_protection"))

    assert [row.pk for row in expiring] == [clauses["iso"].pk]
    assert not_yet == []
    assert [row.pk for row in negotiating] == [clauses["dpa"].pk]
    assert [row.pk for row in dpas] == [clauses["dpa"].pk]
    assert len(rows(client.get("/clauses/"))) == 4


@pytest.mark.parametrize("days", [0, 10, 30, 60, 365])
def test_expiring_clauses_are_the_dashboards_panel_in_full(world, clauses, client, days):
    ClauseFactory(
        vendor=world.other.vendor,
        clause_type="encryption",
        next_verification_due=TODAY + dt.timedelta(days=5),
    )
    listed = signed_in(client, world, "viewer").get(f"/clauses/?expiring={days}")

    panel = selectors.expiring_clauses(Vendor.objects.all(), today=TODAY, days=days)
    assert listed.context["count"] == panel.count()
    assert {row.pk for row in rows(listed)} == set(panel.values_list("pk", flat=True))


def test_the_clause_csv_uses_the_types_label(world, clauses, client):
    body = csv_text(signed_in(client, world, "viewer").get("/clauses/?format=csv&expiring=30"))

    assert "Acme Hosting,ISO 27001 certification,Agreed," in body
    assert "iso27001" not in body


# --- goals ---------------------------------------------------------------------------------


@pytest.fixture
def goals(world):
    """Ours: at risk, due in ten days; the other's: achieved, due last month (each vendor
    also has its on-track goal due at the end of the year)."""
    at_risk = GoalFactory(
        vendor=world.own.vendor,
        owner=world.people["owner"],
        title="Fewer escalations",
        status=Goal.Status.AT_RISK,
        due_date=TODAY + dt.timedelta(days=10),
    )
    achieved = GoalFactory(
        vendor=world.other.vendor,
        owner=world.people["third"],
        title="Faster onboarding",
        status=Goal.Status.ACHIEVED,
        due_date=TODAY - dt.timedelta(days=20),
    )
    return {"at_risk": at_risk, "achieved": achieved}


def test_goal_filters_narrow_the_list(world, goals, client):
    client = signed_in(client, world, "viewer")

    at_risk = rows(client.get("/goals/?status=at_risk"))
    soon = rows(client.get("/goals/?due_within=14"))
    active = rows(client.get("/goals/?status=active"))

    assert [row.title for row in at_risk] == ["Fewer escalations"]
    # Due within 14 days: active goals only (the achieved one, overdue, is done).
    assert [row.title for row in soon] == ["Fewer escalations"]
    assert "Faster onboarding" not in {row.title for row in active}
    assert len(active) == 3


def test_the_goal_csv_names_the_owner(world, goals, client):
    body = csv_text(signed_in(client, world, "viewer").get("/goals/?format=csv&status=at_risk"))

    assert "Acme Hosting,Fewer escalations," in body
    assert ",At risk,Priya Nair,2026-01-01,2026-03-20" in body
