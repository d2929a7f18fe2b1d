"""Goals in the admin: check-ins set the goal's current value."""

import datetime as dt
from decimal import Decimal

import pytest

from governance import services
from governance.models import Goal
from tests.admin.helpers import admin_url
from tests.factories import GoalFactory, VendorFactory

pytestmark = pytest.mark.django_db


def _goal_form(goal, **overrides):
    data = {
        "vendor": goal.vendor_id,
        "title": goal.title,
        "description": "",
        "metric": goal.metric,
        "unit": "%",
        "baseline": "60",
        "target_value": "80",
        "direction": "higher_is_better",
        "owner": "",
        "vendor_owner": "",
        "start_date": "2026-01-01",
        "due_date": "2026-12-31",
        "status": "on_track",
        "check_ins-TOTAL_FORMS": "0",
        "check_ins-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_a_check_in_added_in_the_admin_sets_the_goals_current_value(admin_client, admin_user):
    goal = GoalFactory(vendor=VendorFactory(owner=admin_user))
    data = _goal_form(
        goal,
        **{
            "check_ins-TOTAL_FORMS": "2",
            "check_ins-0-date": "2026-02-01",
            "check_ins-0-value": "66",
            "check_ins-1-date": "2026-03-01",
            "check_ins-1-value": "71.5",
        },
    )

    response = admin_client.post(admin_url(Goal, "change", goal.pk), data)

    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.current_value == Decimal("71.5")
    assert set(goal.check_ins.values_list("author", flat=True)) == {admin_user.pk}


def test_deleting_the_latest_check_in_in_the_admin_falls_back_to_the_one_before(
    admin_client, admin_user
):
    goal = GoalFactory(vendor=VendorFactory(owner=admin_user))
    services.goal_check_in_add(goal=goal, date=dt.date(2026, 2, 1), value=66)
    latest = services.goal_check_in_add(goal=goal, date=dt.date(2026, 3, 1), value=71)
    data = _goal_form(
        goal,
        **{
            "check_ins-TOTAL_FORMS": "1",
            "check_ins-INITIAL_FORMS": "1",
            "check_ins-0-id": str(latest.pk),
            "check_ins-0-goal": str(goal.pk),
            "check_ins-0-date": "2026-03-01",
            "check_ins-0-value": "71",
            "check_ins-0-DELETE": "on",
        },
    )

    response = admin_client.post(admin_url(Goal, "change", goal.pk), data)

    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.current_value == Decimal("66")
