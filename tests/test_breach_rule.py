"""An SLA target breached means one thing: the database filter and the per-incident test agree."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.models import Incident
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

OPENED = dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC)
NOW = OPENED + dt.timedelta(hours=10)
hours = st.one_of(st.none(), st.integers(min_value=0, max_value=20))


@settings(max_examples=40, deadline=None)
@given(due_in=hours, resolved_in=hours)
def test_the_filter_and_the_incident_agree_on_a_breached_resolution_target(due_in, resolved_in):
    incident = IncidentFactory(
        opened_at=OPENED,
        resolution_due_at=None if due_in is None else OPENED + dt.timedelta(hours=due_in),
        resolved_at=None if resolved_in is None else OPENED + dt.timedelta(hours=resolved_in),
    )
    breached = Incident.target_breached("resolution_due_at", "resolved_at", NOW)
    met = Incident.target_met("resolution_due_at", "resolved_at")
    rows = Incident.objects.filter(pk=incident.pk)

    assert rows.filter(breached).exists() == incident.resolution_breached_at(NOW)
    # Met and breached never both; a target still running is neither.
    assert not rows.filter(breached).filter(met).exists()
    if due_in is not None and resolved_in is not None:
        assert rows.filter(met).exists() == (resolved_in <= due_in)
