"""Forms reject bad input with inline errors and change nothing; good input goes through."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from governance import services
from governance.models import Incident, Meeting, Review, SecurityClause, SLATarget, Vendor
from governance.reminders import registry
from tests.factories import ReviewFactory, SLATargetFactory, VendorFactory, scored

pytestmark = pytest.mark.django_db

VENDOR_DATA = {
    "name": "Northwind Networks",
    "services": ["network_management", "security"],
    "tier": "high",
    "status": "active",
    "time_zone": "Europe/Warsaw",
    "country": "pl",
    "contract_start": "2026-01-01",
    "contract_end": "2027-12-31",
    "renewal_notice_days": "90",
    "annual_value": "120000",
    "currency": "eur",
    "review_cadence": "",
    "notes": "",
}


def test_creating_a_vendor_takes_the_tier_cadence_and_opens_its_workspace(owner_client, owner):
    response = owner_client.post(
        reverse("governance:vendor-create"), {**VENDOR_DATA, "owner": owner.pk}, follow=True
    )
    vendor = Vendor.objects.get(name="Northwind Networks")
    assert response.redirect_chain[-1][0] == vendor.get_absolute_url()
    assert vendor.review_cadence == "quarterly"
    assert vendor.country == "PL" and vendor.currency == "EUR"
    assert vendor.services == ["network_management", "security"]
    assert b"Northwind Networks was added." in response.content


def test_a_bad_vendor_form_shows_every_error_and_saves_nothing(owner_client, owner):
    data = {
        **VENDOR_DATA,
        "owner": owner.pk,
        "name": "",
        "services": ["catering"],
        "country": "Poland",
        "contract_end": "2025-01-01",
        "time_zone": "Mars/Olympus",
        "annual_value": "-5",
    }
    response = owner_client.post(reverse("governance:vendor-create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"name", "services", "country", "contract_end", "time_zone"}
    assert b'aria-invalid="true"' in response.content
    assert b"Nothing was saved" in response.content
    assert not Vendor.objects.exists()


def test_a_duplicate_vendor_name_is_refused(owner_client, owner, vendor):
    data = {**VENDOR_DATA, "owner": owner.pk, "name": vendor.name}
    response = owner_client.post(reverse("governance:vendor-create"), data)
    assert "name" in response.context["form"].errors
    assert Vendor.objects.count() == 1


def test_editing_a_vendor_with_bad_input_leaves_it_unchanged(owner_client, owner, vendor):
    url = reverse("governance:vendor-edit", args=[vendor.pk])
    response = owner_client.post(url, {**VENDOR_DATA, "owner": owner.pk, "currency": "euro"})
    assert "currency" in response.context["form"].errors
    vendor.refresh_from_db()
    assert vendor.name == "Acme Hosting"


def test_a_vendor_with_history_cannot_be_deleted(owner_client, workspace):
    vendor = workspace["vendor"]
    response = owner_client.post(reverse("governance:vendor-delete", args=[vendor.pk]), follow=True)
    assert Vendor.objects.filter(pk=vendor.pk).exists()
    assert b"set its status to ended" in response.content


def test_a_vendor_without_history_can_be_deleted(owner_client, vendor):
    owner_client.post(reverse("governance:vendor-delete", args=[vendor.pk]))
    assert not Vendor.objects.filter(pk=vendor.pk).exists()


def review_data(**overrides):
    data = {
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "scheduled_for": "2026-04-15",
        "status": "in_progress",
        "reviewer": "",
        "summary": "A good quarter.",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-description": "Update the escalation matrix",
        "items-0-owner": "",
        "items-0-due_date": "2026-05-01",
        "items-0-status": "open",
        "items-1-description": "",
        "items-1-status": "open",
    }
    for criterion, score in [("quality", 4), ("responsiveness", 5), ("communication", 3)]:
        data[f"score_{criterion}"] = str(score)
        data[f"comment_{criterion}"] = "noted"
    data.update(overrides)
    return data


@time_machine.travel(dt.datetime(2026, 4, 20, 10, tzinfo=dt.UTC), tick=False)
def test_saving_and_completing_a_review_shows_the_score_and_schedules_the_next(
    owner_client, vendor
):
    saved = owner_client.post(
        reverse("governance:review-create", args=[vendor.pk]),
        review_data(complete="1"),
        follow=True,
    )
    review = Review.objects.get(period_start=dt.date(2026, 1, 1))
    # Completing is final: the form saves, then asks to confirm, saying what will happen.
    assert review.status == Review.Status.IN_PROGRESS
    confirm = reverse("governance:review-complete", args=[vendor.pk, review.pk])
    assert saved.redirect_chain[-1][0] == confirm
    asked = saved.content.decode()
    assert "Complete the review" in asked and "15 Jul 2026" in asked and "4.00" in asked

    response = owner_client.post(confirm, follow=True)

    review.refresh_from_db()
    assert review.status == Review.Status.COMPLETED
    assert review.overall_score == 4
    assert [i.description for i in review.action_items.all()] == ["Update the escalation matrix"]
    following = Review.objects.get(status=Review.Status.SCHEDULED)
    # Quarterly: one cadence after the scheduled date, covering the next quarter.
    assert following.scheduled_for == dt.date(2026, 7, 15)
    assert (following.period_start, following.period_end) == (
        dt.date(2026, 4, 1),
        dt.date(2026, 6, 30),
    )
    html = response.content.decode()
    assert "overall score of 4.00" in html
    assert "15 Jul 2026" in html


def test_a_review_with_a_score_out_of_range_is_refused(owner_client, vendor):
    response = owner_client.post(
        reverse("governance:review-create", args=[vendor.pk]),
        review_data(score_quality="7", period_end="2025-12-01"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "score_quality" in errors and "period_end" in errors
    assert not Review.objects.exists()


def test_a_comment_without_a_score_is_refused(owner_client, vendor):
    response = owner_client.post(
        reverse("governance:review-create", args=[vendor.pk]),
        review_data(score_cost="", comment_cost="Too expensive"),
    )
    assert "score_cost" in response.context["form"].errors
    assert not Review.objects.exists()


def test_an_action_item_without_a_description_is_refused(owner_client, vendor, owner):
    response = owner_client.post(
        reverse("governance:review-create", args=[vendor.pk]),
        review_data(**{"items-1-owner": str(owner.pk)}),
    )
    assert response.context["formset"].errors[1]
    assert not Review.objects.exists()


def test_completing_a_completed_review_says_so_and_changes_nothing(owner_client, workspace):
    review = workspace["review"]
    url = reverse("governance:review-complete", args=[workspace["vendor"].pk, review.pk])
    response = owner_client.post(url, follow=True)
    assert b"already completed" in response.content
    assert Review.objects.count() == 2


def test_the_complete_button_schedules_the_next_review(owner_client, vendor):
    review = scored(ReviewFactory(vendor=vendor))
    url = reverse("governance:review-complete", args=[vendor.pk, review.pk])
    response = owner_client.post(url, follow=True)
    assert Review.objects.filter(status=Review.Status.SCHEDULED).count() == 1
    assert b"The next review is scheduled for" in response.content


def meeting_data(**overrides):
    data = {
        "title": "Weekly ops",
        "kind": "operational",
        "start_date": "2026-03-02",
        "start_time": "09:00",
        "time_zone": "Europe/Warsaw",
        "duration_minutes": "30",
        "repeat": "weekly",
        "rrule": "",
        "channel": "video",
        "location": "https://meet.example.com/ops",
        "agenda": "",
        "minutes": "",
    }
    data.update(overrides)
    return data


def test_a_weekly_meeting_is_stored_at_its_local_time_with_a_weekly_rule(owner_client, vendor):
    owner_client.post(reverse("governance:meeting-create", args=[vendor.pk]), meeting_data())
    meeting = Meeting.objects.get()
    assert meeting.recurrence == "FREQ=WEEKLY;BYDAY=MO"
    # 09:00 in Warsaw in March (before DST) is 08:00 UTC.
    assert meeting.starts_at == dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def test_editing_a_meeting_shows_its_own_local_time(owner_client, vendor):
    owner_client.post(reverse("governance:meeting-create", args=[vendor.pk]), meeting_data())
    meeting = Meeting.objects.get()
    response = owner_client.get(reverse("governance:meeting-edit", args=[vendor.pk, meeting.pk]))
    form = response.context["form"]
    assert form["start_time"].value() == dt.time(9, 0)
    assert form["repeat"].value() == "weekly"


def test_a_bad_custom_rule_is_refused(owner_client, vendor):
    response = owner_client.post(
        reverse("governance:meeting-create", args=[vendor.pk]),
        meeting_data(repeat="custom", rrule="FREQ=SOMETIMES"),
    )
    assert "rrule" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_a_meeting_without_date_or_title_is_refused(owner_client, vendor):
    response = owner_client.post(
        reverse("governance:meeting-create", args=[vendor.pk]),
        meeting_data(title="", start_date="", duration_minutes="0"),
    )
    assert {"title", "start_date", "duration_minutes"} <= set(response.context["form"].errors)
    assert not Meeting.objects.exists()


@time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False)
def test_an_incident_past_its_sla_is_logged_with_due_times(owner_client, vendor):
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)
    response = owner_client.post(
        reverse("governance:incident-create", args=[vendor.pk]),
        {
            "title": "Core switch down",
            "external_id": "INC-1",
            "priority": "P1",
            "service": "network_management",
            "opened_at": "2026-03-10T06:00",  # the owner's time zone is UTC
            "description": "",
        },
        follow=True,
    )
    incident = Incident.objects.get()
    assert incident.opened_at == dt.datetime(2026, 3, 10, 6, tzinfo=dt.UTC)
    assert incident.resolution_due_at == dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC)
    assert b"Its resolution target has already passed." in response.content
    assert b"Resolution breached" in owner_client.get("/").content


@time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False)
def test_an_incident_in_the_future_or_with_a_taken_ticket_id_is_refused(owner_client, workspace):
    vendor = workspace["vendor"]
    response = owner_client.post(
        reverse("governance:incident-create", args=[vendor.pk]),
        {
            "title": "",
            "external_id": workspace["incident"].external_id,
            "priority": "P9",
            "opened_at": "2026-03-11T06:00",
        },
    )
    errors = response.context["form"].errors
    assert {"title", "external_id", "priority", "opened_at"} <= set(errors)
    assert Incident.objects.count() == 1


def test_acknowledging_and_resolving_an_incident(owner_client, workspace):
    vendor, incident = workspace["vendor"], workspace["incident"]
    owner_client.post(reverse("governance:incident-acknowledge", args=[vendor.pk, incident.pk]))
    incident.refresh_from_db()
    assert incident.status == Incident.Status.ACKNOWLEDGED
    assert incident.acknowledged_at is not None
    url = reverse("governance:incident-resolve", args=[vendor.pk, incident.pk])
    resolved_at = (incident.opened_at + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    owner_client.post(url, {"resolved_at": resolved_at, "root_cause": "Bad config push"})
    incident.refresh_from_db()
    assert incident.status == Incident.Status.RESOLVED
    assert incident.root_cause == "Bad config push"


def test_acknowledging_over_htmx_returns_the_updated_row(owner_client, workspace):
    vendor, incident = workspace["vendor"], workspace["incident"]
    response = owner_client.post(
        reverse("governance:incident-acknowledge", args=[vendor.pk, incident.pk]),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="incident-{incident.pk}"')
    assert "Acknowledged" in html and "<html" not in html


def test_resolving_before_the_incident_opened_is_refused(owner_client, workspace):
    vendor, incident = workspace["vendor"], workspace["incident"]
    url = reverse("governance:incident-resolve", args=[vendor.pk, incident.pk])
    response = owner_client.post(url, {"resolved_at": "2000-01-01T00:00", "root_cause": ""})
    assert "resolved_at" in response.context["form"].errors
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN


def test_an_sla_target_resolving_before_responding_is_refused(owner_client, workspace):
    vendor = workspace["vendor"]
    url = reverse("governance:sla-target-create", args=[vendor.pk])
    response = owner_client.post(
        url, {"priority": "P1", "response_minutes": "60", "resolution_minutes": "30"}
    )
    errors = response.context["form"].errors
    assert "resolution_minutes" in errors and "priority" in errors  # P1 exists already
    assert SLATarget.objects.count() == 1


def test_a_duplicate_clause_or_bad_parameters_are_refused(owner_client, workspace):
    vendor = workspace["vendor"]
    response = owner_client.post(
        reverse("governance:clause-create", args=[vendor.pk]),
        {
            "clause_type": "confidentiality",
            "status": "agreed",
            "parameters": "[1, 2]",
            "evidence_url": "not a url",
        },
    )
    errors = response.context["form"].errors
    assert {"clause_type", "parameters", "evidence_url"} <= set(errors)
    assert SecurityClause.objects.count() == 1


def test_verifying_a_clause_sets_the_next_verification_a_year_later(owner_client, workspace):
    vendor, clause = workspace["vendor"], workspace["clause"]
    owner_client.post(reverse("governance:clause-verify", args=[vendor.pk, clause.pk]))
    clause.refresh_from_db()
    assert clause.status == SecurityClause.Status.VERIFIED
    assert clause.next_verification_due.year == clause.last_verified_on.year + 1


def test_a_check_in_updates_the_goal_and_a_bad_one_is_refused(owner_client, workspace):
    vendor, goal = workspace["vendor"], workspace["goal"]
    url = reverse("governance:goal-detail", args=[vendor.pk, goal.pk])
    response = owner_client.post(url, {"date": "2026-03-01", "value": "abc"})
    assert "value" in response.context["form"].errors
    owner_client.post(url, {"date": "2026-03-01", "value": "75.5", "note": "Better"})
    goal.refresh_from_db()
    assert goal.current_value == 75.5


def test_a_goal_due_before_it_starts_is_refused(owner_client, vendor):
    response = owner_client.post(
        reverse("governance:goal-create", args=[vendor.pk]),
        {
            "title": "Faster",
            "metric": "MTTR",
            "target_value": "4",
            "direction": "lower_is_better",
            "start_date": "2026-06-01",
            "due_date": "2026-01-01",
            "status": "agreed",
        },
    )
    assert "due_date" in response.context["form"].errors
    assert not vendor.goals.exists()


def test_a_new_primary_contact_replaces_the_old_one(owner_client, workspace):
    vendor = workspace["vendor"]
    owner_client.post(
        reverse("governance:contact-create", args=[vendor.pk]),
        {"name": "Paula Primary", "email": "paula@vendor.test", "is_primary": "on"},
    )
    assert vendor.contacts.get(is_primary=True).name == "Paula Primary"
    response = owner_client.post(
        reverse("governance:contact-create", args=[vendor.pk]), {"name": "", "email": "x"}
    )
    assert {"name", "email"} <= set(response.context["form"].errors)


def test_preferences_are_saved_and_bad_lead_times_change_nothing(owner_client, owner):
    url = reverse("governance:preferences")
    response = owner_client.post(
        url,
        {"time_zone": "Europe/Warsaw", "lead_review_upcoming": "7, soon", "emailed_kinds": ["x"]},
    )
    errors = response.context["form"].errors
    assert "lead_review_upcoming" in errors and "emailed_kinds" in errors
    owner.profile.refresh_from_db()
    assert owner.profile.time_zone == "UTC"
    owner_client.post(
        url,
        {
            "time_zone": "Europe/Warsaw",
            "digest_enabled": "on",
            # Every kind ticked but goals due: goals due is muted.
            "emailed_kinds": [
                kind.code for kind in registry.mutable_kinds() if kind.code != "goal_due"
            ],
            "lead_review_upcoming": "3, 14, 3",
            "lead_meeting": "2h, 1d",
        },
    )
    owner.profile.refresh_from_db()
    assert owner.profile.time_zone == "Europe/Warsaw"
    assert owner.profile.digest_enabled is True
    assert owner.profile.muted_kinds == ["goal_due"]
    assert owner.profile.lead_times == {"review_upcoming": [14, 3], "meeting": ["1d", "2h"]}


def test_preferences_ask_what_to_email_and_the_time_zone_is_typed_with_suggestions(
    owner_client, owner
):
    services.profile_update(owner.profile, muted_kinds=["meeting"])
    page = owner_client.get(reverse("governance:preferences")).content.decode()
    assert "Email me about" in page and "Reminders I do not want" not in page
    ticked = set(re.findall(r'name="emailed_kinds" value="([a-z_]+)"[^>]*checked', page))
    assert "meeting" not in ticked and "review_upcoming" in ticked
    assert '<select name="time_zone"' not in page
    assert 'list="time-zone-names"' in page and '<option value="America/New_York">' in page


def test_vendor_filters_search_and_sort(owner_client, owner):
    VendorFactory(name="Alpha Security", services=["security"], tier="critical", owner=owner)
    VendorFactory(name="Beta Hosting", services=["hosting"], tier="low", owner=owner)
    VendorFactory(name="Gamma Hosting", services=["hosting", "security"], tier="high")

    def names(query):
        response = owner_client.get(reverse("governance:vendor-list") + query)
        return [v.name for v in response.context["page"].object_list]

    assert names("?service=security") == ["Alpha Security", "Gamma Hosting"]
    assert names("?q=hosting&sort=tier") == ["Gamma Hosting", "Beta Hosting"]
    assert names(f"?owner={owner.pk}&tier=low") == ["Beta Hosting"]
    assert names("?tier=nonsense") == ["Alpha Security", "Beta Hosting", "Gamma Hosting"]


def test_the_vendor_list_shows_the_rows_per_page_asked_for(owner_client, owner):
    VendorFactory.create_batch(30, owner=owner)
    url = reverse("governance:vendor-list")

    default = owner_client.get(url + "?tier=high")
    assert len(default.context["page"].object_list) == 25
    assert default.context["form"]["per_page"].value() == "25"
    ten = owner_client.get(url + "?per_page=10&page=3")
    assert len(ten.context["page"].object_list) == 10
    assert ten.context["page"].number == 3
    assert 'href="?per_page=10&amp;page=2"' in ten.content.decode()
    # A length not on offer is a form error: the list falls back to the default.
    odd = owner_client.get(url + "?per_page=7")
    assert "per_page" in odd.context["form"].errors
    assert len(odd.context["page"].object_list) == 25


def test_the_vendor_list_answers_htmx_with_just_the_results(owner_client, vendor):
    response = owner_client.get(
        reverse("governance:vendor-list") + "?q=acme", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "Acme Hosting" in html and "<html" not in html


def test_a_custom_rule_that_never_produces_a_meeting_is_refused(owner_client, vendor):
    response = owner_client.post(
        reverse("governance:meeting-create", args=[vendor.pk]),
        meeting_data(repeat="custom", rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"),
    )
    assert "never produces" in str(response.context["form"].errors["rrule"])
    assert not Meeting.objects.exists()
