"""An evidence file replaced, cleared or deleted leaves storage once the change is committed,
by every door (web form, admin, API); a change rolled back keeps it."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from governance import services
from governance.models import SecurityClause

pytestmark = pytest.mark.django_db

storage = SecurityClause._meta.get_field("evidence_file").storage


def pdf(name, body):
    return SimpleUploadedFile(name, b"%PDF-1.7 " + body, content_type="application/pdf")


@pytest.fixture
def clause(vendor):
    return services.clause_save(
        SecurityClause(
            vendor=vendor,
            clause_type="confidentiality",
            requirement="Keep it secret.",
            status="agreed",
            evidence_file=pdf("signed-nda.pdf", b"old"),
        )
    )


def form_data(clause, **changes):
    return {
        "clause_type": clause.clause_type,
        "status": clause.status,
        "requirement": clause.requirement,
        "parameters": "{}",
        "evidence_url": "",
        "effective_date": "",
        "expires_on": "",
        "last_verified_on": "",
        "next_verification_due": "",
        **changes,
    }


def stored_name(clause):
    return SecurityClause.objects.values_list("evidence_file", flat=True).get(pk=clause.pk)


def test_replacing_the_evidence_in_the_form_deletes_the_old_file_once_committed(
    owner_client, vendor, clause, django_capture_on_commit_callbacks
):
    old = clause.evidence_file.name
    url = reverse("governance:clause-edit", args=[vendor.pk, clause.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url, form_data(clause, evidence_file=pdf("v2.pdf", b"new")))
        assert storage.exists(old)  # not before the change is committed

    assert response.status_code == 302
    new = stored_name(clause)
    assert new != old
    assert not storage.exists(old)
    with storage.open(new) as file:
        assert file.read() == b"%PDF-1.7 new"


def test_clearing_the_evidence_in_the_form_deletes_the_file(
    owner_client, vendor, clause, django_capture_on_commit_callbacks
):
    old = clause.evidence_file.name
    url = reverse("governance:clause-edit", args=[vendor.pk, clause.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url, form_data(clause, **{"evidence_file-clear": "on"}))

    assert response.status_code == 302
    assert stored_name(clause) == ""
    assert not storage.exists(old)


def test_saving_the_form_without_a_new_file_keeps_the_evidence(
    owner_client, vendor, clause, django_capture_on_commit_callbacks
):
    url = reverse("governance:clause-edit", args=[vendor.pk, clause.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url, form_data(clause, status="verified"))

    assert response.status_code == 302
    assert stored_name(clause) == clause.evidence_file.name
    assert storage.exists(clause.evidence_file.name)


def test_replacing_the_evidence_in_the_admin_deletes_the_old_file(
    client, admin_user, vendor, clause, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    old = clause.evidence_file.name
    url = reverse("admin:governance_securityclause_change", args=[clause.pk])
    data = form_data(clause, vendor=vendor.pk, evidence_file=pdf("v2.pdf", b"new"), _save="Save")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert stored_name(clause) not in ("", old)
    assert not storage.exists(old)


def test_deleting_a_clause_through_the_api_deletes_its_evidence(
    owner, clause, django_capture_on_commit_callbacks
):
    api = APIClient()
    api.force_authenticate(owner)
    old = clause.evidence_file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(f"/api/v1/clauses/{clause.pk}/")

    assert response.status_code == 204
    assert not SecurityClause.objects.filter(pk=clause.pk).exists()
    assert not storage.exists(old)


def test_deleting_clauses_in_the_admin_deletes_their_evidence(
    client, admin_user, clause, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    old = clause.evidence_file.name
    changelist = reverse("admin:governance_securityclause_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [clause.pk], "post": "yes"},
        )

    assert response.status_code == 302
    assert not SecurityClause.objects.filter(pk=clause.pk).exists()
    assert not storage.exists(old)


def test_a_replacement_rolled_back_keeps_the_old_file(clause, django_capture_on_commit_callbacks):
    old = clause.evidence_file.name

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        clause.evidence_file = pdf("v2.pdf", b"new")
        services.clause_save(clause)
        raise RuntimeError("a later step of the same write failed")

    assert callbacks == []
    assert stored_name(clause) == old
    assert storage.exists(old)


def test_a_refused_replacement_keeps_the_old_file(clause, django_capture_on_commit_callbacks):
    old = clause.evidence_file.name
    clause.evidence_file = pdf("v2.pdf", b"new")
    clause.effective_date, clause.expires_on = "2026-06-01", "2026-01-01"

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.clause_save(clause)

    assert stored_name(clause) == old
    assert storage.exists(old)
