"""A request body over MAX_REQUEST_BODY_MB is refused with 413 before it is read, by any door.

The declared Content-Length decides before anything reads the body; a multipart upload that
turns out longer than it declared is stopped once it passes the limit; a JSON body over
DATA_UPLOAD_MAX_MEMORY_SIZE is refused by the API's parser.
"""

import asyncio
import io
import json

import pytest
from asgiref.sync import async_to_sync
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from governance import services
from governance.models import SecurityClause, Vendor

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def owner_client(client, owner):
    services.profile_for(owner)
    client.force_login(owner)
    return client


def clause_form(evidence):
    return {
        "clause_type": "confidentiality",
        "status": "agreed",
        "evidence_file": evidence,
    }


def pdf(size, name="certificate.pdf"):
    upload = io.BytesIO(b"%PDF-1.7\n" + b"0" * (size - 9))
    upload.name = name
    return upload


def test_an_upload_declaring_200_mb_is_refused_before_its_body_is_read(owner_client, vendor):
    body = encode_multipart(BOUNDARY, clause_form(pdf(1024)))

    # The test client's payload raises if anything reads past the 1 KB actually sent.
    response = owner_client.post(
        reverse("governance:clause-create", args=[vendor.pk]),
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(200 * MB),
    )

    assert response.status_code == 413
    assert b"Too large" in response.content
    assert not SecurityClause.objects.exists()


@override_settings(MAX_REQUEST_BODY_MB=1)
def test_evidence_over_the_request_limit_gets_a_413_page_and_stores_nothing(owner_client, vendor):
    response = owner_client.post(
        reverse("governance:clause-create", args=[vendor.pk]), clause_form(pdf(2 * MB))
    )

    assert response.status_code == 413
    assert "text/html" in response["Content-Type"]
    assert not SecurityClause.objects.exists()


def test_evidence_under_the_limits_is_still_uploaded(owner_client, vendor):
    response = owner_client.post(
        reverse("governance:clause-create", args=[vendor.pk]), clause_form(pdf(3 * MB))
    )

    assert response.status_code == 302
    assert SecurityClause.objects.get().evidence_file.size == 3 * MB


def test_an_api_post_declaring_200_mb_is_refused_in_json(api):
    response = api.post(
        "/api/v1/vendors/",
        json.dumps({"name": "Big Vendor", "services": ["hosting"]}),
        content_type="application/json",
        CONTENT_LENGTH=str(200 * MB),
    )

    assert response.status_code == 413
    assert "11 MB" in response.json()["detail"]
    assert not Vendor.objects.filter(name="Big Vendor").exists()


def test_an_api_json_body_over_the_data_limit_is_a_413(api):
    notes = "x" * (3 * MB)

    response = api.post(
        "/api/v1/vendors/",
        {"name": "Wordy Vendor", "services": ["hosting"], "notes": notes},
        format="json",
    )

    assert response.status_code == 413
    assert not Vendor.objects.filter(name="Wordy Vendor").exists()


def test_form_fields_over_the_data_limit_are_a_413(owner_client, vendor):
    response = owner_client.post(
        reverse("governance:vendor-edit", args=[vendor.pk]),
        {"name": vendor.name, "notes": "x" * (3 * MB)},
    )

    assert response.status_code == 413


def _asgi_post(path, body, *, declared_length, cookie):
    """POST through Django's ASGI handler, which hands the app the whole body it received
    whatever Content-Length declared; returns the response status."""
    chunks = [body[start : start + 64 * 1024] for start in range(0, len(body), 64 * 1024)]
    sent = []

    async def receive():
        if chunks:
            return {"type": "http.request", "body": chunks.pop(0), "more_body": bool(chunks)}
        await asyncio.Future()  # the client stays connected

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", MULTIPART_CONTENT.encode()),
            (b"content-length", str(declared_length).encode()),
            (b"cookie", cookie.encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    # As Django's own test clients do: the test's database connection must outlive the request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        async_to_sync(ASGIHandler())(scope, receive, send)
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


@override_settings(MAX_REQUEST_BODY_MB=1)
def test_an_upload_longer_than_it_declared_is_stopped_at_the_limit(owner_client, vendor):
    body = encode_multipart(BOUNDARY, clause_form(pdf(3 * MB)))
    cookie = f"sessionid={owner_client.cookies['sessionid'].value}"

    status = _asgi_post(
        reverse("governance:clause-create", args=[vendor.pk]),
        body,
        declared_length=64 * 1024,
        cookie=cookie,
    )

    assert status == 413
    assert not SecurityClause.objects.exists()
