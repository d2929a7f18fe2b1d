"""JSON values typed into forms: deep, huge or control-laden ones get a message, not a 500.

The API's parser is covered in tests/security; these are the form doors (the workspace's
clause form and the admin), which parse JSON text themselves.
"""

import pytest
from django.test import Client
from django.urls import reverse

from governance.domain.bounds import JSON_MAX_CHARACTERS
from governance.models import SecurityClause
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DEEP_LIST = "[" * 3000 + "]" * 3000
DEEP_OBJECT = '{"a":' * 3000 + "1" + "}" * 3000
NESTED_PAST_THE_LIMIT = '{"a":' * 11 + "1" + "}" * 11
HUGE = '{"text": "' + "x" * (JSON_MAX_CHARACTERS + 1) + '"}'
CONTROL = '{"note": "line\\u0000break"}'


@pytest.fixture
def browser(owner):
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    return client


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        (DEEP_LIST, "nests too deeply"),
        (DEEP_OBJECT, "nests too deeply"),
        (NESTED_PAST_THE_LIMIT, "more than 10 levels"),
        (HUGE, "longer than"),
        (CONTROL, "control characters"),
    ],
)
def test_the_clause_form_refuses_json_a_page_cannot_hold(browser, vendor, parameters, message):
    response = browser.post(
        reverse("governance:clause-create", args=[vendor.pk]),
        {"clause_type": "breach_notification", "status": "agreed", "parameters": parameters},
    )

    assert response.status_code == 200
    assert message in str(response.context["form"].errors["parameters"])
    assert not SecurityClause.objects.exists()


@pytest.mark.parametrize(("parameters", "message"), [(DEEP_LIST, "nests too deeply")])
def test_the_admin_refuses_json_a_page_cannot_hold(vendor, parameters, message):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client(raise_request_exception=False)
    client.force_login(admin)

    response = client.post(
        reverse("admin:governance_securityclause_add"),
        {
            "vendor": vendor.pk,
            "clause_type": "breach_notification",
            "status": "agreed",
            "parameters": parameters,
        },
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SecurityClause.objects.exists()


def test_a_reasonable_parameter_object_is_kept(browser, vendor):
    browser.post(
        reverse("governance:clause-create", args=[vendor.pk]),
        {
            "clause_type": "breach_notification",
            "status": "agreed",
            "parameters": '{"notification_hours": 24, "notify": ["security@example.com"]}',
        },
    )

    clause = SecurityClause.objects.get()
    assert clause.parameters["notification_hours"] == 24
