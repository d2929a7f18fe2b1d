"""The dashboard's "Needs attention": what is running first (a fresh P1 breach above notice
deadlines missed months ago), each vendor's items together, and a person's "Handled" and
snoozes, which hide an item for them alone until a new reason comes up."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from governance import services
from governance.models import (
    AttentionDismissal,
    ClauseType,
    Incident,
    Review,
    Role,
    SLATarget,
    UserProfile,
    Vendor,
)
from governance.selectors.attention import group_by_vendor, needs_attention
from governance.services.attention import attention_dismiss
from tests.factories import (
    ClauseFactory,
    GoalFactory,
    IncidentFactory,
    ReviewFactory,
    SLATargetFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
TODAY = NOW.date()
SET_ASIDE = reverse("governance:attention-set-aside")


@pytest.fixture(autouse=True)
def _frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def incident(vendor, *, priority="P1", opened_minutes_ago, title="Outage", **fields):
    """An open incident of ``vendor`` under a P1-P4 SLA of 30 min response, 4 h resolution."""
    for level in ("P1", "P2", "P3", "P4"):
        if not SLATarget.objects.filter(vendor=vendor, priority=level).exists():
            SLATargetFactory(vendor=vendor, priority=level)
    return services.incident_save(
        IncidentFactory.build(
            vendor=vendor,
            priority=priority,
            title=title,
            opened_at=NOW - dt.timedelta(minutes=opened_minutes_ago),
            **fields,
        )
    )


def keys(user, vendors=None):
    items = needs_attention(user, vendors or Vendor.objects.all(), now=NOW, today=TODAY)
    return [item.key for item in items]


@pytest.fixture
def morning(owner):
    """What a manager finds on a Tuesday: old misses, a P3 breach of last week, and a P1
    whose 30-minute response target passed five minutes ago."""
    old = VendorFactory(
        name="Old Contracts",
        owner=owner,
        contract_end=TODAY + dt.timedelta(days=30),
        renewal_notice_days=180,
    )
    ReviewFactory(vendor=old, scheduled_for=TODAY - dt.timedelta(days=120))
    slow = VendorFactory(name="Slow Support", owner=owner)
    week_old = incident(slow, priority="P3", opened_minutes_ago=7 * 24 * 60, title="Printer queue")
    fresh = VendorFactory(name="Fresh Cloud", owner=owner)
    p1 = incident(fresh, opened_minutes_ago=35, title="Checkout down")
    GoalFactory(vendor=fresh, title="Uptime", status="at_risk", due_date=TODAY + dt.timedelta(5))
    return {"old": old, "slow": slow, "fresh": fresh, "p1": p1, "p3": week_old}


def test_a_fresh_p1_response_breach_comes_before_old_misses(owner, morning):
    found = keys(owner)

    assert found[0] == f"incident:{morning['p1'].pk}:response_breached"
    assert found[1] == f"incident:{morning['p3'].pk}:resolution_breached"
    review = Review.objects.get(vendor=morning["old"])
    assert found.index(f"review:{review.pk}:review_overdue") > 1


def test_each_vendors_items_come_together_the_most_urgent_vendor_first(owner, morning):
    items = needs_attention(owner, Vendor.objects.all(), now=NOW, today=TODAY)

    groups = group_by_vendor(items)

    assert [group.vendor.name for group in groups][:2] == ["Fresh Cloud", "Slow Support"]
    fresh = groups[0]
    assert [item.reason for item in fresh.items] == ["response_breached", "goal_at_risk"]
    assert {item.vendor.pk for group in groups for item in group.items} == {
        group.vendor.pk for group in groups
    }


def test_one_vendors_many_breaches_leave_room_for_the_next_vendors(owner_client, owner):
    flooded = VendorFactory(name="Flooded Ops", owner=owner)
    for n in range(30):
        incident(flooded, opened_minutes_ago=40 + n, title=f"Alarm {n}")
    calm = VendorFactory(name="Calm Hosting", owner=owner)
    incident(calm, priority="P2", opened_minutes_ago=300, title="Slow backups")

    groups = owner_client.get("/").context["attention_groups"]

    assert [group.vendor.name for group in groups] == ["Flooded Ops", "Calm Hosting"]
    assert len(groups[0].items) == 3 and groups[0].more
    assert [item.title for item in groups[1].items] == ["P2 Slow backups"]


def test_resolution_and_response_breaches_merge_by_priority_then_the_freshest(owner):
    vendor = VendorFactory(owner=owner)
    # Response target (30 min) passed 10 min ago; resolution target (4 h) passed 1 h ago and
    # 20 min ago; a P2 whose response passed a minute ago comes after every P1.
    response = incident(vendor, opened_minutes_ago=40, title="Fresh")
    old = incident(vendor, opened_minutes_ago=300, title="Old")
    recent = incident(vendor, opened_minutes_ago=260, title="Recent")
    p2 = incident(vendor, priority="P2", opened_minutes_ago=31, title="Second")

    items = needs_attention(owner, Vendor.objects.all(), now=NOW, today=TODAY, per_kind=4)
    first_two = needs_attention(owner, Vendor.objects.all(), now=NOW, today=TODAY, per_kind=2)

    assert [item.key for item in items] == [
        f"incident:{response.pk}:response_breached",
        f"incident:{recent.pk}:resolution_breached",
        f"incident:{old.pk}:resolution_breached",
        f"incident:{p2.pk}:response_breached",
    ]
    assert [item.key for item in first_two] == [item.key for item in items[:2]]


def test_the_dashboard_shows_the_fresh_p1_first_and_links_to_the_full_list(owner_client, morning):
    html = owner_client.get("/").content.decode()

    section = html[html.index('data-testid="needs-attention"') :]
    section = section[: section.index("</section>")]
    first = section.index('data-testid="attention-item"')
    assert section.index("Checkout down", first) < section.index("Printer queue")
    assert "Response target breached" in section
    assert reverse("governance:attention-list") in section
    # Above the tiles: the first thing on the page after its heading.
    assert html.index('data-testid="needs-attention"') < html.index('class="stats')


def set_aside(client, key, choice):
    return client.post(SET_ASIDE, {"key": key, "choice": choice, "next": "/"})


def test_handled_hides_the_item_for_that_person_alone(owner_client, owner, member, morning):
    key = f"incident:{morning['p1'].pk}:response_breached"

    response = set_aside(owner_client, key, "handled")

    assert response.status_code == 302
    assert key not in keys(owner)
    assert key in keys(member)
    assert "Checkout down" not in owner_client.get("/").content.decode().split('class="stats')[0]


def test_a_new_reason_about_the_same_incident_shows_again(owner_client, owner, morning):
    p1 = morning["p1"]
    set_aside(owner_client, f"incident:{p1.pk}:response_breached", "handled")

    with time_machine.travel(NOW + dt.timedelta(hours=4), tick=False):
        later = needs_attention(
            owner, Vendor.objects.all(), now=NOW + dt.timedelta(hours=4), today=TODAY
        )

    assert f"incident:{p1.pk}:resolution_breached" in [item.key for item in later]


def test_a_snooze_of_a_day_hides_the_item_until_the_next_day(owner_client, owner, morning):
    key = f"incident:{morning['p3'].pk}:resolution_breached"

    set_aside(owner_client, key, "day")

    assert key not in keys(owner)
    later = NOW + dt.timedelta(days=1, minutes=1)
    items = needs_attention(owner, Vendor.objects.all(), now=later, today=later.date())
    assert key in [item.key for item in items]


def test_bring_back_undoes_a_dismissal(owner_client, owner, morning):
    key = f"incident:{morning['p1'].pk}:response_breached"
    set_aside(owner_client, key, "week")

    page = owner_client.get(reverse("governance:attention-list")).content.decode()
    assert "Response target breached" in page.split('data-testid="set-aside"')[1]
    owner_client.post(reverse("governance:attention-bring-back"), {"key": key})

    assert keys(owner)[0] == key


@pytest.mark.parametrize(
    ("key", "choice"),
    [
        ("incident:{p1}:response_breached", "forever"),
        ("incident:{p1}:made_up_reason", "handled"),
        ("incident:999999:response_breached", "handled"),
        ("payroll:{p1}:response_breached", "handled"),
        ("incident:{p1}", "handled"),
        ("", "handled"),
    ],
)
def test_bad_input_changes_nothing_and_says_why(owner_client, morning, key, choice):
    response = owner_client.post(
        SET_ASIDE, {"key": key.format(p1=morning["p1"].pk), "choice": choice}, follow=True
    )

    assert response.status_code == 200
    assert not AttentionDismissal.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_the_buttons_need_a_csrf_token_and_a_post(client, owner, morning):
    services.profile_for(owner)
    strict = type(client)(enforce_csrf_checks=True)
    strict.force_login(owner)
    key = f"incident:{morning['p1'].pk}:response_breached"

    assert strict.post(SET_ASIDE, {"key": key, "choice": "handled"}).status_code == 403
    owner_client = client
    owner_client.force_login(owner)
    assert owner_client.get(SET_ASIDE).status_code == 405
    assert not AttentionDismissal.objects.exists()


def test_a_vendor_representative_may_not_set_anything_aside(client, morning):
    rep = UserFactory(username="rep")
    services.user_role_set(rep, role=Role.VENDOR_REP, vendor=morning["fresh"])
    rep = type(rep).objects.get(pk=rep.pk)
    client.force_login(rep)
    key = f"incident:{morning['p1'].pk}:response_breached"

    assert client.post(SET_ASIDE, {"key": key, "choice": "handled"}).status_code == 403
    with pytest.raises(PermissionDenied):
        attention_dismiss(rep, key=key, choice="handled")
    assert not AttentionDismissal.objects.exists()


def test_a_person_without_a_role_sees_no_vendor_and_sets_nothing_aside(morning):
    nobody = UserFactory(username="no-role")
    UserProfile.objects.filter(user=nobody).delete()
    nobody = type(nobody).objects.get(pk=nobody.pk)

    with pytest.raises(PermissionDenied):
        attention_dismiss(
            nobody, key=f"incident:{morning['p1'].pk}:response_breached", choice="day"
        )
    assert not AttentionDismissal.objects.exists()


# --- notification clocks in the database ------------------------------------------------------


def breach_clause(vendor, hours=24, **fields):
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), tick=False):
        return ClauseFactory(
            vendor=vendor,
            clause_type=ClauseType.BREACH_NOTIFICATION,
            notification_hours=hours,
            **fields,
        )


def security(vendor, *, detected_hours_ago, title, priority="P2", **fields):
    detected = NOW - dt.timedelta(hours=detected_hours_ago)
    return services.incident_save(
        IncidentFactory.build(
            vendor=vendor,
            title=title,
            priority=priority,
            category=Incident.Category.SECURITY,
            opened_at=fields.pop("opened_at", detected),
            detected_at=detected,
            **fields,
        )
    )


def test_clocks_are_ordered_by_priority_then_closeness_to_now(owner):
    vendors = [VendorFactory(name=f"Clock {n}", owner=owner) for n in range(3)]
    for vendor in vendors:
        breach_clause(vendor, hours=24)
    two_left = security(vendors[0], detected_hours_ago=22, title="Leaked key")
    overdue = security(vendors[1], detected_hours_ago=30, title="Ransomware")
    p1_ten_left = security(vendors[2], detected_hours_ago=14, title="Odd logins", priority="P1")

    items = needs_attention(owner, Vendor.objects.all(), now=NOW, today=TODAY)

    assert [(item.record.pk, item.reason) for item in items] == [
        (p1_ten_left.pk, "vendor_notification_due"),
        (two_left.pk, "vendor_notification_due"),
        (overdue.pk, "vendor_notification_overdue"),
    ]
    assert items[1].detail == "Running, 2 h left"
    assert items[2].detail == "Overdue by 6 h"


def test_a_clause_not_in_force_at_detection_starts_no_clock(owner):
    expired = VendorFactory(name="Expired Clause", owner=owner)
    breach_clause(expired, expires_on=TODAY - dt.timedelta(days=10))
    draft = VendorFactory(name="Draft Clause", owner=owner)
    breach_clause(draft, status="negotiating")
    signed = VendorFactory(name="Signed Clause", owner=owner)
    breach_clause(signed, hours=48)
    for vendor in (expired, draft, signed):
        security(vendor, detected_hours_ago=3, title=f"Breach at {vendor.name}")

    items = needs_attention(owner, Vendor.objects.all(), now=NOW, today=TODAY)

    clocks = [item for item in items if item.running]
    assert [item.vendor.name for item in clocks] == ["Signed Clause"]
    assert [item.vendor.name for item in items if item.reason == "clause_expired"] == [
        "Expired Clause"
    ]
    assert clocks[0].detail == "Running, 1 d 21 h left"


def test_our_authority_clock_runs_from_awareness_while_personal_data_is_affected(owner):
    vendor = VendorFactory(name="Bucket Co", owner=owner)
    breach_clause(vendor)
    bucket = security(
        vendor,
        detected_hours_ago=5,
        title="Exposed bucket",
        vendor_notified_at=NOW - dt.timedelta(hours=4),
        opened_at=NOW - dt.timedelta(hours=4),
        personal_data_affected=True,
    )

    (item,) = needs_attention(owner, Vendor.objects.all(), now=NOW, today=TODAY)

    assert (item.record.pk, item.reason) == (bucket.pk, "authority_notification_due")
    assert item.detail == "Running, 2 d 20 h left"
