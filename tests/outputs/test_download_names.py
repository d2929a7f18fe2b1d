"""Download names from a vendor's name: one RFC 6266 header every browser reads the same."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance import services
from governance.models import SecurityClause
from tests.factories import ContactFactory, MeetingFactory, VendorFactory
from tests.outputs.conftest import download_name

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC)

# name -> the stem of its downloads: quotes and path separators go, accents stay.
NAMES = {
    'Zürich "Ops" Sp. z o.o.': "zürich-ops-sp.-z-o.o.",
    'Acme, Inc.; "Ops"': "acme,-inc.;-ops",
    "Łódź Serwis": "łódź-serwis",
}


@pytest.fixture(params=list(NAMES))
def named_vendor(request, owner):
    return VendorFactory(name=request.param, owner=owner)


def test_a_section_csv_is_named_after_the_vendor(owner_client, named_vendor):
    ContactFactory(vendor=named_vendor)
    url = reverse("governance:contact-list", args=[named_vendor.pk]) + "?export=csv"

    with time_machine.travel(TODAY, tick=False):
        response = owner_client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; ")
    assert download_name(response) == f"{NAMES[named_vendor.name]}-contacts-2026-05-04.csv"


def test_a_meeting_ics_is_named_after_the_vendor(owner_client, named_vendor):
    meeting = MeetingFactory(vendor=named_vendor)
    url = reverse("governance:meeting-ics", args=[named_vendor.pk, meeting.pk])

    response = owner_client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; ")
    assert download_name(response) == f"{NAMES[named_vendor.name]}-meeting-{meeting.pk}.ics"


def test_a_vendor_calendar_feed_is_named_after_the_vendor(client, owner, named_vendor):
    MeetingFactory(vendor=named_vendor)
    token = services.profile_for(owner).calendar_token

    response = client.get(reverse("governance:vendor-feed", args=[token, named_vendor.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline; ")
    assert download_name(response) == f"{NAMES[named_vendor.name]}-meetings.ics"


def test_the_users_calendar_feed_and_the_list_exports_keep_their_names(owner_client, owner):
    token = services.profile_for(owner).calendar_token

    feed = owner_client.get(reverse("governance:user-feed", args=[token]))
    vendors = owner_client.get(reverse("governance:vendor-list") + "?export=csv")

    assert download_name(feed) == "meetings.ics"
    assert download_name(vendors) == "vendors.csv"


def test_the_evidence_download_has_an_rfc_6266_name(owner_client, vendor):
    clause = services.clause_save(
        SecurityClause(
            vendor=vendor,
            clause_type="confidentiality",
            requirement="Keep it secret.",
            status="agreed",
            evidence_file=SimpleUploadedFile("Umowa o poufność.pdf", b"%PDF-1.7 signed"),
        )
    )

    response = owner_client.get(reverse("governance:clause-evidence", args=[vendor.pk, clause.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; ")
    # Stored under a generated name, served under the one it was uploaded with.
    assert clause.evidence_file.name.rsplit("/", 1)[-1] != "Umowa o poufność.pdf"
    assert download_name(response) == "Umowa o poufność.pdf"
