"""A clause "in force" means one thing: the database filter and the per-clause test agree."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.models import SecurityClause
from tests.factories import ClauseFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 15)


@settings(max_examples=40, deadline=None)
@given(
    status=st.sampled_from(SecurityClause.Status.values),
    expires_in=st.one_of(st.none(), st.integers(min_value=-3, max_value=3)),
)
def test_the_filter_and_the_clause_agree_on_what_is_in_force(status, expires_in):
    expires_on = None if expires_in is None else DAY + dt.timedelta(days=expires_in)
    clause = ClauseFactory(status=status, expires_on=expires_on)

    selected = SecurityClause.objects.filter(SecurityClause.in_force_on(DAY), pk=clause.pk)

    assert selected.exists() == clause.is_in_force(DAY)
    # What a person would say: agreed or verified, and not expired before that day.
    expected = status in ("agreed", "verified") and (expires_on is None or expires_on >= DAY)
    assert clause.is_in_force(DAY) == expected
