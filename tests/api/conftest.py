import pytest
from django.core.cache import cache
from knox.models import get_token_model
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """The token endpoint's throttle counts live in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


def token_for(user):
    """A new API token (the plain key, as the client would hold it) for ``user``."""
    _, key = get_token_model().objects.create(user=user)
    return key


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def api(owner):
    """The owner, calling the API with a token as an integration would."""
    return client_for(owner)


@pytest.fixture
def member_api(member):
    return client_for(member)
