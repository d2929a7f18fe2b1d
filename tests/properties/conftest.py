import pytest
import time_machine
from django.core.cache import cache

from tests.access.world import NOW, build


@pytest.fixture(autouse=True)
def _frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(owner, member, vendor):
    """Two vendors with one of everything and a person in every role (tests/access/world)."""
    return build(owner, member, vendor)
