"""The forms state no rules: what the domain refuses (a model's validators, ``clean()`` and
constraints, run by the services) comes back as an error on the form, and nothing is stored.

The doors are proved with a rule that exists only in the domain: a model's ``clean()`` is
made to refuse, and the form that writes that model shows the refusal.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from governance.domain import access
from governance.models import (
    ActionItem,
    Contact,
    Goal,
    GoalCheckIn,
    Incident,
    Meeting,
    Review,
    ReviewScore,
    SecurityClause,
    SLATarget,
    UserProfile,
    Vendor,
)
from tests.factories import ReviewFactory
from tests.properties.doors import form_data, page_forms

pytestmark = pytest.mark.django_db

REFUSED = "Refused by a rule that only the domain states."
MINUTE = dt.timedelta(minutes=1)


@dataclass
class Door:
    """A page whose form writes ``model``; ``field`` is the model field the rule refuses and
    ``shown_on`` the form field that shows it."""

    name: str
    model: Any
    url: Any  # workspace -> path
    field: str
    shown_on: str = ""
    change: Any = None  # what the person changes before posting (or a function of the workspace)

    @property
    def form_field(self):
        return self.shown_on or self.field


def _vendor_path(name, *record):
    return lambda w: reverse(f"governance:{name}", args=[w["vendor"].pk, *(r(w) for r in record)])


DOORS = [
    Door("vendor create", Vendor, lambda w: reverse("governance:vendor-create"), "name",
         change={"name": "Brand New Networks"}),
    Door("vendor edit", Vendor, lambda w: reverse("governance:vendor-edit", args=[w["vendor"].pk]),
         "name", change={"notes": "Changed"}),
    Door("goal create", Goal, _vendor_path("goal-create"), "title",
         change={"title": "Faster", "metric": "MTTR", "target_value": "4",
                 "due_date": "2199-12-01"}),
    Door("goal edit", Goal, _vendor_path("goal-edit", lambda w: w["goal"].pk), "title",
         change={"title": "Changed"}),
    Door("review edit", Review, _vendor_path("review-edit", lambda w: w["next_review"].pk),
         "summary", change={"summary": "Changed"}),
    Door("meeting edit", Meeting, _vendor_path("meeting-edit", lambda w: w["meeting"].pk), "title",
         change={"title": "Changed"}),
    Door("incident edit", Incident, _vendor_path("incident-edit", lambda w: w["incident"].pk),
         "title", change={"title": "Changed"}),
    Door("incident resolve", Incident,
         _vendor_path("incident-resolve", lambda w: w["incident"].pk), "resolved_at",
         change=lambda w: {"resolved_at": typed(w["incident"].opened_at + MINUTE)}),
    Door("clause edit", SecurityClause, _vendor_path("clause-edit", lambda w: w["clause"].pk),
         "requirement", change={"requirement": "Changed"}),
    Door("contact edit", Contact, _vendor_path("contact-edit", lambda w: w["contact"].pk), "name",
         change={"role": "Changed"}),
    Door("SLA target edit", SLATarget,
         _vendor_path("sla-target-edit", lambda w: w["target"].pk), "response_minutes",
         change={"response_minutes": "20"}),
    Door("goal check-in", GoalCheckIn, _vendor_path("goal-detail", lambda w: w["goal"].pk),
         "value", change={"date": "2026-03-01", "value": "80"}),
    Door("preferences", UserProfile, lambda w: reverse("governance:preferences"), "time_zone",
         change={"time_zone": "Europe/Warsaw"}),
]  # fmt: skip


def stored(model):
    """Every row of ``model`` as stored (to show that nothing changed)."""
    return list(model.objects.order_by("pk").values())


def refuse(monkeypatch, model, error):
    def clean(self):
        raise error

    monkeypatch.setattr(model, "clean", clean)


def typed(moment):
    """``moment`` as a person types it (in their time zone: UTC here)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def post_form(client, url, change):
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {**form_data(page_forms(page)), **(change or {})})


def changes(door, workspace):
    return door.change(workspace) if callable(door.change) else door.change


@pytest.mark.parametrize("door", DOORS, ids=lambda door: door.name)
def test_a_rule_only_the_domain_states_is_a_field_error_on_the_form(
    owner_client, workspace, monkeypatch, door
):
    url = door.url(workspace)
    refuse(monkeypatch, door.model, ValidationError({door.field: REFUSED}))
    before = stored(door.model)

    response = post_form(owner_client, url, changes(door, workspace))

    assert response.status_code == 200
    assert response.context["form"].errors[door.form_field] == [REFUSED]
    assert REFUSED in response.content.decode()
    assert stored(door.model) == before


@pytest.mark.parametrize("door", DOORS, ids=lambda door: door.name)
def test_a_rule_of_the_whole_record_is_an_error_of_the_whole_form(
    owner_client, workspace, monkeypatch, door
):
    refuse(monkeypatch, door.model, ValidationError(REFUSED))
    before = stored(door.model)

    response = post_form(owner_client, door.url(workspace), changes(door, workspace))

    assert response.context["form"].non_field_errors() == [REFUSED]
    assert stored(door.model) == before


