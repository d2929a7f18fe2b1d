import pytest

from tests.factories import UserFactory, VendorFactory


@pytest.fixture
def owner(db):
    """A relationship owner: the IT manager who owns the vendor under test."""
    return UserFactory(username="owner")


@pytest.fixture
def member(db):
    """Another IT manager of the same department."""
    return UserFactory(username="member")


@pytest.fixture
def outsider(db):
    """A user with no relationship to the vendor under test."""
    return UserFactory(username="outsider")


@pytest.fixture
def vendor(owner):
    return VendorFactory(name="Acme Hosting", owner=owner)
