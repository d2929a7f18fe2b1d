"""Defects a morning's walkthrough found (issue 17), each held by a test that failed before."""

import re

import pytest
from django.urls import reverse

from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def _options(html, name):
    select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', html, re.S)
    return re.findall(r'<option value="([^"]*)"[^>]*>\s*([^<]*?)\s*</option>', select[1])


def test_the_incident_status_filter_offers_each_choice_once_and_each_one_filters(
    owner_client, vendor
):
    fresh = IncidentFactory(vendor=vendor, title="Fresh outage", status="open")
    seen = IncidentFactory(vendor=vendor, title="Seen outage", status="acknowledged")
    IncidentFactory(vendor=vendor, title="Fixed outage", status="resolved")
    url = reverse("governance:incident-list", args=[vendor.pk])
    options = _options(owner_client.get(url).content.decode(), "status")
    values, labels = zip(*options, strict=True)
    assert len(set(values)) == len(values) and len(set(labels)) == len(labels)

    def titles(status):
        html = owner_client.get(url, {"status": status}).content.decode()
        return {t for t in ("Fresh outage", "Seen outage", "Fixed outage") if t in html}

    assert titles("open") == {fresh.title, seen.title}  # not resolved, as the dashboard links
    assert titles("new") == {fresh.title}
    assert titles("acknowledged") == {seen.title}
    assert titles("resolved") == {"Fixed outage"}
