"""The portal's forms state no rules either: what the domain refuses is an error on the form,
and nothing is stored. Proved with a rule that only the domain states (a model's ``clean()``
made to refuse) on every form of the portal."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance.models import AgendaProposal, GoalCheckIn, Incident, Review

pytestmark = pytest.mark.django_db

REFUSED = "Refused by a rule that only the domain states."

# (form, model written, its field the rule refuses, the form's field for it, path, data)
DOORS = [
    (
        "check-in",
        GoalCheckIn,
        "value",
        "value",
        lambda own: reverse("governance:portal:goal-detail", args=[own.goal.pk]),
        {"date": "2026-03-09", "value": "77"},
    ),
    (
        "acknowledgement",
        Review,
        "vendor_comment",
        "comment",
        lambda own: reverse("governance:portal:review-detail", args=[own.review.pk]),
        {"comment": "We accept the outcome."},
    ),
    (
        "agenda proposal",
        AgendaProposal,
        "text",
        "text",
        lambda own: reverse("governance:portal:meeting-detail", args=[own.meeting.pk]),
        {"text": "Capacity for Q3"},
    ),
    (
        "resolution",
        Incident,
        "root_cause",
        "root_cause",
        lambda own: reverse("governance:portal:incident-resolve", args=[own.incident.pk]),
        {"root_cause": "A bad config push"},
    ),
]


def stored(model):
    return list(model.objects.order_by("pk").values())


def refuse(monkeypatch, model, error):
    def clean(self):
        raise error

    monkeypatch.setattr(model, "clean", clean)


@pytest.mark.parametrize(
    ("model", "field", "form_field", "path", "data"),
    [door[1:] for door in DOORS],
    ids=[door[0] for door in DOORS],
)
def test_a_rule_only_the_domain_states_is_a_field_error_on_the_portal_form(
    world, portal, monkeypatch, model, field, form_field, path, data
):
    refuse(monkeypatch, model, ValidationError({field: REFUSED}))
    before = stored(model)

    response = portal.post(path(world.own), data)

    assert response.status_code == 200
    assert response.context["form"].errors[form_field] == [REFUSED]
    assert REFUSED in response.content.decode()
    assert stored(model) == before


@pytest.mark.parametrize(
    ("model", "path", "data"),
    [(door[1], door[4], door[5]) for door in DOORS],
    ids=[door[0] for door in DOORS],
)
def test_a_rule_of_the_whole_record_is_an_error_of_the_whole_portal_form(
    world, portal, monkeypatch, model, path, data
):
    refuse(monkeypatch, model, ValidationError(REFUSED))
    before = stored(model)

    response = portal.post(path(world.own), data)

    assert response.context["form"].non_field_errors() == [REFUSED]
    assert stored(model) == before


@pytest.mark.parametrize(
    ("path", "data"), [door[4:] for door in DOORS], ids=[door[0] for door in DOORS]
)
def test_without_the_rule_the_same_portal_posts_are_saved(world, portal, path, data):
    response = portal.post(path(world.own), data)

    assert response.status_code == 302


def test_a_check_in_outside_the_dates_kept_is_refused_in_the_portal(world, portal):
    """The date window is the model's rule (its date fields): the portal form shows it."""
    goal = world.own.goal
    before = stored(GoalCheckIn)

    response = portal.post(
        reverse("governance:portal:goal-detail", args=[goal.pk]),
        {"date": "1800-01-01", "value": "1"},
    )

    assert "date" in response.context["form"].errors
    assert stored(GoalCheckIn) == before


@pytest.mark.parametrize(
    ("model", "form_field", "path"),
    [
        (Review, "comment", DOORS[1][4]),
        (AgendaProposal, "text", DOORS[2][4]),
    ],
    ids=["acknowledgement", "agenda proposal"],
)
def test_what_a_representative_writes_is_at_most_4000_characters(
    world, portal, model, form_field, path
):
    before = stored(model)

    response = portal.post(path(world.own), {form_field: "x" * 4001})

    assert response.context["form"].errors[form_field] == ["Use at most 4000 characters."]
    assert stored(model) == before
    assert portal.post(path(world.own), {form_field: "x" * 4000}).status_code == 302
