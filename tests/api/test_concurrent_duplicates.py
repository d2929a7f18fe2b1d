"""Two clients create the same thing at the same moment: one wins, the other gets a 409 that
names the rule it broke, never the database's own error text.

Both requests pass validation before either has committed (a barrier holds them just before
the insert), so the database's unique constraint decides, as it does in production.
"""

import threading

import pytest
from django.db import connection

from governance import services
from governance.models import SLATarget, Vendor
from governance.services import saving
from tests.api.conftest import client_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(monkeypatch, send):
    """Run ``send()`` in two threads that both reach the insert before either commits."""
    barrier = threading.Barrier(2, timeout=10)
    real_save = saving.validated_save
    holding = threading.local()

    def save_after_barrier(instance, **kwargs):
        if not getattr(holding, "passed", False):
            holding.passed = True
            instance.full_clean(exclude=kwargs.get("exclude"))
            barrier.wait()
        return real_save(instance, **kwargs)

    for module in (saving, *vars(services).values()):
        if getattr(module, "validated_save", None) is real_save:
            monkeypatch.setattr(module, "validated_save", save_after_barrier)
    responses = []

    def run():
        try:
            responses.append(send())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(responses, key=lambda response: response.status_code)


def test_two_identical_sla_targets_at_once_give_one_target_and_a_409(monkeypatch, owner, vendor):
    payload = {
        "vendor": vendor.pk,
        "priority": "P1",
        "response_minutes": 30,
        "resolution_minutes": 240,
    }

    responses = race(
        monkeypatch,
        lambda: client_for(owner).post("/api/v1/sla-targets/", payload, format="json"),
    )

    assert [response.status_code for response in responses] == [201, 409]
    body = str(responses[1].json())
    assert "already has a target for this priority" in body
    assert "duplicate key" not in body and "DETAIL" not in body
    assert SLATarget.objects.filter(vendor=vendor).count() == 1


def test_two_vendors_with_one_name_at_once_give_one_vendor_and_a_409(monkeypatch, owner):
    responses = race(
        monkeypatch,
        lambda: client_for(owner).post("/api/v1/vendors/", {"name": "Twin Ltd"}, format="json"),
    )

    assert [response.status_code for response in responses] == [201, 409]
    assert "already exists" in str(responses[1].json()["name"])
    assert Vendor.objects.filter(name="Twin Ltd").count() == 1
