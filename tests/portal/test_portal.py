"""The vendor portal: a representative sees and does their vendor's side, nothing more."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from governance import services
from governance.models import ActionItem, AgendaProposal, Goal, GoalCheckIn, Incident
from tests.factories import GoalFactory, IncidentFactory, MeetingFactory, ReviewFactory
from tests.world import NOW, PASSWORD

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"governance:portal:{name}", args=args)


def portal_pages(records):
    return [
        url("home"),
        url("goal-list"),
        url("goal-detail", records.goal.pk),
        url("review-list"),
        url("review-detail", records.review.pk),
        url("review-detail", records.next_review.pk),
        url("meeting-list"),
        url("meeting-detail", records.meeting.pk),
        url("incident-list"),
        url("incident-detail", records.incident.pk),
        url("action-item-list"),
    ]


def test_a_representative_lands_on_the_portal_after_logging_in(world, client):
    response = client.post(reverse("login"), {"username": "rep", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == url("home")
    assert b"Acme Hosting" in response.content
    assert b"Vendor portal" in response.content


def test_the_portal_shows_the_own_vendor_only_and_never_internal_notes(world, portal):
    pages = {page: portal.get(page) for page in portal_pages(world.own)}

    assert {page: r.status_code for page, r in pages.items()} == dict.fromkeys(pages, 200)
    html = "".join(response.content.decode() for response in pages.values())
    assert "Acme Hosting goal" in html and "Acme Hosting sync" in html
    assert "Acme Hosting action" in html and "Service outage" in html
    assert "INTERNAL-NOTE" not in html
    assert "Other Networks" not in html
    # No way into the internal application from the portal's pages.
    assert 'href="/vendors/' not in html and 'href="/admin/' not in html


def test_progress_recorded_in_the_portal_updates_the_shared_goal(world, portal):
    goal = world.own.goal

    response = portal.post(
        url("goal-detail", goal.pk), {"date": "2026-03-09", "value": "77", "note": "Our figure"}
    )

    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.current_value == 77
    assert goal.check_ins.latest("date").author == world.people["rep"]


def test_bad_progress_shows_errors_and_a_closed_goal_takes_none(world, portal):
    closed = GoalFactory(vendor=world.own.vendor, status=Goal.Status.ACHIEVED)
    before = GoalCheckIn.objects.count()

    bad = portal.post(url("goal-detail", world.own.goal.pk), {"date": "soon", "value": "lots"})
    refused = portal.post(url("goal-detail", closed.pk), {"date": "2026-03-09", "value": "1"})

    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"date", "value"}
    assert refused.status_code == 403
    assert b"Record progress" not in portal.get(url("goal-detail", closed.pk)).content
    assert GoalCheckIn.objects.count() == before


def test_a_completed_review_is_acknowledged_once_with_a_comment(world, portal):
    review = world.own.review

    first = portal.post(url("review-detail", review.pk), {"comment": "  Fair outcome.  "})
    again = portal.post(url("review-detail", review.pk), {"comment": "Changed my mind"})

    assert (first.status_code, again.status_code) == (302, 403)
    review.refresh_from_db()
    assert review.vendor_acknowledged_at == NOW
    assert review.vendor_acknowledged_by == world.people["rep"]
    assert review.vendor_comment == "Fair outcome."
    owner = Client()
    owner.force_login(world.people["owner"])
    internal = owner.get(
        reverse("governance:review-detail", args=[review.vendor_id, review.pk])
    ).content.decode()
    assert "Fair outcome." in internal and "Acknowledged" in internal


def test_a_scheduled_review_shows_no_outcome_and_cannot_be_acknowledged(world, portal):
    scheduled = world.own.next_review

    page = portal.get(url("review-detail", scheduled.pk))
    refused = portal.post(url("review-detail", scheduled.pk), {"comment": "Early"})

    assert b"Its outcome appears here once it is completed" in page.content
    assert b"Acknowledge the outcome" not in page.content
    assert refused.status_code == 403
    scheduled.refresh_from_db()
    assert scheduled.vendor_acknowledged_at is None


def test_a_proposed_agenda_item_is_accepted_into_the_agenda_by_the_team(world, portal):
    meeting = world.own.meeting

    empty = portal.post(url("meeting-detail", meeting.pk), {"text": "   "})
    proposed = portal.post(url("meeting-detail", meeting.pk), {"text": "Capacity for Q3"})
    proposal = AgendaProposal.objects.get(text="Capacity for Q3")
    owner = Client()
    owner.force_login(world.people["owner"])
    internal = reverse("governance:meeting-detail", args=[meeting.vendor_id, meeting.pk])
    listed = owner.get(internal).content.decode()
    decided = owner.post(
        reverse("governance:proposal-decide", args=[meeting.vendor_id, meeting.pk, proposal.pk]),
        {"decision": "accept"},
    )

    assert empty.status_code == 200 and "text" in empty.context["form"].errors
    assert proposed.status_code == 302
    assert proposal.author == world.people["rep"]
    assert "Capacity for Q3" in listed and "Accept" in listed
    assert decided.status_code == 302
    meeting.refresh_from_db()
    proposal.refresh_from_db()
    assert meeting.agenda == "Backlog\n- Capacity for Q3"
    assert proposal.status == AgendaProposal.Status.ACCEPTED
    assert b"Accepted" in portal.get(url("meeting-detail", meeting.pk)).content


def test_acknowledging_and_resolving_an_incident_stamp_the_times(world, portal):
    incident = world.own.incident

    acknowledged = portal.post(url("incident-acknowledge", incident.pk))
    later = NOW + dt.timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        resolved = portal.post(url("incident-resolve", incident.pk), {"root_cause": "Disk full"})
        again = portal.post(url("incident-resolve", incident.pk), {"root_cause": "Other"})

    assert (acknowledged.status_code, resolved.status_code, again.status_code) == (302, 302, 302)
    incident.refresh_from_db()
    assert incident.status == Incident.Status.RESOLVED
    assert (incident.acknowledged_at, incident.resolved_at) == (NOW, later)
    assert incident.root_cause == "Disk full"


def test_representatives_see_and_move_only_their_own_action_items(world, portal):
    mine = world.own.action_item
    ActionItem.objects.create(
        review=world.own.review, description="Internal follow-up", owner=world.people["owner"]
    )

    from_meeting = services.action_item_save(
        ActionItem(
            vendor=world.own.vendor,
            meeting=world.own.meeting,
            description="Send the meeting's slides",
            owner=world.people["rep"],
        )
    )

    listed = portal.get(url("action-item-list")).content.decode()
    moved = portal.post(url("action-item-status", mine.pk), {"status": "in_progress"})
    junk = portal.post(url("action-item-status", mine.pk), {"status": "teleported"})

    assert "Acme Hosting action" in listed
    assert "Send the meeting&#x27;s slides" in listed and from_meeting.meeting.title in listed
    assert "Internal follow-up" not in listed and "Other Networks action" not in listed
    assert (moved.status_code, junk.status_code) == (302, 302)
    mine.refresh_from_db()
    assert mine.status == ActionItem.Status.IN_PROGRESS


def add_records(vendor, *, internal, rep, count):
    """``count`` more of everything the portal lists, each with what its row shows."""
    for number in range(count):
        goal = GoalFactory(vendor=vendor, owner=internal, title=f"Goal {number}")
        services.goal_check_in_add(goal=goal, date=dt.date(2026, 2, 1), value=number)
        review = ReviewFactory(
            vendor=vendor,
            # Periods over by NOW, as completing needs.
            period_start=dt.date(2010, 1, 1) + dt.timedelta(days=100 * number),
            period_end=dt.date(2010, 3, 1) + dt.timedelta(days=100 * number),
            scheduled_for=dt.date(2010, 3, 15) + dt.timedelta(days=100 * number),
        )
        services.review_save(
            review,
            scores=[{"criterion": "cost", "score": 3, "comment": ""}],
            action_items=[{"description": f"Item {number}", "owner": rep, "status": "open"}],
        )
        services.review_complete(review, now=NOW)
        meeting = MeetingFactory(vendor=vendor, title=f"Meeting {number}")
        services.meeting_save(meeting, contacts=list(vendor.contacts.all()[:1]))
        services.incident_save(IncidentFactory.build(vendor=vendor, opened_at=NOW), now=NOW)


PORTAL_LISTS = ["home", "goal-list", "review-list", "meeting-list", "incident-list"]


@pytest.mark.parametrize("page", [*PORTAL_LISTS, "action-item-list"])
def test_portal_pages_read_in_the_same_queries_for_few_and_many_records(
    world, portal, page, django_assert_max_num_queries
):
    def count():
        with django_assert_max_num_queries(20) as captured:
            assert portal.get(url(page)).status_code == 200
        return len(captured)

    few = count()
    add_records(world.own.vendor, internal=world.people["owner"], rep=world.people["rep"], count=30)
    many = count()

    assert many == few
