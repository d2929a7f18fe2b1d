"""The portfolio lists and the clause-gap matrix run the same number of queries at 2 and 30
vendors (issue 17), and no input a person can type into their address bar makes them fail."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import SecurityClause
from tests.web.test_query_counts import NOW, TODAY, add_vendors

pytestmark = pytest.mark.django_db

# The most queries each page may run: session, user, profile, a savepoint and its release,
# the rows' count and page, and the scope saved when it changes (one UPDATE).
PAGES = {
    "/incidents/?scope=all": 7,
    "/incidents/?scope=mine&status=open&breach=1&sort=-priority": 8,
    "/reviews/?scope=team&due=soon": 8,
    "/clauses/?scope=all&expiring=60&sort=vendor": 8,
    "/goals/?scope=all&status=at_risk&due_within=30": 8,
    # Instead of one list: the required clause types, the totals (vendors per tier, clauses
    # per tier and type), the vendors' count and page, and the page's clauses. With "All"
    # the totals' cache key reads the latest clause and vendor history ids (two more), and
    # a kept total saves the two grouped queries.
    "/clauses/gaps/?scope=all": 13,
    "/clauses/gaps/?scope=mine&gaps=on&tier=high": 12,
    # No count; the CSV of the matrix reads 500 vendors and their clauses at a time.
    "/incidents/?scope=all&format=csv": 7,
    "/clauses/gaps/?scope=all&format=csv": 10,
}


def add_clauses(vendors):
    """Clauses of three more types on every vendor: in force, expiring this month, expired."""
    SecurityClause.objects.bulk_create(
        SecurityClause(vendor=vendor, clause_type=kind, status="agreed", expires_on=expires)
        for vendor in vendors
        for kind, expires in (
            ("iso27001", None),
            ("data_protection", TODAY + dt.timedelta(days=10)),
            ("encryption", TODAY - dt.timedelta(days=10)),
        )
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@time_machine.travel(NOW, tick=False)
def test_every_portfolio_page_costs_the_same_at_2_and_30_vendors(
    owner_client, owner, django_assert_max_num_queries
):
    add_clauses(add_vendors(owner, 0, 2))
    small = {url: queries(owner_client, url) for url in PAGES}
    add_clauses(add_vendors(owner, 2, 30))

    for url, limit in PAGES.items():
        with django_assert_max_num_queries(limit):
            big = queries(owner_client, url)
        assert big <= small[url], url
    assert owner_client.get("/incidents/?scope=all").context["count"] == 30
    assert owner_client.get("/clauses/gaps/?scope=all").context["count"] == 30


# --- hostile input -------------------------------------------------------------------------

HOSTILE = [
    "page=99999999999999999999999",
    "page=-1",
    "page=0",
    "page=abc",
    "page=1e9",
    "expiring=abc",
    "expiring=99999999999999999999",
    "expiring=-5",
    "due_within=1.5",
    "due_within=-999999999999",
    "due=yesterday",
    "vendor=99999999999999999999999",
    "vendor=-1",
    "vendor=abc",
    "vendor_name=" + "x" * 5000,
    "vendor_name=%25%27%22%3C",
    "scope=root",
    "scope=",
    "sort=" + "-" * 400,
    "sort=vendor__owner__password",
    "status=%E2%80%AE",
    "tier=ultra",
    "priority=P9",
    "category[]=security",
    "breach=maybe",
    "gaps=%F0%9F%92%A5",
    "type=iso27001&type=soc2",
    "format=xml",
    "export=csv&page=99999999",
]


@pytest.mark.parametrize("path", ["/incidents/", "/reviews/", "/clauses/", "/goals/"])
@time_machine.travel(NOW, tick=False)
def test_hostile_query_strings_never_fail_a_list(owner_client, owner, path):
    add_vendors(owner, 0, 2)

    for query in HOSTILE:
        response = owner_client.get(f"{path}?{query}")
        assert response.status_code == 200, query


@time_machine.travel(NOW, tick=False)
def test_hostile_query_strings_never_fail_the_gap_matrix(owner_client, owner):
    add_vendors(owner, 0, 2)

    for query in HOSTILE:
        assert owner_client.get(f"/clauses/gaps/?{query}").status_code == 200, query


@pytest.mark.parametrize("query", ["sort=%00", "vendor_name=a%01b", "scope=mine%0d%0a"])
def test_control_characters_are_a_bad_request_not_an_error(owner_client, query):
    for path in ("/incidents/", "/clauses/gaps/"):
        assert owner_client.get(f"{path}?{query}").status_code == 400


@time_machine.travel(NOW, tick=False)
def test_a_bad_day_count_says_so_beside_its_field_and_the_rest_still_applies(owner_client, owner):
    add_vendors(owner, 0, 2)

    response = owner_client.get("/goals/?due_within=soon&status=at_risk")

    assert response.context["count"] == 2
    assert "Enter a whole number." in response.content.decode()
