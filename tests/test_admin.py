"""The operator's admin: every page renders, lists stay bounded, writes go through services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.models import (
    ActionItem,
    Contact,
    Goal,
    GoalCheckIn,
    Incident,
    Reminder,
    Review,
    ReviewScore,
    Role,
    SecurityClause,
    SLATarget,
    Vendor,
)
from tests.factories import (
    ClauseFactory,
    ContactFactory,
    GoalFactory,
    IncidentFactory,
    MeetingFactory,
    ReviewFactory,
    SLATargetFactory,
    UserFactory,
    VendorFactory,
)

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
# Session, user, profile, transaction, count(s), the page, filter choices: not the row count.
CHANGELIST_MAX_QUERIES = 14


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _portfolio(count, owner):
    """``count`` vendors, each with one row of every kind the admin lists."""
    review_type = ContentType.objects.get_for_model(Review)
    for _ in range(count):
        vendor = VendorFactory(owner=owner)
        contact = ContactFactory(vendor=vendor, is_primary=True)
        SLATargetFactory(vendor=vendor, priority="P1")
        review = ReviewFactory(vendor=vendor, reviewer=owner)
        ReviewScore.objects.create(review=review, criterion="quality", score=4)
        ActionItem.objects.create(review=review, description="Share the patch calendar")
        goal = GoalFactory(vendor=vendor, owner=owner, vendor_owner=contact)
        GoalCheckIn.objects.create(goal=goal, date=dt.date(2026, 2, 1), value=70)
        meeting = MeetingFactory(vendor=vendor)
        meeting.attendees.add(owner)
        meeting.contacts.add(contact)
        services.agenda_propose(meeting=meeting, author=owner, text="Review the patch window")
        services.incident_save(IncidentFactory.build(vendor=vendor))
        ClauseFactory(vendor=vendor)
        Reminder.objects.create(
            kind=Reminder.Kind.REVIEW_UPCOMING,
            content_type=review_type,
            object_id=review.pk,
            vendor=vendor,
            occurrence=timezone.now(),
            lead_time=dt.timedelta(days=3),
            recipient=owner,
            status=Reminder.Status.FAILED,
            attempts=5,
            last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        )


def _messages(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_admin_page_renders_with_data_present(admin_client, admin_user, rf, model):
    _portfolio(2, admin_user)
    assert admin_client.get(_url(model, "changelist")).status_code == 200
    request = rf.get("/")
    request.user = admin_user
    if admin.site._registry[model].has_add_permission(request):
        assert admin_client.get(_url(model, "add")).status_code == 200
    obj = model.objects.order_by("pk").first()
    assert admin_client.get(_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("vendors", [3, 30])
@pytest.mark.parametrize(
    "model",
    [Vendor, Contact, Review, ActionItem, Goal, Incident, SecurityClause, Reminder],
    ids=lambda model: model._meta.label,
)
def test_a_changelist_runs_a_bounded_number_of_queries(
    admin_client, admin_user, django_assert_max_num_queries, model, vendors
):
    _portfolio(vendors, admin_user)
    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES):
        response = admin_client.get(_url(model, "changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == vendors


def test_the_vendor_list_shows_the_derived_figures(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user, tier=Vendor.Tier.LOW)
    ClauseFactory(vendor=vendor, clause_type="confidentiality", status="verified")
    ClauseFactory(vendor=vendor, clause_type="data_protection", status="missing")

    response = admin_client.get(_url(Vendor, "changelist"))

    # Low tier requires two clause types, one of them in force.
    assert "50.0%" in response.content.decode()


def test_deleting_a_vendor_with_history_is_refused_with_a_message(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    ReviewFactory(vendor=vendor)
    IncidentFactory(vendor=vendor)

    response = admin_client.post(_url(Vendor, "delete", vendor.pk), {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == _url(Vendor, "change", vendor.pk)
    (message,) = _messages(response)
    assert "has history (1 reviews, 1 incidents)" in message
    assert "set its status to ended" in message
    assert Vendor.objects.filter(pk=vendor.pk).exists()


def test_the_delete_page_of_a_vendor_with_history_explains_instead(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    GoalFactory(vendor=vendor)

    response = admin_client.get(_url(Vendor, "delete", vendor.pk), follow=True)

    (message,) = _messages(response)
    assert "cannot be deleted: it has history (1 goals)" in message
    assert Vendor.objects.filter(pk=vendor.pk).exists()


def test_a_vendor_without_history_can_be_deleted(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    ContactFactory(vendor=vendor)

    response = admin_client.post(_url(Vendor, "delete", vendor.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Vendor.objects.filter(pk=vendor.pk).exists()


def _vendor_form(owner, **overrides):
    data = {
        "name": "Bluepeak Networks GmbH",
        "services": ["network_management", "security"],
        "tier": "critical",
        "status": "active",
        "owner": owner.pk,
        "notes": "",
        "contract_start": "2026-01-01",
        "contract_end": "2028-12-31",
        "renewal_notice_days": "90",
        "annual_value": "1200000",
        "currency": "EUR",
        "country": "DE",
        "time_zone": "Europe/Berlin",
        "review_cadence": "",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "sla_targets-TOTAL_FORMS": "1",
        "sla_targets-INITIAL_FORMS": "0",
        "sla_targets-0-priority": "P1",
        "sla_targets-0-response_minutes": "15",
        "sla_targets-0-resolution_minutes": "240",
    }
    data.update(overrides)
    return data


def test_adding_a_vendor_gives_it_the_cadence_of_its_tier(admin_client, admin_user):
    response = admin_client.post(_url(Vendor, "add"), _vendor_form(admin_user))

    assert response.status_code == 302
    vendor = Vendor.objects.get(name="Bluepeak Networks GmbH")
    assert vendor.review_cadence == "monthly"
    assert vendor.services == ["network_management", "security"]
    assert vendor.sla_targets.get().resolution_minutes == 240


def test_a_new_primary_contact_replaces_the_old_one(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user, name="Granite Hosting Ltd")
    old = ContactFactory(vendor=vendor, name="Old Primary", is_primary=True)
    data = _vendor_form(
        admin_user,
        name=vendor.name,
        **{
            "contacts-TOTAL_FORMS": "2",
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": str(old.pk),
            "contacts-0-vendor": str(vendor.pk),
            "contacts-0-name": "Old Primary",
            "contacts-0-email": "old@vendor.test",
            "contacts-1-vendor": str(vendor.pk),
            "contacts-1-name": "New Primary",
            "contacts-1-email": "new@vendor.test",
            "contacts-1-is_primary": "on",
            "sla_targets-TOTAL_FORMS": "0",
        },
    )

    response = admin_client.post(_url(Vendor, "change", vendor.pk), data)

    assert response.status_code == 302
    assert list(vendor.contacts.filter(is_primary=True).values_list("name", flat=True)) == [
        "New Primary"
    ]


def _review_form(vendor, scores, **overrides):
    data = {
        "vendor": vendor.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "scheduled_for": "2026-04-15",
        "status": "scheduled",
        "reviewer": "",
        "summary": "Solid quarter.",
        "scores-TOTAL_FORMS": "6",
        "scores-INITIAL_FORMS": "0",
        "action_items-TOTAL_FORMS": "1",
        "action_items-INITIAL_FORMS": "0",
        "action_items-0-description": "Publish the patch calendar",
        "action_items-0-due_date": "2026-05-15",
        "action_items-0-status": "open",
    }
    criteria = ["quality", "responsiveness", "communication", "security", "cost", "innovation"]
    for index, criterion in enumerate(criteria):
        data[f"scores-{index}-criterion"] = criterion
        data[f"scores-{index}-score"] = str(scores.get(criterion, ""))
    data.update(overrides)
    return data


def test_saving_a_review_with_scores_sets_its_overall_score(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    # Two criteria left blank: those rows are skipped, not "required".
    scores = {"quality": 4, "responsiveness": 5, "communication": 3, "security": 3}

    response = admin_client.post(_url(Review, "add"), _review_form(vendor, scores))

    assert response.status_code == 302
    review = Review.objects.get(vendor=vendor)
    assert review.scores.count() == 4
    assert review.overall_score == Decimal("3.75")
    assert review.action_items.get().description == "Publish the patch calendar"


def test_changing_a_score_in_the_admin_updates_the_overall_score(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    review = ReviewFactory(vendor=vendor)
    services.review_save(review, scores=[{"criterion": "quality", "score": 2}])
    score = review.scores.get()
    # Row 0 is the saved score; rows 1-5 the blank rows of the other criteria.
    data = _review_form(
        vendor,
        {},
        **{
            "scores-TOTAL_FORMS": "6",
            "scores-INITIAL_FORMS": "1",
            "scores-0-id": str(score.pk),
            "scores-0-review": str(review.pk),
            "scores-0-criterion": "quality",
            "scores-0-score": "5",
            "action_items-TOTAL_FORMS": "0",
        },
    )

    response = admin_client.post(_url(Review, "change", review.pk), data)

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.overall_score == Decimal("5.00")


def test_completing_a_review_in_the_form_points_to_the_action(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)

    response = admin_client.post(
        _url(Review, "add"), _review_form(vendor, {"quality": 4}, status="completed")
    )

    assert response.status_code == 200
    assert "Complete selected reviews" in str(response.context["adminform"].form.errors)
    assert not Review.objects.exists()


def test_the_complete_action_completes_and_schedules_the_next_review(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user, review_cadence="quarterly")
    review = ReviewFactory(vendor=vendor, scheduled_for=dt.date(2026, 4, 15))
    services.review_save(review, scores=[{"criterion": "quality", "score": 4}])

    response = admin_client.post(
        _url(Review, "changelist"),
        {"action": "complete_reviews", "_selected_action": [review.pk]},
        follow=True,
    )

    review.refresh_from_db()
    assert review.status == Review.Status.COMPLETED
    assert review.completed_at is not None
    following = vendor.reviews.get(status=Review.Status.SCHEDULED)
    assert following.period_start == dt.date(2026, 4, 1)
    assert "Completed 1 review(s)" in _messages(response)[0]


def test_completing_an_already_completed_review_warns_instead_of_failing(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    review = ReviewFactory(vendor=vendor)
    services.review_complete(review)

    response = admin_client.post(
        _url(Review, "changelist"),
        {"action": "complete_reviews", "_selected_action": [review.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "already completed" in _messages(response)[0]


def test_saving_an_incident_in_the_admin_derives_its_due_times(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    target = SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30)
    data = {
        "vendor": vendor.pk,
        "external_id": "INC-42",
        "title": "Core switch down",
        "description": "",
        "priority": "P1",
        "service": "network_management",
        "status": "open",
        "opened_at_0": "2026-03-02",
        "opened_at_1": "10:00:00",
        "acknowledged_at_0": "",
        "acknowledged_at_1": "",
        "resolved_at_0": "",
        "resolved_at_1": "",
        "root_cause": "",
    }

    response = admin_client.post(_url(Incident, "add"), data)

    assert response.status_code == 302
    incident = Incident.objects.get(external_id="INC-42")
    assert incident.response_due_at == incident.opened_at + dt.timedelta(minutes=30)
    assert (incident.response_due_at, incident.resolution_due_at) == services.incident_due_times(
        opened_at=incident.opened_at, target=target
    )


def test_an_incident_with_an_external_id_in_use_gets_a_form_error(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    IncidentFactory(vendor=vendor, external_id="INC-1")
    data = {
        "vendor": vendor.pk,
        "external_id": "INC-1",
        "title": "Duplicate",
        "priority": "P3",
        "status": "open",
        "opened_at_0": "2026-03-02",
        "opened_at_1": "10:00:00",
    }

    response = admin_client.post(_url(Incident, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Incident.objects.count() == 1


def test_a_check_in_added_in_the_admin_sets_the_goals_current_value(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    goal = GoalFactory(vendor=vendor)
    data = {
        "vendor": vendor.pk,
        "title": goal.title,
        "description": "",
        "metric": goal.metric,
        "unit": "%",
        "baseline": "60",
        "target_value": "80",
        "direction": "higher_is_better",
        "owner": "",
        "vendor_owner": "",
        "start_date": "2026-01-01",
        "due_date": "2026-12-31",
        "status": "on_track",
        "check_ins-TOTAL_FORMS": "2",
        "check_ins-INITIAL_FORMS": "0",
        "check_ins-0-date": "2026-02-01",
        "check_ins-0-value": "66",
        "check_ins-1-date": "2026-03-01",
        "check_ins-1-value": "71.5",
    }

    response = admin_client.post(_url(Goal, "change", goal.pk), data)

    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.current_value == Decimal("71.5")
    assert set(goal.check_ins.values_list("author", flat=True)) == {admin_user.pk}


def test_reminders_are_read_only_in_the_admin(admin_client, admin_user):
    _portfolio(1, admin_user)
    reminder = Reminder.objects.get()

    assert admin_client.get(_url(Reminder, "add")).status_code == 403
    page = admin_client.get(_url(Reminder, "change", reminder.pk))
    assert "SMTPServerDisconnected" in page.content.decode()
    assert admin_client.post(_url(Reminder, "change", reminder.pk), {}).status_code == 403
    assert (
        admin_client.post(_url(Reminder, "delete", reminder.pk), {"post": "yes"}).status_code == 403
    )


def test_retrying_failed_reminders_resets_them_to_pending(admin_client, admin_user):
    _portfolio(2, admin_user)
    failed, sent = Reminder.objects.order_by("pk")
    sent_at = timezone.now()
    Reminder.objects.filter(pk=sent.pk).update(status=Reminder.Status.SENT, sent_at=sent_at)

    admin_client.post(
        _url(Reminder, "changelist"),
        {"action": "retry_failed", "_selected_action": [failed.pk, sent.pk]},
    )

    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts) == (Reminder.Status.PENDING, 0)
    assert (sent.status, sent.sent_at) == (Reminder.Status.SENT, sent_at)


def test_staff_who_are_not_administrators_cannot_retry_reminders(client, admin_user):
    # Roles decide (governance.domain.access): staff status and Django permissions are not enough.
    _portfolio(1, admin_user)
    [failed] = Reminder.objects.all()
    viewer = UserFactory(username="viewer", is_staff=True)
    services.user_role_set(viewer, role=Role.VIEWER)
    viewer.user_permissions.add(
        *ContentType.objects.get_for_model(Reminder).permission_set.filter(codename="view_reminder")
    )
    client.force_login(viewer)

    page = client.get(_url(Reminder, "changelist"))
    retry = client.post(
        _url(Reminder, "changelist"),
        {"action": "retry_failed", "_selected_action": [failed.pk]},
    )

    assert page.status_code == 302
    assert page["Location"].startswith(reverse("admin:login"))
    assert retry.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Reminder.Status.FAILED


def test_the_user_admin_edits_the_profile_inline(admin_client, admin_user):
    services.profile_for(admin_user)
    page = admin_client.get(_url(type(admin_user), "change", admin_user.pk))

    assert "profile-0-time_zone" in page.content.decode()


def test_a_write_the_services_refuse_is_a_message_in_the_admin_not_a_500(
    admin_client, admin_user, monkeypatch
):
    """The form checks the fields; a rule across records (or a concurrent change) can still
    refuse the write in the service: the admin says why and changes nothing."""

    def refuse(*args, **kwargs):
        raise ValidationError("Refused by the rules: try again after the renewal.")

    monkeypatch.setattr(services, "vendor_create", refuse)

    response = admin_client.post(_url(Vendor, "add"), _vendor_form(admin_user), follow=True)

    assert response.status_code == 200
    assert "Refused by the rules" in response.content.decode()
    assert not Vendor.objects.filter(name="Bluepeak Networks GmbH").exists()
    assert not SLATarget.objects.exists()
