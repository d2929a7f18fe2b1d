"""The roles in detail: what each one sees, hands over, assigns, and where the lines are."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from governance import services
from governance.domain import access
from governance.models import Role, Vendor
from tests.api.conftest import client_for
from tests.factories import VendorFactory

pytestmark = pytest.mark.django_db

WRITE_CONTROLS = ["Edit vendor", "New goal", "Log a review", "Schedule a meeting", "Add a clause"]


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def workspace(world, role):
    url = reverse("governance:vendor-detail", args=[world.own.vendor.pk])
    return signed_in(world.people[role]).get(url).content.decode()


@pytest.mark.parametrize(
    ("role", "editable"),
    [
        ("owner", True),
        ("assigned", True),
        ("admin", True),
        ("member", False),
        ("viewer", False),
        ("auditor", False),
    ],
)
def test_write_controls_show_only_to_those_who_may_use_them(world, role, editable):
    html = workspace(world, role)
    incident_edit = reverse(
        "governance:incident-edit", args=[world.own.vendor.pk, world.own.incident.pk]
    )

    shown = [control for control in WRITE_CONTROLS if control in html]
    assert shown == (WRITE_CONTROLS if editable else [])
    assert (">Acknowledge</button>" in html) is editable
    # The incident's title opens its read-only page for all; its edit button, for editors.
    incident_page = world.own.incident.get_absolute_url()
    assert incident_page in html
    page = signed_in(world.people[role]).get(incident_page).content.decode()
    assert (incident_edit in page) is editable
    # Every internal role reads the internal notes; nobody outside does (see the portal tests).
    assert "INTERNAL-NOTE" in html


def test_the_history_link_shows_to_the_roles_that_may_read_it(world):
    history = reverse("governance:vendor-history", args=[world.own.vendor.pk])

    assert history in workspace(world, "auditor")
    assert history not in workspace(world, "viewer")


def test_read_only_users_follow_dashboard_links_to_the_workspace_not_to_edit_pages(world):
    edit = reverse("governance:incident-edit", args=[world.own.vendor.pk, world.own.incident.pk])

    viewer = signed_in(world.people["viewer"]).get("/").content.decode()
    owner = signed_in(world.people["owner"]).get("/").content.decode()

    assert edit not in viewer
    assert world.own.incident.get_absolute_url() in viewer
    assert edit in owner
    assert "New vendor" in owner and "New vendor" not in viewer


def test_the_owner_assigns_a_manager_who_may_then_edit_the_vendor(world):
    vendor, member = world.own.vendor, world.people["member"]
    new_goal = reverse("governance:goal-create", args=[vendor.pk])
    assert signed_in(member).get(new_goal).status_code == 403

    form = signed_in(world.people["owner"]).get(reverse("governance:vendor-edit", args=[vendor.pk]))
    data = {
        name: value
        for name, value in form.context["form"].initial.items()
        if value is not None and name not in ("managers", "services")
    }
    data.update(
        services=vendor.services,
        managers=[world.people["assigned"].pk, member.pk],
        owner=world.people["owner"].pk,
    )
    saved = signed_in(world.people["owner"]).post(
        reverse("governance:vendor-edit", args=[vendor.pk]), data
    )

    assert saved.status_code == 302, saved.context["form"].errors
    assert set(vendor.managers.all()) == {world.people["assigned"], member}
    assert signed_in(member).get(new_goal).status_code == 200


def test_an_assigned_manager_edits_but_cannot_hand_the_vendor_over(world):
    vendor, assigned = world.own.vendor, world.people["assigned"]
    edit = reverse("governance:vendor-edit", args=[vendor.pk])

    page = signed_in(assigned).get(edit)
    api = client_for(assigned)
    handed = api.patch(f"/api/v1/vendors/{vendor.pk}/", {"owner": assigned.pk}, format="json")
    assigned_more = api.put(
        f"/api/v1/vendors/{vendor.pk}/managers/", {"managers": [assigned.pk]}, format="json"
    )
    renamed = api.patch(f"/api/v1/vendors/{vendor.pk}/", {"notes": "Ours too"}, format="json")

    assert page.status_code == 200
    assert page.context["form"].fields["owner"].disabled
    assert "Delete this vendor" not in page.content.decode()
    assert (handed.status_code, assigned_more.status_code) == (403, 403)
    assert renamed.status_code == 200
    vendor.refresh_from_db()
    assert vendor.owner == world.people["owner"]


def test_only_managers_and_administrators_can_own_or_be_assigned_to_a_vendor(world):
    api = client_for(world.people["owner"])
    viewer, rep = world.people["viewer"], world.people["rep"]

    owned_by_viewer = api.post(
        "/api/v1/vendors/",
        {"name": "Viewer's", "services": ["hosting"], "owner": viewer.pk},
        format="json",
    )
    rep_assigned = api.put(
        f"/api/v1/vendors/{world.own.vendor.pk}/managers/", {"managers": [rep.pk]}, format="json"
    )
    form = signed_in(world.people["owner"]).get(reverse("governance:vendor-create"))

    assert owned_by_viewer.status_code == 400 and "owner" in owned_by_viewer.json()
    assert rep_assigned.status_code == 400 and "managers" in rep_assigned.json()
    choices = set(form.context["form"].fields["owner"].queryset)
    assert world.people["assigned"] in choices
    assert viewer not in choices and rep not in choices
    assert not Vendor.objects.filter(name="Viewer's").exists()


def test_action_items_go_to_internal_users_or_this_vendors_representatives(world):
    api = client_for(world.people["owner"])

    def review_with_item_for(user):
        return api.post(
            "/api/v1/reviews/",
            {
                "vendor": world.own.vendor.pk,
                "period_start": "2025-01-01",
                "period_end": "2025-03-31",
                "scheduled_for": "2025-04-15",
                "action_items": [{"description": "Send the DR report", "owner": user.pk}],
            },
            format="json",
        )

    foreign = review_with_item_for(world.people["other_rep"])
    own = review_with_item_for(world.people["rep"])
    goal_for_rep = api.patch(
        f"/api/v1/goals/{world.own.goal.pk}/", {"owner": world.people["rep"].pk}, format="json"
    )

    assert foreign.status_code == 400
    assert foreign.json()["action_items"] == [
        {"owner": ["Choose an internal user or a representative of this item's vendor."]}
    ]
    assert own.status_code == 201
    assert goal_for_rep.status_code == 400 and "owner" in goal_for_rep.json()


def test_a_role_change_keeps_vendors_owned_and_ends_assignments(world):
    owner, assigned, rep = world.people["owner"], world.people["assigned"], world.people["rep"]

    with pytest.raises(ValidationError, match="owns 1 vendor"):
        services.user_role_set(owner, role=Role.VIEWER)
    services.user_role_set(assigned, role=Role.AUDITOR)
    with pytest.raises(ValidationError):
        services.user_role_set(rep, role=Role.VENDOR_REP, vendor=None)

    assert access.role_of(owner) == Role.MANAGER
    assert not world.own.vendor.managers.filter(pk=assigned.pk).exists()
    rep.refresh_from_db()
    assert access.portal_vendor(rep) == world.own.vendor


def test_the_admin_is_for_administrators_only(world):
    staff_manager = world.people["member"]
    staff_manager.is_staff = True
    staff_manager.save()
    change = reverse("admin:governance_vendor_change", args=[world.own.vendor.pk])

    refused = signed_in(staff_manager).get(change)
    administrator = signed_in(world.people["admin"]).get(change)

    assert refused.status_code == 302 and refused["Location"].startswith("/admin/login/")
    assert administrator.status_code == 200
    assert "Administration" not in signed_in(staff_manager).get("/").content.decode()
    assert "Administration" in signed_in(world.people["admin"]).get("/").content.decode()


def test_an_administrator_makes_a_user_a_vendor_representative_in_the_admin(world):
    viewer = world.people["viewer"]
    profile = access.profile_of(viewer)
    browser = signed_in(world.people["admin"])
    url = reverse("admin:auth_user_change", args=[viewer.pk])
    data = {
        "username": viewer.username,
        "email": viewer.email,
        "is_active": "on",
        "date_joined_0": "2026-03-10",
        "date_joined_1": "12:00:00",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": profile.pk,
        "profile-0-user": viewer.pk,
        "profile-0-time_zone": "Europe/Warsaw",
        "profile-0-muted_kinds": "[]",
        "profile-0-lead_times": "{}",
        "profile-0-role": Role.VENDOR_REP,
    }

    without_vendor = browser.post(url, data)
    with_vendor = browser.post(url, {**data, "profile-0-vendor": world.other.vendor.pk})

    assert without_vendor.status_code == 200
    # The model's rule, in its own words: the admin's form only maps the fields.
    assert "A vendor representative belongs to exactly one" in without_vendor.content.decode()
    assert with_vendor.status_code == 302
    viewer = type(viewer).objects.get(pk=viewer.pk)
    assert access.portal_vendor(viewer) == world.other.vendor
    assert access.profile_of(viewer).time_zone == "Europe/Warsaw"


def test_vendors_owned_by_other_managers_are_read_not_edited(world):
    other_vendor = VendorFactory(name="Elsewhere", owner=world.people["member"])
    api = client_for(world.people["owner"])

    read = api.get(f"/api/v1/vendors/{other_vendor.pk}/")
    changed = api.patch(f"/api/v1/vendors/{other_vendor.pk}/", {"notes": "x"}, format="json")

    assert (read.status_code, changed.status_code) == (200, 403)


def test_evidence_documents_are_served_only_through_the_checked_view(world):
    clause = world.own.clause
    body = client_for(world.people["viewer"]).get(f"/api/v1/clauses/{clause.pk}/").json()
    download = reverse("governance:clause-evidence", args=[clause.vendor_id, clause.pk])

    assert body["evidence_file"] == f"http://testserver{download}"
    assert clause.evidence_file.name not in str(body)
    served = signed_in(world.people["viewer"]).get(download)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"%PDF-1.4 signed NDA"
    assert signed_in(world.people["rep"]).get(download).status_code == 403
    assert Client().get(download).status_code == 302
