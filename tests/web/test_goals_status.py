"""A goal's status follows its check-ins (baseline, target, direction, time), one rule for
every door, list and count; its progress shows as a bar and its check-ins as a trend; a
check-in before the goal starts, or in the future, is refused."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance import selectors, services
from governance.models import Goal, GoalCheckIn
from tests.api.conftest import client_for
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db

# 1 Jul 2026: half of a goal running through 2026 is gone.
NOW = dt.datetime(2026, 7, 2, 10, tzinfo=dt.UTC)
TODAY = dt.date(2026, 7, 2)


@pytest.fixture
def api(owner):
    return client_for(owner)


def goal_of(vendor, **fields):
    """A goal from 60 to 80 (higher is better) through 2026, agreed, with no check-in."""
    values = {
        "vendor": vendor,
        "baseline": 60,
        "target_value": 80,
        "start_date": dt.date(2026, 1, 1),
        "due_date": dt.date(2026, 12, 31),
        "status": Goal.Status.AGREED,
        **fields,
    }
    return GoalFactory(**values)


def check_in(goal, day, value):
    services.goal_check_in_add(goal=goal, date=day, value=value)
    goal.refresh_from_db()
    return goal.status


# --- the rule --------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("value", "status"),
    [
        (80, "achieved"),  # the target reached
        (85, "achieved"),
        (70, "on_track"),  # half the way with half the time gone
        (69, "on_track"),  # 45%: within the ten points of tolerance
        (67, "at_risk"),  # 35%: too far behind
        (55, "at_risk"),  # the wrong way
    ],
)
def test_the_latest_check_in_decides_the_status(vendor, value, status):
    goal = goal_of(vendor)
    assert check_in(goal, TODAY, value) == status


@time_machine.travel(NOW, tick=False)
def test_lower_is_better_goals_are_judged_downwards(vendor):
    goal = goal_of(vendor, baseline=40, target_value=20, direction="lower_is_better")
    assert check_in(goal, TODAY, 31) == "on_track"
    assert check_in(goal, TODAY, 36) == "at_risk"
    assert check_in(goal, TODAY, 20) == "achieved"


@time_machine.travel(NOW, tick=False)
def test_a_goal_without_a_baseline_is_measured_from_its_first_check_in(vendor):
    goal = goal_of(vendor, baseline=None)
    assert check_in(goal, dt.date(2026, 3, 1), 50) == "on_track"  # the start: nothing owed
    # A third of the way from 50 to 80 with 40% of the time since 1 Mar gone.
    assert check_in(goal, dt.date(2026, 7, 1), 60) == "on_track"
    assert check_in(goal, dt.date(2026, 7, 2), 55) == "at_risk"


def test_a_goal_short_of_its_target_after_its_due_date_is_missed(vendor):
    goal = goal_of(vendor, due_date=dt.date(2026, 6, 30))
    with time_machine.travel(dt.datetime(2026, 6, 20, 10, tzinfo=dt.UTC), tick=False):
        assert check_in(goal, dt.date(2026, 6, 20), 79) == "on_track"
    with time_machine.travel(NOW, tick=False):
        # No write since: time alone makes it missed, by the figures' periodic refresh.
        assert services.goals_missed_refresh() == 1
    assert Goal.objects.get(pk=goal.pk).status == "missed"


@time_machine.travel(NOW, tick=False)
def test_a_status_is_typed_by_hand_until_something_is_measured_and_decisions_stay(vendor):
    goal = goal_of(vendor, status=Goal.Status.AT_RISK)
    goal.title = "Renamed"
    services.goal_save(goal)
    assert Goal.objects.get(pk=goal.pk).status == "at_risk"  # nothing measured: as typed

    assert check_in(goal, TODAY, 75) == "on_track"
    goal.status = Goal.Status.AT_RISK  # typed over a measured goal: the check-ins decide
    services.goal_save(goal)
    assert Goal.objects.get(pk=goal.pk).status == "on_track"

    goal.status = Goal.Status.DROPPED  # a decision stays
    services.goal_save(goal)
    assert check_in(goal, TODAY, 50) == "dropped"


@time_machine.travel(NOW, tick=False)
def test_changing_a_goals_numbers_or_deleting_a_check_in_moves_its_status(vendor):
    goal = goal_of(vendor)
    check_in(goal, dt.date(2026, 3, 1), 62)
    assert check_in(goal, TODAY, 80) == "achieved"

    goal.target_value = Decimal(120)
    services.goal_save(goal)
    assert Goal.objects.get(pk=goal.pk).status == "at_risk"  # a third of the way, half the time

    services.goal_check_in_delete(GoalCheckIn.objects.get(goal=goal, date=TODAY))
    goal.refresh_from_db()
    assert (goal.current_value, goal.status) == (62, "at_risk")


# --- the same status at every door, list and count -------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_check_in_by_the_web_form_and_by_the_api_moves_the_status(owner_client, api, vendor):
    by_form = goal_of(vendor, title="By form")
    by_api = goal_of(vendor, title="By API")

    owner_client.post(
        reverse("governance:goal-detail", args=[vendor.pk, by_form.pk]),
        {"date": "2026-07-01", "value": "61", "note": ""},
    )
    response = api.post(
        f"/api/v1/goals/{by_api.pk}/check-ins/", {"date": "2026-07-01", "value": "80"}
    )

    assert response.status_code == 201, response.json()
    assert Goal.objects.get(pk=by_form.pk).status == "at_risk"
    assert api.get(f"/api/v1/goals/{by_api.pk}/").json()["status"] == "achieved"
    at_risk = api.get("/api/v1/goals/", {"status": "at_risk"}).json()["results"]
    assert [goal["title"] for goal in at_risk] == ["By form"]
    dashboard = selectors.goals_at_risk([vendor], today=TODAY, days=0)
    assert [goal.title for goal in dashboard] == ["By form"]


# --- check-in dates --------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_check_in_before_the_goal_starts_is_refused_at_both_doors(owner_client, api, vendor):
    goal = goal_of(vendor, start_date=dt.date(2026, 3, 1))

    page = owner_client.post(
        reverse("governance:goal-detail", args=[vendor.pk, goal.pk]),
        {"date": "2026-02-28", "value": "70", "note": ""},
    )
    response = api.post(
        f"/api/v1/goals/{goal.pk}/check-ins/", {"date": "2026-02-28", "value": "70"}
    )

    message = "The goal starts on 1 Mar 2026; date the check-in on or after that."
    assert message in str(page.context["form"].errors["date"])
    assert response.status_code == 400
    assert response.json()["date"] == [message]
    assert not GoalCheckIn.objects.exists()
    assert Goal.objects.get(pk=goal.pk).status == "agreed"


@time_machine.travel(NOW, tick=False)
def test_a_check_in_in_the_future_is_refused_at_both_doors(owner_client, api, vendor):
    goal = goal_of(vendor)

    page = owner_client.post(
        reverse("governance:goal-detail", args=[vendor.pk, goal.pk]),
        {"date": "2026-07-10", "value": "70", "note": ""},
    )
    response = api.post(
        f"/api/v1/goals/{goal.pk}/check-ins/", {"date": "2026-07-10", "value": "70"}
    )

    assert "cannot be dated in the future" in str(page.context["form"].errors["date"])
    assert response.status_code == 400
    assert not GoalCheckIn.objects.exists()


# --- progress and trend ----------------------------------------------------------------------


def progressbars(html):
    return re.findall(r'role="progressbar"[^>]*aria-valuenow="(\d+)"', html)


@time_machine.travel(NOW, tick=False)
def test_the_goal_page_and_the_vendors_goals_show_the_progress_as_an_accessible_bar(
    owner_client, vendor
):
    goal = goal_of(vendor, title="First-call resolution")
    check_in(goal, TODAY, 70)
    goal_of(vendor, title="Beyond", baseline=10, target_value=20)
    check_in(Goal.objects.get(title="Beyond"), TODAY, 25)  # past the target: 100, not 150

    page = owner_client.get(reverse("governance:goal-detail", args=[vendor.pk, goal.pk]))
    workspace = owner_client.get(reverse("governance:vendor-detail", args=[vendor.pk]))

    assert progressbars(page.content.decode()) == ["50"]
    assert "50% of the way from baseline to target" in page.content.decode()
    assert "50% of the way to the target with 50% of the time gone" in page.content.decode()
    assert sorted(progressbars(workspace.content.decode())) == ["100", "50"]


@time_machine.travel(NOW, tick=False)
def test_a_goal_with_seven_check_ins_draws_its_trend_with_a_text_alternative(owner_client, vendor):
    goal = goal_of(vendor, baseline=30, target_value=80)
    for month, value in enumerate([40, 45, 52, 50, 60, 66, 72], start=1):
        check_in(goal, dt.date(2026, month, 1), value)

    html = owner_client.get(
        reverse("governance:goal-detail", args=[vendor.pk, goal.pk])
    ).content.decode()

    assert 'role="img" aria-label="7 check-ins, 40 to 72%, rising"' in html
    assert html.count("<polyline") == 1
    points = re.search(r'<polyline class="trend-line" points="([^"]+)"', html).group(1)
    assert len(points.split()) == 7


@time_machine.travel(NOW, tick=False)
def test_a_goal_with_one_check_in_has_no_trend(owner_client, vendor):
    goal = goal_of(vendor)
    check_in(goal, TODAY, 70)

    html = owner_client.get(
        reverse("governance:goal-detail", args=[vendor.pk, goal.pk])
    ).content.decode()

    assert "<polyline" not in html


@time_machine.travel(NOW, tick=False)
def test_the_goal_page_and_the_workspace_read_as_many_queries_for_2_or_30_check_ins(
    owner_client, vendor, django_assert_max_num_queries
):
    goal = goal_of(vendor)
    pages = [
        reverse("governance:goal-detail", args=[vendor.pk, goal.pk]),
        reverse("governance:vendor-detail", args=[vendor.pk]),
    ]

    def counts():
        found = []
        for url in pages:
            with CaptureQueriesContext(connection) as context:
                assert owner_client.get(url).status_code == 200
            found.append(len(context.captured_queries))
        return found

    for day in (1, 2):
        check_in(goal, dt.date(2026, 1, day), 60 + day)
    few = counts()
    for day in range(3, 31):
        check_in(goal, dt.date(2026, 1, day), 60 + day / 2)

    with django_assert_max_num_queries(sum(few)):
        assert counts() == few
