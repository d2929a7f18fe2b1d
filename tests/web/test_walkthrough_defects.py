"""Defects a morning's walkthrough found (issue 17), each held by a test that failed before."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.models import ActionItem, Goal, Role, SecurityClause
from tests.factories import ClauseFactory, GoalFactory, IncidentFactory, MeetingFactory
from tests.world import person

pytestmark = pytest.mark.django_db


def _options(html, name):
    select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', html, re.S)
    return re.findall(r'<option value="([^"]*)"[^>]*>\s*([^<]*?)\s*</option>', select[1])


def test_the_incident_status_filter_offers_each_choice_once_and_each_one_filters(
    owner_client, vendor
):
    fresh = IncidentFactory(vendor=vendor, title="Fresh outage", status="open")
    seen = IncidentFactory(vendor=vendor, title="Seen outage", status="acknowledged")
    IncidentFactory(vendor=vendor, title="Fixed outage", status="resolved")
    url = reverse("governance:incident-list", args=[vendor.pk])
    options = _options(owner_client.get(url).content.decode(), "status")
    values, labels = zip(*options, strict=True)
    assert len(set(values)) == len(values) and len(set(labels)) == len(labels)

    def titles(status):
        html = owner_client.get(url, {"status": status}).content.decode()
        return {t for t in ("Fresh outage", "Seen outage", "Fixed outage") if t in html}

    assert titles("open") == {fresh.title, seen.title}  # not resolved, as the dashboard links
    assert titles("new") == {fresh.title}
    assert titles("acknowledged") == {seen.title}
    assert titles("resolved") == {"Fixed outage"}


def test_an_incident_has_a_read_only_page_its_title_opens_and_a_resolved_one_closes_there(
    owner_client, vendor, owner
):
    incident = IncidentFactory(
        vendor=vendor, title="Core switch down", priority="P1", description="Both links."
    )
    services.action_item_save(
        ActionItem(vendor=vendor, incident=incident, description="Replace the optic", owner=owner)
    )
    listing = owner_client.get(reverse("governance:incident-list", args=[vendor.pk]))
    page_url = reverse("governance:incident-detail", args=[vendor.pk, incident.pk])
    assert f'href="{page_url}"' in listing.content.decode()
    assert 'class="prio prio-P1"' in listing.content.decode()

    page = owner_client.get(page_url).content.decode()
    assert "Core switch down" in page and "Both links." in page
    assert "Replace the optic" in page and 'class="prio prio-P1"' in page
    assert "<form" not in page.split("Timeline and SLA")[1].split("</section>")[0]  # read-only
    close_url = reverse("governance:incident-close", args=[vendor.pk, incident.pk])
    assert close_url not in page  # open: resolve first

    refused = owner_client.post(close_url, follow=True)
    assert "Only a resolved incident can be closed." in refused.content.decode()
    incident.refresh_from_db()
    assert incident.status == "open"

    services.incident_resolve(incident, at=timezone.now())
    assert close_url in owner_client.get(page_url).content.decode()
    closed = owner_client.post(close_url, {"next": page_url}, follow=True)
    assert closed.redirect_chain[-1][0] == page_url
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.resolved_at is not None


def test_a_viewer_reads_the_incident_page_without_its_buttons_and_cannot_close_it(client, vendor):
    incident = IncidentFactory(vendor=vendor, title="Printer queue stuck", status="resolved")
    viewer = person("viewer", Role.VIEWER)
    client.force_login(viewer)
    page_url = reverse("governance:incident-detail", args=[vendor.pk, incident.pk])
    body = client.get(page_url).content.decode()
    close_url = reverse("governance:incident-close", args=[vendor.pk, incident.pk])
    assert "Printer queue stuck" in body and close_url not in body
    assert client.post(close_url).status_code == 403
    incident.refresh_from_db()
    assert incident.status == "resolved"


def test_a_new_incident_form_starts_at_the_current_minute(owner_client, vendor):
    form = owner_client.get(reverse("governance:incident-create", args=[vendor.pk]))
    value = re.search(r'name="opened_at"[^>]*value="([^"]+)"', form.content.decode())
    assert value is not None, re.findall(r"<input[^>]*opened_at[^>]*>", form.content.decode())
    assert value[1][:13] == timezone.localtime().strftime("%Y-%m-%dT%H")


def test_clauses_show_their_requirement_and_the_upload_rules_before_an_upload(owner_client, vendor):
    ClauseFactory(
        vendor=vendor, clause_type="iso27001", requirement="Certified scope covers the SOC."
    )
    table = owner_client.get(reverse("governance:clause-list", args=[vendor.pk])).content
    assert b"Certified scope covers the SOC." in table
    form = owner_client.get(reverse("governance:clause-create", args=[vendor.pk])).content
    assert b"PDF, PNG" in form and b"at most" in form and b'accept=".pdf,' in form


@pytest.mark.parametrize("door", ["web", "service"])
def test_a_downloaded_evidence_document_keeps_the_name_it_was_uploaded_with(
    owner_client, owner, vendor, door, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    name = "ISO 27001 certificate 2026.pdf"
    upload = SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")
    if door == "web":
        response = owner_client.post(
            reverse("governance:clause-create", args=[vendor.pk]),
            {"clause_type": "iso27001", "status": "agreed", "evidence_file": upload},
        )
        assert response.status_code == 302, response.content[:2000]
    else:  # the service every door saves through (the admin's form included)
        services.clause_save(
            SecurityClause(
                vendor=vendor, clause_type="iso27001", status="agreed", evidence_file=upload
            )
        )
    clause = SecurityClause.objects.get(vendor=vendor, clause_type="iso27001")
    assert clause.evidence_file.name != name and clause.evidence_name == name
    download = owner_client.get(reverse("governance:clause-evidence", args=[vendor.pk, clause.pk]))
    assert "ISO%2027001%20certificate%202026.pdf" in download["Content-Disposition"] or (
        name in download["Content-Disposition"]
    )
    table = owner_client.get(reverse("governance:clause-list", args=[vendor.pk])).content
    assert name.encode() in table


def test_a_meeting_shows_its_own_wall_clock_time_whatever_the_readers_zone(
    owner_client, owner, vendor
):
    services.profile_update(owner.profile, time_zone="America/New_York")
    warsaw = zoneinfo.ZoneInfo("Europe/Warsaw")
    meeting = MeetingFactory(
        vendor=vendor,
        title="Ops sync",
        time_zone="Europe/Warsaw",
        starts_at=dt.datetime(2026, 3, 10, 10, 0, tzinfo=warsaw),
        recurrence="FREQ=WEEKLY",
    )
    page = owner_client.get(reverse("governance:meeting-detail", args=[vendor.pk, meeting.pk]))
    html = page.content.decode()
    assert "10:00</dd>" in html or "10:00 <span" in html
    assert "04:00 <span" not in html
    instance = meeting.starts_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    occurrence = owner_client.get(
        reverse("governance:occurrence-detail", args=[vendor.pk, meeting.pk, instance])
    ).content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", occurrence, re.S)[1]
    assert "10:00" in heading and "Europe/Warsaw" in heading and "04:00" not in heading


def test_the_dashboard_says_an_on_track_goal_is_due_soon_not_at_risk(owner_client, vendor):
    today = timezone.localdate()
    GoalFactory(
        vendor=vendor, title="Patch latency", status="on_track", due_date=today + dt.timedelta(3)
    )
    GoalFactory(
        vendor=vendor, title="Backlog size", status="at_risk", due_date=today + dt.timedelta(90)
    )
    html = owner_client.get("/").content.decode()
    # The panel lists what its tile counts: the goals at risk (the portfolio list's).
    panel = html.split('id="goals-h"')[1].split("</section>")[0]
    assert "Backlog size" in panel and "Patch latency" not in panel
    # "Needs attention" says which is which.
    attention = html.split('data-testid="needs-attention"')[1].split("</section>")[0]
    on_track = attention.split("Patch latency")[0].rsplit("<li", 1)[1]
    at_risk = attention.split("Backlog size")[0].rsplit("<li", 1)[1]
    assert "Goal due" in on_track and "at risk" not in on_track
    assert "Goal at risk" in at_risk


def test_the_scorecard_says_how_many_measured_goals_are_on_track(owner_client, owner, vendor):
    today = timezone.localdate()
    for title in ("Uptime", "Backlog"):
        # Half its time gone and still at its baseline: the check-ins say at risk.
        goal = GoalFactory(
            vendor=vendor,
            title=title,
            owner=owner,
            start_date=today - dt.timedelta(days=100),
            due_date=today + dt.timedelta(days=100),
        )
        services.goal_check_in_add(goal=goal, date=today, value=goal.baseline, author=owner)
        assert Goal.objects.get(pk=goal.pk).status == "at_risk"
    html = owner_client.get(reverse("governance:vendor-detail", args=[vendor.pk])).content
    assert b"0 of 2 measured goals on track" in html
