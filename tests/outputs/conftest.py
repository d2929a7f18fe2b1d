"""Outputs built from stored text: downloads, calendars, CSV, emails, the admin, the portal.

The rows these tests read are written with a raw UPDATE, as rows written before the models
refused control characters (or by a script) may be: every output must still work.
"""

import email.message

import pytest

from governance import services
from governance.models import Role
from tests.factories import UserFactory, VendorFactory

# Stored values no form accepts any more, but old or scripted rows may hold.
CONTROL_VALUES = [
    "Weekly\r\nsync",
    "Line\nbreak",
    "Lone\rreturn",
    "Vertical\x0btab",
    "Unit\x1fseparator",
    "Line\u2028separator",
    "Escape\x1b[31mred",
]


@pytest.fixture
def owner(db):
    """A manager who owns the vendor under test."""
    user = UserFactory(username="owner")
    services.user_role_set(user, role=Role.MANAGER)
    return user


@pytest.fixture
def admin_user(db):
    """An administrator with staff status: the one who may use the admin."""
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def vendor(owner):
    return VendorFactory(name="Acme Hosting", owner=owner)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def download_name(response):
    """The file name a browser takes from the response's Content-Disposition (RFC 6266)."""
    value = response["Content-Disposition"]
    # Anything but ASCII would be sent as latin-1 or as an encoded word browsers ignore.
    assert value.isascii(), value
    header = email.message.Message()
    header["Content-Disposition"] = value
    return header.get_filename()
