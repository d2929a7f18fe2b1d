"""Every page renders for a signed-in user; anonymous visitors are sent to the login page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def page_urls(w):
    v = w["vendor"].pk
    return [
        reverse("governance:dashboard"),
        reverse("governance:vendor-list"),
        reverse("governance:vendor-create"),
        reverse("governance:vendor-detail", args=[v]),
        reverse("governance:vendor-edit", args=[v]),
        reverse("governance:vendor-delete", args=[v]),
        reverse("governance:vendor-scorecard", args=[v]),
        reverse("governance:goal-list", args=[v]),
        reverse("governance:goal-create", args=[v]),
        reverse("governance:goal-detail", args=[v, w["goal"].pk]),
        reverse("governance:goal-edit", args=[v, w["goal"].pk]),
        reverse("governance:review-list", args=[v]),
        reverse("governance:review-create", args=[v]),
        reverse("governance:review-detail", args=[v, w["review"].pk]),
        reverse("governance:review-edit", args=[v, w["next_review"].pk]),
        reverse("governance:meeting-list", args=[v]),
        reverse("governance:meeting-create", args=[v]),
        reverse("governance:meeting-detail", args=[v, w["meeting"].pk]),
        reverse("governance:meeting-edit", args=[v, w["meeting"].pk]),
        reverse("governance:meeting-ics", args=[v, w["meeting"].pk]),
        reverse("governance:incident-list", args=[v]),
        reverse("governance:incident-create", args=[v]),
        reverse("governance:incident-edit", args=[v, w["incident"].pk]),
        reverse("governance:incident-resolve", args=[v, w["incident"].pk]),
        reverse("governance:sla-target-create", args=[v]),
        reverse("governance:sla-target-edit", args=[v, w["target"].pk]),
        reverse("governance:clause-list", args=[v]),
        reverse("governance:clause-create", args=[v]),
        reverse("governance:clause-edit", args=[v, w["clause"].pk]),
        reverse("governance:contact-list", args=[v]),
        reverse("governance:contact-create", args=[v]),
        reverse("governance:contact-edit", args=[v, w["contact"].pk]),
        reverse("governance:reminder-list", args=[v]),
        reverse("governance:preferences"),
        reverse("password_change"),
    ]


def test_every_page_renders_for_a_signed_in_user(owner_client, workspace):
    for url in page_urls(workspace):
        response = owner_client.get(url)
        assert response.status_code == 200, url


def test_every_page_sends_anonymous_visitors_to_the_login_page(client, workspace):
    for url in page_urls(workspace)[:-1]:  # password_change is Django's own, same rule
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


def test_actions_also_require_login(client, workspace):
    v = workspace["vendor"].pk
    for url in [
        reverse("governance:review-complete", args=[v, workspace["next_review"].pk]),
        reverse("governance:incident-acknowledge", args=[v, workspace["incident"].pk]),
        reverse("governance:clause-verify", args=[v, workspace["clause"].pk]),
        reverse("governance:calendar-token-regenerate"),
    ]:
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_auth_pages_render_for_anonymous_visitors(client):
    for name in ["login", "password_reset", "password_reset_done", "password_reset_complete"]:
        assert client.get(reverse(name)).status_code == 200, name


def test_logging_in_lands_on_the_dashboard(client, owner):
    response = client.post(
        "/accounts/login/",
        {"username": "owner", "password": "correct-horse-battery"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/"
    assert b"Portfolio" in response.content


def test_a_wrong_password_shows_an_error(client, owner):
    response = client.post("/accounts/login/", {"username": "owner", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_logout_is_a_post_and_ends_the_session(owner_client):
    response = owner_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert owner_client.get("/").status_code == 302


def test_password_reset_sends_a_link_by_email(client, owner, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "owner@example.com"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body
    assert mailoutbox[0].subject == "Reset your vendor governance password"


def test_an_unknown_vendor_is_a_404(owner_client, vendor):
    assert owner_client.get(reverse("governance:vendor-detail", args=[999999])).status_code == 404


def test_a_record_of_another_vendor_is_a_404(owner_client, workspace, owner):
    from tests.factories import VendorFactory

    other = VendorFactory(owner=owner)
    url = reverse("governance:goal-detail", args=[other.pk, workspace["goal"].pk])
    assert owner_client.get(url).status_code == 404


def test_the_health_check_needs_no_login_and_answers_json(client, db):
    response = client.get("/healthz")
    assert response.status_code in (200, 503)
    assert response.json()["database"] == "ok"


def test_the_workspace_shows_every_section(owner_client, workspace):
    response = owner_client.get(workspace["vendor"].get_absolute_url())
    html = response.content.decode()
    for anchor in ["overview", "goals", "reviews", "meetings", "incidents", "clauses"]:
        assert f'id="{anchor}"' in html
    assert "Vera Vendor" in html
    assert "SMTP 451 try again later" in html  # the failed reminder and its last error
    assert "Weekly operations sync" in html
    assert "3.50" in html  # the completed review's overall score


def test_pages_load_only_assets_served_by_the_app(owner_client, workspace):
    html = owner_client.get(workspace["vendor"].get_absolute_url()).content.decode()
    for marker in ['src="http', 'href="http', "//cdn", 'src="//', 'href="//']:
        # External links (evidence) are allowed; scripts and stylesheets are not.
        for line in html.splitlines():
            if marker in line and ("<script" in line or "<link" in line):
                pytest.fail(f"external asset: {line.strip()}")
    assert "/static/django_htmx/htmx" in html
    assert "/static/governance/app.css" in html
