import datetime as dt

import pytest
import time_machine

# Everything the tests build happens at this moment; the changes under test come later
# (``at(minutes)`` in the tests), so "newest first" is the order they were made in.
BUILT_AT = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_time():
    with time_machine.travel(BUILT_AT, tick=False):
        yield
