"""The portal's incident list (with the vendor's clocks) and its statements page run a fixed
number of queries, however many records the vendor has."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from governance import services
from governance.models import CreditStatement, Incident, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
PAGES = {"/portal/incidents/": 14, "/portal/credits/": 10, "/portal/incidents/new/": 8}


@pytest.fixture
def rep_client(vendor):
    rep = UserFactory(username="rep")
    services.user_role_set(rep, role=Role.VENDOR_REP, vendor=vendor)
    client = Client()
    client.force_login(rep)
    return client


def add_records(vendor, start, stop):
    Incident.objects.bulk_create(
        Incident(
            vendor=vendor,
            title=f"Incident {n}",
            category=Incident.Category.SECURITY if n % 2 else Incident.Category.SERVICE,
            opened_at=NOW - dt.timedelta(hours=n),
            detected_at=NOW - dt.timedelta(hours=n + 1) if n % 2 else None,
            personal_data_affected=bool(n % 2),
        )
        for n in range(start, stop)
    )
    CreditStatement.objects.bulk_create(
        CreditStatement(
            vendor=vendor,
            month=dt.date(2000 + n // 12, 1 + n % 12, 1),
            credit_due=Decimal("12.50"),
            status=CreditStatement.Status.DUE,
            breaches_by_priority={"P1": 1},
        )
        for n in range(start, stop)
    )


@time_machine.travel(NOW, tick=False)
def test_the_portal_pages_cost_the_same_with_3_and_100_records(
    rep_client, vendor, django_assert_max_num_queries
):
    add_records(vendor, 0, 3)
    few = {}
    for url, limit in PAGES.items():
        with django_assert_max_num_queries(limit) as captured:
            assert rep_client.get(url).status_code == 200
        few[url] = len(captured.captured_queries)
    add_records(vendor, 3, 100)
    for url, limit in PAGES.items():
        with django_assert_max_num_queries(limit) as captured:
            assert rep_client.get(url).status_code == 200
        assert len(captured.captured_queries) == few[url], url
