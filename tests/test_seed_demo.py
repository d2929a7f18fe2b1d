"""seed_demo: a realistic portfolio whose derived values are exactly what the services compute."""

import datetime as dt
import itertools
from collections import Counter
from decimal import ROUND_HALF_EVEN, Decimal
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from devtools import demo
from devtools.demo import builder, portfolio
from governance import selectors, services
from governance.domain import scheduling
from governance.domain.notification import NotificationStatus
from governance.models import (
    ClauseType,
    Contact,
    CreditPolicy,
    CreditStatement,
    Goal,
    Incident,
    Meeting,
    RequiredClause,
    Review,
    ReviewScore,
    SecurityClause,
    SLATarget,
    Vendor,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


def _seed(**options):
    out = StringIO()
    call_command("seed_demo", stdout=out, **{"vendors": 5, "seed": 7, **options})
    return out.getvalue()


@pytest.fixture
def seeded():
    return _seed()


def test_seeding_five_vendors_creates_every_kind_of_row(seeded):
    for model in demo.MODELS_IN_ORDER:
        assert model.objects.exists(), model._meta.label
    assert Vendor.objects.count() == 5
    users = get_user_model().objects
    assert users.get(username="demo").is_superuser
    managers = users.filter(username__in=[m[0] for m in demo.MANAGERS])
    assert managers.count() == 3
    assert not managers.filter(is_staff=True).exists()
    assert "5/5 vendors" in seeded
    assert "demo / demo-governance" in seeded


def test_every_vendor_has_a_primary_contact_sla_targets_and_its_required_clauses(seeded):
    required = Counter(RequiredClause.objects.values_list("tier", flat=True))
    for vendor in Vendor.objects.all():
        assert vendor.contacts.filter(is_primary=True).count() == 1
        assert sorted(vendor.sla_targets.values_list("priority", flat=True)) == [
            "P1",
            "P2",
            "P3",
            "P4",
        ]
        types = set(vendor.clauses.values_list("clause_type", flat=True))
        assert (
            set(
                RequiredClause.objects.filter(tier=vendor.tier).values_list(
                    "clause_type", flat=True
                )
            )
            <= types
        )
        assert len(types) >= required[vendor.tier]


def test_the_portfolio_gives_every_reminder_something_to_fire_on(seeded):
    in_notice = [
        v
        for v in Vendor.objects.exclude(status="ended")
        if v.contract_end - dt.timedelta(days=v.renewal_notice_days + 90) <= TODAY
    ]
    assert in_notice
    assert Review.objects.filter(status__in=Review.OPEN_STATUSES, scheduled_for__lt=TODAY).exists()
    assert Incident.objects.filter(status__in=Incident.OPEN_STATUSES).exists()
    breached_open = Incident.objects.filter(resolved_at__isnull=True, resolution_due_at__lt=NOW)
    assert breached_open.exists()
    assert Incident.objects.filter(resolved_at__gt=F("resolution_due_at")).exists()
    assert SecurityClause.objects.filter(
        expires_on__gte=TODAY, expires_on__lte=TODAY + dt.timedelta(days=60)
    ).exists()
    assert SecurityClause.objects.filter(status__in=["missing", "negotiating"]).exists()
    assert Goal.objects.filter(status__in=Goal.ACTIVE_STATUSES).exists()


def test_seeded_rows_pass_every_model_validation_and_constraint(seeded):
    for model in (Vendor, Contact, SLATarget, Review, ReviewScore, Goal, Meeting, Incident):
        for obj in model.objects.all():
            obj.full_clean()
    for clause in SecurityClause.objects.all():
        clause.full_clean()


def test_completed_reviews_have_six_scores_action_items_and_the_mean_as_overall(seeded):
    completed = Review.objects.filter(status=Review.Status.COMPLETED).annotate(
        n_scores=Count("scores", distinct=True), n_items=Count("action_items", distinct=True)
    )
    assert completed
    for review in completed:
        assert review.n_scores == 6
        assert review.n_items >= 1
        seeded_overall = review.overall_score
        services.review_refresh_overall_score(review)
        review.refresh_from_db()
        assert review.overall_score == seeded_overall
        scores = list(review.scores.values_list("score", flat=True))
        mean = (Decimal(sum(scores)) / 6).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
        assert seeded_overall == mean


def test_reviews_follow_each_other_as_completing_them_would_schedule(seeded):
    for vendor in Vendor.objects.all():
        cadence = vendor.effective_cadence
        reviews = list(vendor.reviews.order_by("scheduled_for"))
        assert [r.status for r in reviews[:-1]] == [Review.Status.COMPLETED] * (len(reviews) - 1)
        assert reviews[-1].status != Review.Status.COMPLETED
        for previous, following in itertools.pairwise(reviews):
            completed_on = previous.completed_at.date()
            assert (following.period_start, following.period_end) == scheduling.next_period(
                previous.period_end, cadence
            )
            assert following.scheduled_for == scheduling.next_review_date(
                previous.scheduled_for, cadence, completed_on
            )
        # A year of history before the review that is next (or was, for an ended vendor).
        horizon = min(TODAY, reviews[-1].scheduled_for) - dt.timedelta(days=365)
        assert all(review.scheduled_for >= horizon for review in reviews)


def test_incident_due_times_are_what_the_sla_service_derives(seeded):
    targets = {(t.vendor_id, t.priority): t for t in SLATarget.objects.all()}
    incidents = list(Incident.objects.all())
    assert incidents
    for incident in incidents:
        target = targets[(incident.vendor_id, incident.priority)]
        assert (incident.response_due_at, incident.resolution_due_at) == (
            services.incident_due_times(opened_at=incident.opened_at, target=target)
        )
        assert incident.opened_at <= NOW
        if incident.status in (Incident.Status.RESOLVED, Incident.Status.CLOSED):
            assert incident.acknowledged_at <= incident.resolved_at <= NOW
        elif incident.status == Incident.Status.ACKNOWLEDGED:
            assert incident.acknowledged_at and not incident.resolved_at
        else:
            assert not incident.acknowledged_at and not incident.resolved_at


def test_each_goal_current_value_is_its_latest_check_in(seeded):
    goals = list(Goal.objects.all())
    for goal in goals:
        seeded_value = goal.current_value
        services.goal_refresh_current_value(goal)
        assert goal.current_value == seeded_value
    assert any(goal.check_ins.exists() for goal in goals)


def test_verified_clauses_are_next_due_a_year_after_verification(seeded):
    verified = SecurityClause.objects.filter(status="verified")
    assert verified
    for clause in verified:
        assert clause.next_verification_due == scheduling.add_cadence(
            clause.last_verified_on, "annual"
        )


def test_meetings_recur_in_the_vendors_zone_with_its_own_people(seeded):
    meetings = Meeting.objects.select_related("vendor").prefetch_related("contacts", "attendees")
    for meeting in meetings:
        assert meeting.time_zone == meeting.vendor.time_zone
        assert meeting.recurrence.startswith(("FREQ=WEEKLY", "FREQ=MONTHLY"))
        assert meeting.attendees.all()
        assert {c.vendor_id for c in meeting.contacts.all()} == {meeting.vendor_id}
    weekly = meetings.filter(recurrence__startswith="FREQ=WEEKLY", vendor__status="active").first()
    upcoming = selectors.meeting_occurrences(weekly, start=NOW, end=NOW + dt.timedelta(days=14))
    assert len(upcoming) == 2


def test_if_empty_does_nothing_the_second_time(seeded):
    counts = {model: model.objects.count() for model in demo.MODELS_IN_ORDER}

    output = _seed(if_empty=True, vendors=50)

    assert "nothing seeded" in output
    assert {model: model.objects.count() for model in demo.MODELS_IN_ORDER} == counts


def test_if_empty_seeds_an_empty_database():
    _seed(if_empty=True, vendors=2)
    assert Vendor.objects.count() == 2


def test_the_demo_user_can_log_in_to_the_admin(seeded, client):
    assert client.login(username="demo", password="demo-governance")
    assert client.get("/admin/").status_code == 200
    assert client.login(username="anna.kowalska", password="demo-governance")


def test_the_demo_vendor_representative_lands_on_the_portal_of_the_first_vendor(seeded, client):
    first = Vendor.objects.order_by("name").first()
    assert "vendor.rep / demo-governance" in seeded
    assert client.login(username="vendor.rep", password="demo-governance")
    landing = client.get("/", follow=True)
    assert landing.redirect_chain[-1][0].startswith("/portal/")
    assert first.name in landing.content.decode()


def test_seeding_again_adds_vendors_and_keeps_one_demo_user(seeded):
    demo_user = get_user_model().objects.get(username="demo")
    demo_user.set_password("changed-by-the-operator")
    demo_user.save()

    output = _seed(vendors=3)

    assert Vendor.objects.count() == 8
    assert get_user_model().objects.filter(username="demo").count() == 1
    assert "demo / demo-governance" not in output


def _fingerprint():
    """What a user sees of the portfolio, without ids or insert times."""
    return [
        list(
            Vendor.objects.order_by("name").values_list(
                "name",
                "services",
                "tier",
                "status",
                "owner__username",
                "time_zone",
                "country",
                "contract_start",
                "contract_end",
                "annual_value",
                "currency",
                "review_cadence",
            )
        ),
        list(
            Contact.objects.order_by("vendor__name", "name").values_list(
                "vendor__name", "name", "email", "phone", "is_primary"
            )
        ),
        list(
            ReviewScore.objects.order_by(
                "review__vendor__name", "review__scheduled_for", "criterion"
            ).values_list("review__vendor__name", "review__scheduled_for", "criterion", "score")
        ),
        list(
            Review.objects.order_by("vendor__name", "scheduled_for").values_list(
                "vendor__name", "scheduled_for", "status", "overall_score", "completed_at"
            )
        ),
        list(
            Goal.objects.order_by("vendor__name", "title").values_list(
                "vendor__name", "title", "current_value", "status", "due_date"
            )
        ),
        list(
            Meeting.objects.order_by("vendor__name", "title").values_list(
                "vendor__name", "title", "starts_at", "recurrence", "location"
            )
        ),
        list(
            Incident.objects.order_by("vendor__name", "external_id").values_list(
                "vendor__name", "external_id", "priority", "opened_at", "resolved_at", "status"
            )
        ),
        list(
            SecurityClause.objects.order_by("vendor__name", "clause_type").values_list(
                "vendor__name", "clause_type", "status", "expires_on", "notification_hours"
            )
        ),
        list(
            Incident.objects.filter(category="security")
            .order_by("vendor__name", "external_id")
            .values_list(
                "vendor__name",
                "detected_at",
                "vendor_notified_at",
                "personal_data_affected",
                "authority_notified_at",
            )
        ),
        list(
            CreditStatement.objects.order_by("vendor__name", "month").values_list(
                "vendor__name", "month", "credit_due", "status", "status_note"
            )
        ),
    ]


def _wipe_portfolio():
    # A vendor with representatives cannot be deleted: their accounts go first.
    get_user_model().objects.filter(username=demo.VENDOR_REP_USERNAME).delete()
    for model in (Meeting, Incident, SecurityClause, Goal, Review, CreditStatement, Vendor):
        model.objects.all().delete()


def test_the_same_seed_gives_the_same_portfolio(seeded):
    first = _fingerprint()
    _wipe_portfolio()

    _seed()
    assert _fingerprint() == first

    _wipe_portfolio()
    _seed(seed=8)
    assert _fingerprint() != first


def test_a_failure_half_way_leaves_nothing_seeded(monkeypatch):
    monkeypatch.setattr(portfolio, "CHUNK_VENDORS", 2)
    original = builder._Builder._clauses

    def fail_on_the_fourth_vendor(self, chunk, rng, index, vendor, domain):
        if index == 3:
            raise RuntimeError("disk full")
        return original(self, chunk, rng, index, vendor, domain)

    monkeypatch.setattr(builder._Builder, "_clauses", fail_on_the_fourth_vendor)

    with pytest.raises(RuntimeError, match="disk full"):
        _seed()

    assert not Vendor.objects.exists()
    assert not get_user_model().objects.filter(username="demo").exists()


def test_security_incidents_run_on_the_clause_clock_and_ours(seeded):
    security = list(Incident.objects.filter(category=Incident.Category.SECURITY))
    assert security
    for incident in security:
        incident.full_clean()
    clocks = selectors.notification_clocks(security, now=NOW).values()
    vendor = Counter(clock.vendor.status for clock in clocks)
    # On time and late against the clause in force; a vendor without one is a finding.
    assert vendor[NotificationStatus.ON_TIME] and vendor[NotificationStatus.LATE]
    authority = Counter(clock.authority.status for clock in clocks if clock.authority)
    assert authority[NotificationStatus.RUNNING] == 1  # the one still running
    assert authority[NotificationStatus.ON_TIME]
    # Personal data is affected in some, not all.
    assert {incident.personal_data_affected for incident in security} == {True, False}
    running = [i for i in security if i.vendor_notified_at is None]
    assert [i.status for i in running] == [Incident.Status.OPEN]


def test_breach_notification_clauses_state_their_window(seeded):
    clauses = SecurityClause.objects.filter(clause_type=ClauseType.BREACH_NOTIFICATION)
    assert clauses.exists()
    for clause in clauses:
        assert clause.notification_hours in (24, 48, 72)
        assert clause.notify_whom and clause.notify_how
        assert "notification_hours" not in clause.parameters
        # On file, so the clocks find the clause in force at a detection.
        assert clause.history.count() == 1
    others = SecurityClause.objects.exclude(clause_type=ClauseType.BREACH_NOTIFICATION)
    assert not others.filter(notification_hours__isnull=False).exists()


def test_credit_policies_and_their_statements_are_what_the_service_computes(seeded):
    policies = CreditPolicy.objects.select_related("vendor")
    assert policies.count() >= 2
    for policy in policies:
        policy.full_clean()
        assert policy.history.count() == 1
    statements = CreditStatement.objects.all()
    # Three months before today's, for every vendor with a policy.
    assert set(statements.values_list("month", flat=True)) == {
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    }
    assert statements.count() == 3 * policies.count()
    before = {s.pk: (s.met, s.breached, s.credit_due, s.status, s.status_note) for s in statements}
    for statement in statements:
        services.credit_statement_compute(statement.vendor, month=statement.month, now=NOW)
    after = {
        s.pk: (s.met, s.breached, s.credit_due, s.status, s.status_note)
        for s in CreditStatement.objects.all()
    }
    assert after == before
    # The first credits due: claimed, received, waived with its reason; the rest due.
    owed = statements.filter(credit_due__gt=0).order_by("month", "vendor__name")
    chosen = [status for status, _ in portfolio.CHOSEN_STATUSES][: owed.count()]
    assert [s.status for s in owed][: len(chosen)] == chosen
    assert {s.status for s in owed[len(chosen) :]} <= {CreditStatement.Status.DUE}
    assert chosen, "the demo has credits due"


def test_the_default_demo_has_a_credit_claimed_received_and_waived():
    _seed(vendors=40)
    statuses = Counter(CreditStatement.objects.values_list("status", flat=True))
    for status in ("due", "claimed", "received", "waived"):
        assert statuses[status] >= 1, status
    waived = CreditStatement.objects.get(status="waived")
    assert waived.status_note == portfolio.CREDIT_WAIVER_REASON
    security = list(Incident.objects.filter(category=Incident.Category.SECURITY))
    vendor = Counter(
        c.vendor.status for c in selectors.notification_clocks(security, now=NOW).values()
    )
    assert vendor[NotificationStatus.RUNNING] >= 1


def test_a_negative_vendor_count_is_refused():
    with pytest.raises(CommandError, match="zero or more"):
        _seed(vendors=-1)


def test_the_follow_through_is_seeded_as_the_services_would_write_it(seeded):
    """Issue 15: each vendor's escalation matrix on both sides at three levels for service and
    security; some vendors allow their contacts to be emailed; steering committees with a
    held occurrence (minutes shared, two decisions), a moved and a cancelled one; action
    items from meetings, incidents and elsewhere with owners on either side, some overdue,
    one snoozed."""
    from governance.models import (
        ActionItem,
        Decision,
        EscalationContact,
        MeetingOccurrence,
        Snooze,
    )

    for vendor in Vendor.objects.all():
        steps = set(vendor.escalations.values_list("topic", "level", "side"))
        assert steps == {
            (topic, level, side)
            for topic in ("service", "security")
            for level in (1, 2, 3)
            for side in ("ours", "vendor")
        }, vendor
    assert Vendor.objects.filter(email_vendor_contacts=True).exists()
    assert Vendor.objects.filter(email_vendor_contacts=False).exists()
    for entry in EscalationContact.objects.all():
        entry.full_clean()
    if Meeting.objects.filter(kind=Meeting.Kind.STEERING).exists():
        held = MeetingOccurrence.objects.filter(status="held")
        assert held.exists()
        for occurrence in held:
            assert occurrence.decisions.count() == 2
            assert occurrence.minutes_status in ("shared", "approved")
        assert MeetingOccurrence.objects.filter(status="cancelled").exists()
        assert MeetingOccurrence.objects.filter(starts_at__isnull=False).exists()
        sources = set(ActionItem.objects.values_list("source", flat=True))
        assert {"review", "meeting", "other"} <= sources
        assert ActionItem.objects.filter(occurrence__isnull=False).exists()
        assert ActionItem.objects.filter(vendor_contact__isnull=False).exists()
        assert ActionItem.objects.filter(
            status__in=ActionItem.OPEN_STATUSES, due_date__lt=TODAY
        ).exists()
        assert Snooze.objects.exists()
        assert Decision.objects.count() == 2 * held.count()
    for item in ActionItem.objects.all():
        item.full_clean()
