"""The scorecard names the health figure ``health_score``, as the vendor list does."""

import datetime as dt

import pytest
import time_machine
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from governance.models import Review
from governance.services import figures
from tests.factories import GoalFactory, ReviewFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
def test_the_scorecard_and_the_vendor_list_name_the_health_figure_health_score(owner, vendor):
    ReviewFactory(
        vendor=vendor,
        status=Review.Status.COMPLETED,
        completed_at=NOW,
        overall_score=4,
        scheduled_for=dt.date(2026, 3, 31),
    )
    GoalFactory(vendor=vendor, status="on_track")
    figures.refresh([vendor.pk])
    api = APIClient()
    api.force_authenticate(owner)

    card = api.get(f"/api/v1/vendors/{vendor.pk}/scorecard/").json()
    [listed] = api.get("/api/v1/vendors/").json()["results"]

    assert card["health_score"] is not None
    assert card["health_score"] == card["health"] == listed["health_score"]


def test_the_schema_marks_the_old_name_deprecated():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    properties = schema["components"]["schemas"]["Scorecard"]["properties"]

    assert properties["health"]["deprecated"] is True
    assert "health_score" in properties["health"]["description"]
    assert "deprecated" not in properties["health_score"]
    assert "health_score" in schema["components"]["schemas"]["Scorecard"]["required"]
