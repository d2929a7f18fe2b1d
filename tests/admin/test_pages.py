"""Every admin page renders, lists stay bounded, the domain's rules reach the admin's forms and
a write the services refuse is a message."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from governance import services
from governance.models import (
    ActionItem,
    Contact,
    CreditPolicy,
    CreditStatement,
    Decision,
    Goal,
    Incident,
    MeetingOccurrence,
    Reminder,
    Review,
    SecurityClause,
    SLATarget,
    Snooze,
    UserProfile,
    Vendor,
    VendorActivity,
    WebhookDelivery,
    WebhookSubscription,
)
from tests.admin.helpers import admin_url, messages_of, portfolio, vendor_form
from tests.factories import VendorFactory
from tests.properties.doors import form_data, page_forms

pytestmark = pytest.mark.django_db

# Ours, and the user admin that carries the profile inline.
REGISTERED = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_label == "governance" or model is get_user_model()
    ),
    key=lambda model: model._meta.label,
)
# The ones with a change form (the reminder outbox, the inbox's activities and the webhook
# delivery log are read-only, a decision is not edited).
CHANGEABLE = [
    model
    for model in REGISTERED
    if model not in (Reminder, Snooze, Decision, VendorActivity, WebhookDelivery)
]
# Session, user, profile, transaction, count(s), the page, filter choices: not the row count.
CHANGELIST_MAX_QUERIES = 14


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_admin_page_renders_with_data_present(admin_client, admin_user, rf, model):
    portfolio(2, admin_user)
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    request = rf.get("/")
    request.user = admin_user
    if admin.site._registry[model].has_add_permission(request):
        assert admin_client.get(admin_url(model, "add")).status_code == 200
    obj = model.objects.order_by("pk").first()
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("vendors", [3, 30])
@pytest.mark.parametrize(
    "model",
    [
        Vendor,
        Contact,
        Review,
        ActionItem,
        Goal,
        Incident,
        SecurityClause,
        Reminder,
        CreditPolicy,
        CreditStatement,
        MeetingOccurrence,
        Decision,
        VendorActivity,
        WebhookSubscription,
        WebhookDelivery,
    ],
    ids=lambda model: model._meta.label,
)
def test_a_changelist_runs_a_bounded_number_of_queries(
    admin_client, admin_user, django_assert_max_num_queries, model, vendors
):
    portfolio(vendors, admin_user)
    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES):
        response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == vendors


# --- the rules are the domain's --------------------------------------------------------------

RULE = "Refused by a rule only the model states."


def _stored():
    """Every row of the app and its history, as stored: what a refused form must not change."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("governance").get_models()
    } | {"users": list(get_user_model().objects.order_by("pk").values())}


def _refuse_in_clean(monkeypatch, model, field):
    def clean(self):
        raise ValidationError({field: RULE})

    monkeypatch.setattr(model, "clean", clean)


@pytest.mark.parametrize("model", CHANGEABLE, ids=lambda model: model._meta.label)
def test_a_rule_added_only_to_the_model_stops_the_admins_change_form(
    admin_client, admin_user, monkeypatch, model
):
    """The admin's forms only map fields: a rule the model's ``clean()`` gains tomorrow is
    the admin's too, shown on its field, with nothing stored."""
    portfolio(1, admin_user)
    obj = model.objects.order_by("pk").first()
    url = admin_url(model, "change", obj.pk)
    page = admin_client.get(url)
    data = form_data(page_forms(page))
    form = page.context["adminform"].form
    model_fields = {f.name for f in model._meta.get_fields()}
    field = next(name for name in form.fields if name in model_fields)
    before = _stored()

    with monkeypatch.context() as patch:
        _refuse_in_clean(patch, model, field)
        refused = admin_client.post(url, data)

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors[field] == [RULE]
    assert _stored() == before
    # The same form, without the rule, is saved: the rule alone stopped it.
    assert admin_client.post(url, data).status_code == 302


def test_a_rule_added_only_to_the_model_stops_the_admins_add_form(
    admin_client, admin_user, monkeypatch
):
    vendor = VendorFactory(owner=admin_user)
    data = {
        "vendor": vendor.pk,
        "title": "Cut the MTTR",
        "metric": "MTTR",
        "target_value": "4",
        "direction": "lower_is_better",
        "start_date": "2026-01-01",
        "due_date": "2026-12-31",
        "status": "agreed",
        "check_ins-TOTAL_FORMS": "0",
        "check_ins-INITIAL_FORMS": "0",
    }
    _refuse_in_clean(monkeypatch, Goal, "metric")

    response = admin_client.post(admin_url(Goal, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["metric"] == [RULE]
    assert not Goal.objects.exists()


def test_a_rule_added_only_to_the_model_stops_the_admins_inline_rows(
    admin_client, admin_user, monkeypatch
):
    """The profile, edited inline on the user's page: its model's rules stop the page."""
    portfolio(1, admin_user)
    url = admin_url(get_user_model(), "change", admin_user.pk)
    data = form_data(page_forms(admin_client.get(url)))
    data["profile-0-time_zone"] = "Europe/Warsaw"
    _refuse_in_clean(monkeypatch, UserProfile, "time_zone")

    response = admin_client.post(url, data)

    assert response.status_code == 200
    [profiles] = [inline.formset for inline in response.context["inline_admin_formsets"]]
    assert profiles.forms[0].errors["time_zone"] == [RULE]
    assert UserProfile.objects.get(user=admin_user).time_zone == "UTC"


# --- what the services refuse ----------------------------------------------------------------


def test_a_write_the_services_refuse_is_a_message_in_the_admin_not_a_500(
    admin_client, admin_user, monkeypatch
):
    """The form checks the fields; a rule across records (or a concurrent change) can still
    refuse the write in the service: the admin says why and changes nothing."""

    def refuse(*args, **kwargs):
        raise ValidationError("Refused by the rules: try again after the renewal.")

    monkeypatch.setattr(services, "vendor_create", refuse)

    response = admin_client.post(admin_url(Vendor, "add"), vendor_form(admin_user), follow=True)

    assert response.status_code == 200
    assert "Refused by the rules" in response.content.decode()
    assert not Vendor.objects.filter(name="Bluepeak Networks GmbH").exists()
    assert not SLATarget.objects.exists()


def test_a_row_the_services_refuse_in_a_bulk_delete_is_named_and_the_others_go(
    admin_client, admin_user, monkeypatch
):
    portfolio(2, admin_user)
    kept, deleted = Goal.objects.order_by("pk")

    def delete_all_but_the_first(goal):
        if goal.pk == kept.pk:
            raise ValidationError("This goal is quoted in the contract.")
        services.record_delete(goal)

    goals = admin.site._registry[Goal]
    monkeypatch.setattr(goals, "writes", goals.writes._replace(delete=delete_all_but_the_first))

    response = admin_client.post(
        admin_url(Goal, "changelist"),
        {"action": "delete_selected", "post": "yes", "_selected_action": [kept.pk, deleted.pk]},
        follow=True,
    )

    assert f"{kept}: This goal is quoted in the contract." in messages_of(response)
    assert list(Goal.objects.all()) == [kept]
