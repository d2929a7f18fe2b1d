import pytest
import time_machine
from django.test import Client

from tests.world import NOW, build


@pytest.fixture(autouse=True)
def _frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(owner, member, vendor):
    return build(owner, member, vendor)


@pytest.fixture
def portal(world):
    """The own vendor's representative, signed in."""
    client = Client()
    client.force_login(world.people["rep"])
    return client