def test_without_the_rule_the_same_posts_are_saved(owner_client, workspace):
    for door in DOORS:
        if door.name == "incident resolve":
            continue  # resolving changes the incident the other doors edit; tested below
        response = post_form(owner_client, door.url(workspace), changes(door, workspace))
        assert response.status_code == 302, (door.name, response.context["form"].errors)


# --- the rules that moved from the web forms into the domain --------------------------------


def tomorrow():
    return typed(timezone.now() + dt.timedelta(days=1))


def test_an_incident_resolved_in_the_future_is_refused_on_the_resolve_form(owner_client, workspace):
    vendor, incident = workspace["vendor"], workspace["incident"]
    url = reverse("governance:incident-resolve", args=[vendor.pk, incident.pk])

    response = owner_client.post(url, {"resolved_at": tomorrow(), "root_cause": ""})

    assert response.context["form"].errors["resolved_at"] == ["Cannot be in the future."]
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN and incident.resolved_at is None


def test_an_incident_resolved_in_the_future_is_refused_on_the_incident_form(
    owner_client, workspace
):
    vendor, incident = workspace["vendor"], workspace["incident"]
    url = reverse("governance:incident-edit", args=[vendor.pk, incident.pk])

    response = post_form(owner_client, url, {"status": "resolved", "resolved_at": tomorrow()})

    assert "resolved_at" in response.context["form"].errors
    incident.refresh_from_db()
    assert incident.resolved_at is None


@time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False)
def test_an_incident_opening_in_the_future_is_refused_by_the_model_too(vendor):
    opened = dt.datetime(2026, 3, 11, tzinfo=dt.UTC)
    incident = Incident(vendor=vendor, title="Down", opened_at=opened)

    with pytest.raises(ValidationError) as refused:
        incident.full_clean()

    assert "opened_at" in refused.value.error_dict


def test_a_rule_of_two_fields_shows_on_the_field_it_is_about(owner_client, workspace):
    """The contract's dates: a constraint of the model, shown beside the end date."""
    vendor = workspace["vendor"]
    url = reverse("governance:vendor-edit", args=[vendor.pk])

    response = post_form(
        owner_client, url, {"contract_start": "2027-01-01", "contract_end": "2026-01-01"}
    )

    assert response.context["form"].errors["contract_end"] == [
        "The contract cannot end before it starts."
    ]
    vendor.refresh_from_db()
    assert vendor.contract_end != dt.date(2026, 1, 1)


# --- use cases: one service, all or nothing ----------------------------------------------------


def test_a_vendor_whose_managers_are_refused_is_not_created_either(
    owner_client, owner, member, monkeypatch
):
    # The form offers the member; by the time the service asks, the member may not manage.
    monkeypatch.setattr(access, "may_manage_vendors", lambda user: user == owner)
    page = owner_client.get(reverse("governance:vendor-create"))
    data = {**form_data(page_forms(page)), "name": "Brand New Networks", "managers": [member.pk]}

    response = owner_client.post(reverse("governance:vendor-create"), data)

    assert "managers" in response.context["form"].errors
    assert not Vendor.objects.filter(name="Brand New Networks").exists()


def test_a_review_that_cannot_be_completed_is_not_saved_either(owner_client, vendor):
    """Completing schedules the next review; one past the last date kept refuses both."""
    # Its period is over, so that the window is what stops it.
    review = ReviewFactory(
        vendor=vendor,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 2, 28),
        scheduled_for=dt.date(2199, 12, 1),
    )
    url = reverse("governance:review-edit", args=[vendor.pk, review.pk])
    page = owner_client.get(url)
    data = {**form_data(page_forms(page)), "summary": "Done", "score_quality": "4"}

    response = owner_client.post(url, {**data, "complete": "1"})

    assert response.status_code == 200
    assert "the last date this application keeps" in str(response.context["form"].errors)
    review.refresh_from_db()
    assert review.status != Review.Status.COMPLETED
    assert review.summary == "" and not review.scores.exists()
    assert Review.objects.filter(vendor=vendor).count() == 1


@pytest.mark.parametrize(
    ("model", "field", "shown_on"),
    [(ActionItem, "owner", "items-0-owner"), (ReviewScore, "comment", "comment_quality")],
)
def test_what_the_domain_refuses_in_a_row_of_a_review_shows_beside_that_row(
    owner_client, workspace, monkeypatch, model, field, shown_on
):
    vendor, review = workspace["vendor"], workspace["next_review"]
    url = reverse("governance:review-edit", args=[vendor.pk, review.pk])
    refuse(monkeypatch, model, ValidationError({field: REFUSED}))
    page = owner_client.get(url)
    data = {
        **form_data(page_forms(page)),
        "score_quality": "4",
        "comment_quality": "Solid",
        "items-0-description": "Fix the runbook",
    }

    response = owner_client.post(url, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{shown_on}_errors"' in html and REFUSED in html
    assert not review.scores.exists() and not review.action_items.exists()
