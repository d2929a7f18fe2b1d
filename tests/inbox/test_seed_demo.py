"""seed_demo gives the demo's inbox the representative's voice, recorded by the services."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from governance.models import Review, UserProfile, VendorActivity

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
def test_the_demo_inbox_holds_the_representatives_doings():
    call_command("seed_demo", vendors=40, stdout=StringIO())

    rep = UserProfile.objects.get(user__username="vendor.rep")
    activities = VendorActivity.objects.all()
    kinds = set(activities.values_list("kind", flat=True))
    assert {"agenda_proposed", "review_disputed", "goal_check_in"} <= kinds
    assert set(activities.values_list("actor", "vendor").distinct()) == {
        (rep.user_id, rep.vendor_id)
    }
    disputes = Review.objects.filter(vendor=rep.vendor).exclude(dispute_status="")
    assert set(disputes.values_list("dispute_status", flat=True)) >= {"open"}
    assert disputes.get(dispute_status="open").vendor_comment.startswith(
        "We dispute the innovation score"
    )
