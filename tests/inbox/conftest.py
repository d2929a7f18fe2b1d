import pytest
from django.test import Client

from tests.api.conftest import client_for
from tests.world import _fresh_throttle_counts, _frozen_time  # noqa: F401 (fixtures)
from tests.world import world as world


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def portal(world):
    """The own vendor's representative, in the portal."""
    return signed_in(world.people["rep"])


@pytest.fixture
def web(world):
    """The own vendor's owner, in the internal UI."""
    return signed_in(world.people["owner"])


@pytest.fixture
def api(world):
    """The own vendor's owner, through the API."""
    return client_for(world.people["owner"])
