"""What a vendor representative does in the portal reaches the inbox, as one activity
recorded with the change; what our own people do does not."""

import pytest
from django.urls import reverse

from governance.models import AgendaProposal, Review, VendorActivity

pytestmark = pytest.mark.django_db


def new_activities(before):
    return list(VendorActivity.objects.exclude(pk__in=before).order_by("pk"))


@pytest.fixture
def before(world):
    return set(VendorActivity.objects.values_list("pk", flat=True))


def recorded(before, kind, world):
    (activity,) = new_activities(before)
    assert activity.kind == kind
    assert activity.actor == world.people["rep"]
    assert activity.vendor == world.own.vendor
    return activity


def test_an_acknowledgement_with_a_comment_is_recorded(world, portal, before):
    review = world.own.review

    response = portal.post(
        reverse("governance:portal:review-detail", args=[review.pk]),
        {"response": "acknowledge", "comment": "Fair, thanks."},
    )

    assert response.status_code == 302
    activity = recorded(before, "review_acknowledged", world)
    assert (activity.review, activity.comment) == (review, "Fair, thanks.")
    review.refresh_from_db()
    assert review.dispute_status == ""


def test_a_dispute_opens_the_dispute_and_is_recorded(world, portal, before):
    review = world.own.review

    response = portal.post(
        reverse("governance:portal:review-detail", args=[review.pk]),
        {"response": "dispute", "comment": "We dispute the innovation score."},
    )

    assert response.status_code == 302
    activity = recorded(before, "review_disputed", world)
    assert activity.review == review
    assert activity.comment == "We dispute the innovation score."
    review.refresh_from_db()
    assert review.dispute_status == Review.DisputeStatus.OPEN
    assert review.vendor_comment == "We dispute the innovation score."
    page = portal.get(reverse("governance:portal:review-detail", args=[review.pk]))
    assert "waiting for the manager" in page.content.decode()


def test_a_dispute_without_a_reason_is_refused_and_records_nothing(world, portal, before):
    review = world.own.review

    response = portal.post(
        reverse("governance:portal:review-detail", args=[review.pk]),
        {"response": "dispute", "comment": "  "},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["comment"] == ["Say what you dispute and why."]
    assert new_activities(before) == []
    review.refresh_from_db()
    assert (review.vendor_acknowledged_at, review.dispute_status) == (None, "")


def test_a_hostile_answer_choice_is_a_form_error(world, portal, before):
    response = portal.post(
        reverse("governance:portal:review-detail", args=[world.own.review.pk]),
        {"response": "obliterate", "comment": "x"},
    )

    assert response.status_code == 200
    assert "response" in response.context["form"].errors
    assert new_activities(before) == []


def test_an_agenda_proposal_is_recorded_with_its_meeting(world, portal, before):
    meeting = world.own.meeting

    response = portal.post(
        reverse("governance:portal:meeting-detail", args=[meeting.pk]), {"text": "Roadmap Q3"}
    )

    assert response.status_code == 302
    activity = recorded(before, "agenda_proposed", world)
    assert activity.proposal == AgendaProposal.objects.get(text="Roadmap Q3")
    assert (activity.meeting, activity.comment) == (meeting, "Roadmap Q3")


@pytest.mark.parametrize(
    ("decision", "comment", "kind"),
    [
        ("approve", "", "minutes_approved"),
        ("changes", "Item 2 was agreed differently.", "minutes_changes_requested"),
    ],
)
def test_a_minutes_sign_off_is_recorded(world, portal, before, decision, comment, kind):
    occurrence = world.own.occurrence

    response = portal.post(
        reverse("governance:portal:minutes-sign-off", args=[occurrence.meeting_id, occurrence.pk]),
        {"decision": decision, "minutes_comment": comment},
    )

    assert response.status_code == 302
    activity = recorded(before, kind, world)
    assert (activity.occurrence, activity.meeting) == (occurrence, world.own.meeting)
    assert activity.comment == comment


def test_a_goal_check_in_is_recorded_with_its_value(world, portal, before):
    goal = world.own.goal

    response = portal.post(
        reverse("governance:portal:goal-detail", args=[goal.pk]),
        {"date": "2026-03-01", "value": "75", "note": "Patching caught up"},
    )

    assert response.status_code == 302
    activity = recorded(before, "goal_check_in", world)
    assert activity.goal == goal
    assert "75" in activity.comment
    assert "Patching caught up" in activity.comment


def test_a_security_incident_report_is_recorded(world, portal, before):
    response = portal.post(
        reverse("governance:portal:incident-report"),
        {
            "title": "Mailbox takeover",
            "priority": "P2",
            "detected_at": "2026-03-10T09:00",
            "notified_by": "Rita Rep",
        },
    )

    assert response.status_code == 302
    activity = recorded(before, "incident_reported", world)
    assert activity.incident.title == "Mailbox takeover"
    assert activity.comment == "Mailbox takeover"


def test_acknowledging_and_resolving_an_incident_are_recorded(world, portal, before):
    incident = world.own.incident

    portal.post(reverse("governance:portal:incident-acknowledge", args=[incident.pk]))
    portal.post(
        reverse("governance:portal:incident-resolve", args=[incident.pk]),
        {"root_cause": "A full disk"},
    )

    activities = new_activities(before)
    assert [(a.kind, a.incident, a.comment) for a in activities] == [
        ("incident_updated", incident, "Acknowledged."),
        ("incident_updated", incident, "Resolved: A full disk"),
    ]


def test_an_action_item_update_is_recorded(world, portal, before):
    item = world.own.action_item

    response = portal.post(
        reverse("governance:portal:action-item-status", args=[item.pk]), {"status": "in_progress"}
    )

    assert response.status_code == 302
    activity = recorded(before, "action_item_updated", world)
    assert (activity.action_item, activity.comment) == (item, "Now in progress.")


def test_what_our_own_people_do_is_not_in_the_inbox(world, web, api, before):
    own = world.own
    vendor = own.vendor.pk
    web.post(f"/vendors/{vendor}/goals/{own.goal.pk}/", {"date": "2026-03-01", "value": "75"})
    web.post(f"/vendors/{vendor}/incidents/{own.incident.pk}/acknowledge/")
    web.post(f"/action-items/{own.follow_up.pk}/status/", {"status": "done"})
    api.post(
        "/api/v1/agenda-proposals/", {"meeting": own.meeting.pk, "text": "Ours"}, format="json"
    )
    api.post(f"/api/v1/goals/{own.goal.pk}/check-ins/", {"date": "2026-03-02", "value": "76"})
    api.post(
        "/api/v1/incidents/",
        {"vendor": vendor, "title": "Disk full", "opened_at": "2026-03-10T10:00:00Z"},
        format="json",
    )

    assert own.goal.check_ins.count() == 3
    assert AgendaProposal.objects.filter(text="Ours").exists()
    assert new_activities(before) == []


def test_an_activity_is_gone_with_the_change_when_the_service_refuses(world, portal, before):
    """Recorded in the change's transaction: a refused sign-off (nothing shared) leaves none."""
    occurrence = world.own.occurrence
    portal.post(
        reverse("governance:portal:minutes-sign-off", args=[occurrence.meeting_id, occurrence.pk]),
        {"decision": "approve"},
    )
    count = VendorActivity.objects.count()

    again = portal.post(
        reverse("governance:portal:minutes-sign-off", args=[occurrence.meeting_id, occurrence.pk]),
        {"decision": "changes", "minutes_comment": "Too late"},
    )

    assert again.status_code == 200
    assert VendorActivity.objects.count() == count
