"""Errors raised below the serializers still reach clients as 400/409 JSON, never a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

pytestmark = pytest.mark.django_db


def answer_when_raising(error, user):
    class Raising(APIView):
        def post(self, request):
            raise error

    request = APIRequestFactory().post("/", {}, format="json")
    force_authenticate(request, user=user)
    return Raising.as_view()(request)


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (
            ValidationError({"name": ["Taken."], "__all__": ["Dates overlap."]}),
            400,
            {"name": ["Taken."], "non_field_errors": ["Dates overlap."]},
        ),
        (ValidationError("Plain message."), 400, {"non_field_errors": ["Plain message."]}),
        (
            IntegrityError("duplicate key value violates unique constraint"),
            409,
            {"detail": "The request conflicts with a concurrent change; retry it."},
        ),
        (
            ProtectedError("protected", set()),
            409,
            {"detail": "Other records still refer to this one, so it cannot be deleted."},
        ),
        (
            DataError("value out of range"),
            400,
            {"non_field_errors": ["A value is out of the range the database holds."]},
        ),
    ],
)
def test_errors_from_services_and_the_database_become_client_errors(owner, error, status, body):
    response = answer_when_raising(error, owner)

    assert response.status_code == status
    assert response.data == body
