"""Brute-force protection, throttling, security headers and evidence upload checks."""

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from governance.domain.uploads import evidence_upload_to, validate_evidence
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3):
        yield


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_login_form_locks_out_after_repeated_failures_then_cools_off(client, axes_on):
    UserFactory(username="alice")
    with time_machine.travel(START, tick=False):
        for _ in range(2):
            assert login(client, "alice", "wrong").status_code == 200
        # The third failure locks the pair out; then even the right password is refused.
        assert login(client, "alice", "wrong").status_code == 429
        locked = login(client, "alice", PASSWORD)
        assert locked.status_code == 429
        assert b"Too many failed attempts" in locked.content
        assert "_auth_user_id" not in client.session
    with time_machine.travel(START + dt.timedelta(minutes=16), tick=False):
        assert login(client, "alice", PASSWORD).status_code == 302


def test_a_lockout_is_per_username(client, axes_on):
    UserFactory(username="alice")
    UserFactory(username="bob")
    for _ in range(3):
        login(client, "alice", "wrong")
    assert login(client, "bob", PASSWORD).status_code == 302


def test_the_token_endpoint_locks_out_after_repeated_failures(client, axes_on):
    UserFactory(username="alice")
    url = reverse("api:token")
    codes = [
        client.post(url, {"username": "alice", "password": "wrong"}, "application/json").status_code
        for _ in range(3)
    ]
    assert codes == [400, 400, 429]
    locked = client.post(url, {"username": "alice", "password": PASSWORD}, "application/json")
    assert locked.status_code == 429
    assert locked.json() == {"detail": "Too many failed login attempts; try again later."}


def test_api_requests_are_throttled_per_user(client, monkeypatch):
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "user": "3/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client.force_login(UserFactory())
    codes = [client.get("/api/v1/vendors/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_pages_carry_the_security_headers(client):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_api_docs_run_without_inline_scripts(client):
    client.force_login(UserFactory())
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html
    assert client.get("/api/docs/?script").status_code == 200


def _docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("iso-certificate.pdf", b"%PDF-1.7\n..."),
        ("audit.png", b"\x89PNG\r\n\x1a\n...."),
        ("dpa.docx", _docx()),
        ("controls.csv", "control,status\nA.5.1,ok\nZażółć,ok\n".encode()),
    ],
)
def test_evidence_of_an_accepted_type_is_accepted(name, content):
    validate_evidence(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("payload.exe", b"MZ\x90\x00", "file_type"),
        ("report.html", b"<html></html>", "file_type"),
        ("renamed.pdf", b"MZ\x90\x00 not a pdf", "file_content"),
        ("page.txt", b"<!DOCTYPE html><script>alert(1)</script>", "file_content"),
        ("fake.docx", b"PK\x03\x04 truncated", "file_content"),
        ("binary.csv", b"a,b\x00\x01", "file_content"),
    ],
)
def test_evidence_of_another_type_or_content_is_refused(name, content, code):
    with pytest.raises(ValidationError) as refused:
        validate_evidence(SimpleUploadedFile(name, content))
    assert refused.value.code == code


@override_settings(GOVERNANCE_EVIDENCE_MAX_MB=1)
def test_evidence_larger_than_the_limit_is_refused():
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        validate_evidence(big)
    assert refused.value.code == "file_size"


def test_evidence_is_stored_under_a_generated_name():
    first = evidence_upload_to(None, "../../etc/Passwords Q3.PDF")
    second = evidence_upload_to(None, "../../etc/Passwords Q3.PDF")
    assert first.startswith("evidence/")
    assert first.endswith(".pdf")
    assert "Passwords" not in first and ".." not in first
    assert first != second
