"""Every door is driven: a new form, API write or admin model must join ``doors.DOORS``."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.properties.doors import DOORS

pytestmark = pytest.mark.django_db

WRITES = ("post", "put", "patch")

# Named pages of the web UI and the portal that take no POST (nothing to drive).
READ_ONLY = {
    "governance:dashboard",
    "governance:attention-list",
    "governance:vendor-list",
    "governance:vendor-detail",
    "governance:vendor-scorecard",
    "governance:vendor-history",
    "governance:goal-list",
    "governance:review-list",
    "governance:review-detail",
    "governance:meeting-list",
    "governance:meeting-detail",
    "governance:meeting-ics",
    "governance:incident-list",
    "governance:incident-detail",
    "governance:import-detail",
    "governance:import-progress",
    "governance:import-template",
    "governance:webhook-list",
    "governance:webhook-detail",
    "governance:clause-list",
    "governance:clause-evidence",
    "governance:credit-list",
    "governance:contact-list",
    "governance:reminder-list",
    "governance:action-item-list",
    "governance:portfolio-incidents",
    "governance:portfolio-reviews",
    "governance:portfolio-clauses",
    "governance:portfolio-goals",
    "governance:clause-gaps",
    "governance:snooze-list",
    "governance:inbox",
    "governance:user-feed",
    "governance:vendor-feed",
    "governance:healthz",
    "governance:portal:home",
    "governance:portal:goal-list",
    "governance:portal:review-list",
    "governance:portal:meeting-list",
    "governance:portal:incident-list",
    "governance:portal:incident-detail",
    "governance:portal:action-item-list",
    "governance:portal:credit-list",
    "governance:portal:escalation",
}


def named_routes(patterns, prefix=""):
    """(namespaced name, pattern) of every named route below ``patterns``."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            space = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from named_routes(pattern.url_patterns, space)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}", pattern


def write_methods(callback):
    """The write methods a view answers: a viewset's actions, an APIView's handlers."""
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return {method for method in actions if method in WRITES}
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return {method for method in WRITES if hasattr(view_class, method)}
    return set()


def driven(world):
    """(route name, method) of every door, as its URL resolves in ``world``."""
    routes = set()
    for door in DOORS:
        match = resolve(door.url(world).split("?")[0])
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        routes.add((name, door.method))
    return routes


def test_every_page_of_the_web_ui_and_the_portal_that_takes_a_post_is_driven(world):
    pages = {
        name
        for name, _ in named_routes(get_resolver().url_patterns)
        if name.startswith("governance:")
    }
    posted = {name for name, method in driven(world) if method == "post"}

    assert pages - READ_ONLY - posted == set()
    assert READ_ONLY & posted == set(), "a page listed as read-only is driven: unlist it"


def test_every_api_route_with_a_write_method_is_driven(world):
    routes = {
        (name, method)
        for name, pattern in named_routes(get_resolver().url_patterns)
        if name.startswith("api:")
        for method in write_methods(pattern.callback)
    }

    assert routes - driven(world) == set()


def test_every_add_and_change_form_of_the_admin_is_driven(world):
    request = RequestFactory().get("/admin/")
    request.user = world.people["admin"]
    forms = set()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "governance" and model is not get_user_model():
            continue
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if model_admin.has_add_permission(request):
            forms.add((f"{name}_add", "post"))
        if model_admin.has_change_permission(request):
            forms.add((f"{name}_change", "post"))

    assert forms - driven(world) == set()


def test_every_action_of_the_admin_is_driven(world):
    request = RequestFactory().get("/admin/")
    request.user = world.people["admin"]
    changelists = {
        (f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist", "post")
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "governance"
        and set(model_admin.get_actions(request)) - {"delete_selected"}
    }

    assert changelists - driven(world) == set()
