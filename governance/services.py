"""Writes and business rules, used alike by the web UI, the API, the admin and the tasks.

Every function is keyword-only after its subject, validates with ``full_clean()`` and runs in
a transaction, so a rejected write changes nothing. Rules live here, not in ``save()``,
signals or serializers.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, CheckConstraint, ExpressionWrapper, F, fields
from django.utils import timezone

from governance import figures
from governance.domain import bounds, scheduling
from governance.models import (
    ActionItem,
    AgendaProposal,
    Contact,
    Goal,
    GoalCheckIn,
    Incident,
    Review,
    ReviewScore,
    Role,
    SecurityClause,
    SLATarget,
    UserProfile,
    Vendor,
)

# Fields a caller may set on each model through the generic create/update helpers.
VENDOR_FIELDS = (
    "name",
    "services",
    "tier",
    "status",
    "owner",
    "time_zone",
    "country",
    "contract_start",
    "contract_end",
    "renewal_notice_days",
    "annual_value",
    "currency",
    "review_cadence",
    "notes",
)
# A meeting's fields as the API and the admin edit them (attendees and contacts through
# ``meeting_save``).
MEETING_FIELDS = (
    "vendor",
    "title",
    "kind",
    "starts_at",
    "duration_minutes",
    "time_zone",
    "recurrence",
    "channel",
    "location",
    "agenda",
    "minutes",
    "attendees",
    "contacts",
)


def _assign(instance, data, allowed):
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        setattr(instance, name, value)


class Conflict(ValidationError):
    """A write that lost to a concurrent one (the API answers 409, a form shows the message).

    Carries the message of the rule the database enforced, never the database's own text.
    """


CONFLICT_MESSAGE = "This change conflicts with a change made at the same time; try again."


def _save(instance, *, exclude=None):
    """Validate then save; a constraint the database enforces against a concurrent write
    becomes a ``Conflict`` with that constraint's own message."""
    instance.full_clean(exclude=exclude)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise _conflict(instance) from error
    return instance


def _conflict(instance):
    """The ``Conflict`` for ``instance`` after the database refused it.

    The concurrent row that won is committed by now, so validating again finds the rule it
    broke and words it as every other door does.
    """
    try:
        instance.validate_unique()
        instance.validate_constraints()
    except ValidationError as clash:
        return Conflict(clash.error_dict if hasattr(clash, "error_dict") else clash.messages)
    return Conflict(CONFLICT_MESSAGE)


# --- users ---------------------------------------------------------------------------------


def profile_create(user):
    """Give a new account its profile: the one place a new user's role is decided.

    Superusers are administrators; everyone else gets ``GOVERNANCE_NEW_USER_ROLE``
    (a viewer unless the site says otherwise). Called once, when the user is created
    (``apps.GovernanceConfig.ready`` connects it to every door that creates users).
    """
    role = Role.ADMINISTRATOR if user.is_superuser else settings.GOVERNANCE_NEW_USER_ROLE
    if role not in NEW_USER_ROLES:
        role = Role.NONE  # a misconfiguration (the system check says so) grants nothing
    profile, _ = UserProfile.objects.get_or_create(user=user, defaults={"role": role})
    return profile


# The roles a new account may start with: a representative needs a vendor to represent.
NEW_USER_ROLES = frozenset(Role.values) - {Role.VENDOR_REP}


def check_new_user_role(**kwargs):
    """System check: ``GOVERNANCE_NEW_USER_ROLE`` names a role a new account can have."""
    role = settings.GOVERNANCE_NEW_USER_ROLE
    if role in NEW_USER_ROLES:
        return []
    return [
        checks.Error(
            f"GOVERNANCE_NEW_USER_ROLE (NEW_USER_ROLE) is {role!r}.",
            hint="Use one of: " + ", ".join(sorted(NEW_USER_ROLES)) + ".",
            id="governance.E001",
        )
    ]


def profile_for(user):
    """The user's profile; one created here (a user older than profiles) grants nothing."""
    profile, _ = UserProfile.objects.get_or_create(user=user)
    return profile


PROFILE_FIELDS = ("time_zone", "digest_enabled", "muted_kinds", "lead_times")


@transaction.atomic
def profile_update(profile, **data):
    """Save the user's time zone and reminder preferences."""
    _assign(profile, data, PROFILE_FIELDS)
    return _save(profile)


@transaction.atomic
def profile_regenerate_calendar_token(profile):
    """Give the profile a new feed secret: every URL with the old one stops working at once."""
    profile.calendar_token = secrets.token_urlsafe()
    profile.save(update_fields=["calendar_token"])
    return profile.calendar_token


# --- vendors -------------------------------------------------------------------------------


@transaction.atomic
def vendor_create(*, owner, **data):
    """Create a vendor; an empty review cadence takes the default of the vendor's tier."""
    vendor = Vendor(owner=owner)
    _assign(vendor, data, VENDOR_FIELDS)
    if not vendor.review_cadence:
        vendor.review_cadence = scheduling.default_cadence_for_tier(vendor.tier)
    return _save(vendor)


@transaction.atomic
def vendor_update(vendor, **data):
    _assign(vendor, data, VENDOR_FIELDS)
    if not vendor.review_cadence:
        vendor.review_cadence = scheduling.default_cadence_for_tier(vendor.tier)
    return _save(vendor)


def vendor_history_counts(vendor):
    """How many records of each kind make up the vendor's history (non-zero kinds only)."""
    counts = {
        "goals": vendor.goals.count(),
        "reviews": vendor.reviews.count(),
        "meetings": vendor.meetings.count(),
        "incidents": vendor.incidents.count(),
        "security clauses": vendor.clauses.count(),
    }
    return {name: count for name, count in counts.items() if count}


@transaction.atomic
def vendor_delete(vendor):
    """Delete a vendor that has no history and no representatives.

    One with history must be ended instead; one with representatives keeps them until they
    are given another role (deleting them with it would leave accounts without a profile).
    The foreign keys PROTECT both too, so no other door can delete it silently.
    """
    history = vendor_history_counts(vendor)
    if history:
        listed = ", ".join(f"{count} {name}" for name, count in history.items())
        raise ValidationError(
            f"{vendor.name} has history ({listed}); set its status to ended instead of deleting."
        )
    representatives = sorted(
        UserProfile.objects.filter(vendor=vendor).values_list("user__username", flat=True)
    )
    if representatives:
        raise ValidationError(
            f"{vendor.name} has vendor representatives ({', '.join(representatives)}); give "
            "them another role first, or set the vendor's status to ended, which closes "
            "their portal."
        )
    vendor.delete()


@transaction.atomic
def contact_save(contact):
    """Save a contact; marking it primary unmarks the vendor's previous primary contact."""
    if contact.is_primary:
        Contact.objects.filter(vendor_id=contact.vendor_id, is_primary=True).exclude(
            pk=contact.pk
        ).update(is_primary=False)
    return _save(contact)


# --- goals ---------------------------------------------------------------------------------


@transaction.atomic
def goal_save(goal):
    _save(goal)
    return goal


@transaction.atomic
def goal_check_in_add(*, goal, date, value, note="", author=None):
    """Record progress; the goal's current value becomes that of its latest check-in."""
    check_in = GoalCheckIn(goal=goal, date=date, value=value, note=note, author=author)
    _save(check_in)
    goal_refresh_current_value(goal)
    return check_in


@transaction.atomic
def goal_refresh_current_value(goal):
    """Set ``goal.current_value`` from its latest check-in (by date, then entry order)."""
    latest = goal.check_ins.order_by("-date", "-id").values_list("value", flat=True).first()
    if latest is not None:
        Goal.objects.filter(pk=goal.pk).update(current_value=latest)
        goal.current_value = latest
    return goal


# --- reviews -------------------------------------------------------------------------------


@transaction.atomic
def review_save(review, *, scores=None, action_items=None):
    """Save a review and, when given, replace its criterion scores and action items.

    ``scores``: iterable of dicts with ``criterion``, ``score``, ``comment``.
    ``action_items``: iterable of dicts with ``description``, ``owner``, ``due_date``, ``status``.
    All or nothing: an invalid score leaves the review as it was.
    """
    _save(review, exclude=["overall_score"])
    if scores is not None:
        review.scores.all().delete()
        for item in scores:
            _save(ReviewScore(review=review, **item))
    if action_items is not None:
        review.action_items.all().delete()
        for item in action_items:
            _save(ActionItem(review=review, **item))
    review_refresh_overall_score(review)
    return review


def review_refresh_overall_score(review):
    """The overall score is the mean of the criterion scores (None when there are none)."""
    mean = review.scores.aggregate(mean=Avg("score"))["mean"]
    review.overall_score = None if mean is None else round(mean, 2)
    changed = (
        Review.objects.filter(pk=review.pk)
        .exclude(overall_score=review.overall_score)
        .update(overall_score=review.overall_score)
    )
    if changed:  # an UPDATE sends no signal: the vendor's stored figures are refreshed here
        figures.refresh([review.vendor_id])
    return review.overall_score


@transaction.atomic
def review_complete(review, *, today=None, now=None):
    """Complete a review and schedule the next one; returns the next review.

    The next review is one cadence after this one's scheduled date (a late review does not
    shift the calendar; a date already past becomes today) and covers the following period.
    An open review already scheduled after this one is reused rather than duplicated.
    """
    review = Review.objects.select_for_update().select_related("vendor").get(pk=review.pk)
    if review.status in (Review.Status.COMPLETED, Review.Status.CANCELLED):
        raise ValidationError({"status": f"This review is already {review.status}."})
    now = now or timezone.now()
    vendor = review.vendor
    today = today or timezone.localdate(now, timezone=_zone(vendor.time_zone))
    review.status = Review.Status.COMPLETED
    review.completed_at = now
    review_refresh_overall_score(review)
    _save(review)

    existing = (
        vendor.reviews.filter(
            status__in=Review.OPEN_STATUSES, scheduled_for__gt=review.scheduled_for
        )
        .order_by("scheduled_for")
        .first()
    )
    if existing:
        return existing
    cadence = vendor.effective_cadence
    period_start, period_end = scheduling.next_period(review.period_end, cadence)
    scheduled_for = scheduling.next_review_date(review.scheduled_for, cadence, today)
    if max(period_end, scheduled_for) > bounds.LATEST_DATE:
        raise ValidationError(
            {
                "scheduled_for": "The next review would fall after "
                f"{bounds.LATEST_DATE:%Y-%m-%d}, the last date this application keeps; "
                "correct this review's dates or cancel it instead."
            }
        )
    next_review = Review(
        vendor=vendor,
        period_start=period_start,
        period_end=period_end,
        scheduled_for=scheduled_for,
        reviewer=review.reviewer,
        status=Review.Status.SCHEDULED,
    )
    return _save(next_review)


def _zone(name):
    import zoneinfo

    return zoneinfo.ZoneInfo(name)


# --- meetings ------------------------------------------------------------------------------


@transaction.atomic
def meeting_save(meeting, *, attendees=None, contacts=None):
    _save(meeting)
    if attendees is not None:
        meeting.attendees.set(attendees)
    if contacts is not None:
        foreign = [c for c in contacts if c.vendor_id != meeting.vendor_id]
        if foreign:
            raise ValidationError({"contacts": "Contacts must belong to the meeting's vendor."})
        meeting.contacts.set(contacts)
    return meeting


def meeting_occurrences(meeting, *, start, end):
    """The meeting's occurrences starting in [start, end), expanded in its own time zone."""
    return scheduling.meeting_occurrences(
        starts_at=meeting.starts_at,
        duration_minutes=meeting.duration_minutes,
        time_zone=meeting.time_zone,
        recurrence=meeting.recurrence,
        start=start,
        end=end,
    )


# --- SLA -----------------------------------------------------------------------------------


def incident_due_times(*, opened_at, target):
    """(response due, resolution due) for an incident opened at ``opened_at`` under ``target``."""
    if target is None or opened_at is None:
        return None, None
    return (
        opened_at + dt.timedelta(minutes=target.response_minutes),
        opened_at + dt.timedelta(minutes=target.resolution_minutes),
    )


def _stamp_incident(incident, *, now):
    """Fill the times a status implies and derive the due times from the SLA target.

    A resolved incident was acknowledged at the latest when it was resolved.
    """
    stamp = max(now, incident.opened_at)
    if incident.status in (Incident.Status.RESOLVED, Incident.Status.CLOSED):
        incident.resolved_at = incident.resolved_at or stamp
    if incident.status != Incident.Status.OPEN or incident.resolved_at:
        incident.acknowledged_at = incident.acknowledged_at or incident.resolved_at or stamp
    target = SLATarget.objects.filter(
        vendor_id=incident.vendor_id, priority=incident.priority
    ).first()
    incident.response_due_at, incident.resolution_due_at = incident_due_times(
        opened_at=incident.opened_at, target=target
    )


@transaction.atomic
def incident_save(incident, *, now=None):
    """Save an incident with its SLA due times; a status implies its timestamps."""
    if incident.opened_at is not None:  # without it, validation below says what is missing
        _stamp_incident(incident, now=now or timezone.now())
    return _save(incident)


def incident_upsert(*, vendor, external_id, now=None, **data):
    """Create the incident ``vendor`` + ``external_id`` or update the one that exists.

    Returns ``(incident, created)``. Safe under retries and concurrent duplicates: the unique
    constraint decides who creates; the loser updates the winner's row under a row lock.
    """
    if not external_id:
        incident = Incident(vendor=vendor, **data)
        return incident_save(incident, now=now), True
    with transaction.atomic():
        existing = (
            Incident.objects.select_for_update()
            .filter(vendor=vendor, external_id=external_id)
            .first()
        )
        if existing is None:
            try:
                with transaction.atomic():
                    incident = Incident(vendor=vendor, external_id=external_id, **data)
                    # Uniqueness is left to the database (see below); the rest is checked here.
                    incident.full_clean(validate_constraints=False)
                    for constraint in Incident._meta.constraints:
                        if isinstance(constraint, CheckConstraint):
                            constraint.validate(Incident, incident)
                    _stamp_incident(incident, now=now or timezone.now())
                    incident.save()
                    return incident, True
            except IntegrityError:
                # A concurrent request created it first: update that row instead.
                existing = (
                    Incident.objects.select_for_update()
                    .filter(vendor=vendor, external_id=external_id)
                    .first()
                )
                if existing is None:
                    raise
        for name, value in data.items():
            setattr(existing, name, value)
        return incident_save(existing, now=now), False


@transaction.atomic
def incident_acknowledge(incident, *, at=None):
    incident.acknowledged_at = at or timezone.now()
    if incident.status == Incident.Status.OPEN:
        incident.status = Incident.Status.ACKNOWLEDGED
    return incident_save(incident)


@transaction.atomic
def incident_resolve(incident, *, at=None, root_cause=None):
    incident.resolved_at = at or timezone.now()
    incident.status = Incident.Status.RESOLVED
    if root_cause is not None:
        incident.root_cause = root_cause
    return incident_save(incident)


@transaction.atomic
def sla_target_save(target):
    """Save a target and re-derive the due times of the vendor's incidents of its priority."""
    _save(target)
    Incident.objects.filter(vendor_id=target.vendor_id, priority=target.priority).update(
        response_due_at=ExpressionWrapper(
            F("opened_at") + dt.timedelta(minutes=target.response_minutes),
            output_field=fields.DateTimeField(),
        ),
        resolution_due_at=ExpressionWrapper(
            F("opened_at") + dt.timedelta(minutes=target.resolution_minutes),
            output_field=fields.DateTimeField(),
        ),
    )
    figures.refresh([target.vendor_id])
    return target


@transaction.atomic
def sla_target_delete(target):
    """Delete a target; the incidents of its priority no longer have due times."""
    Incident.objects.filter(vendor_id=target.vendor_id, priority=target.priority).update(
        response_due_at=None, resolution_due_at=None
    )
    target.delete()
    figures.refresh([target.vendor_id])


# --- clauses -------------------------------------------------------------------------------


@transaction.atomic
def clause_save(clause):
    """Validate and save ``clause``; an evidence file it replaced or cleared is deleted from
    storage once the change is committed, and kept when it is rolled back."""
    replaced = _stored_evidence(clause)
    _save(clause)
    if replaced != clause.evidence_file.name:
        _evidence_delete_on_commit(replaced)
    return clause


@transaction.atomic
def clause_delete(clause):
    """Delete ``clause``; its evidence file goes from storage once the deletion is committed."""
    stored = _stored_evidence(clause)
    clause.delete()
    _evidence_delete_on_commit(stored)


def _stored_evidence(clause):
    """The evidence file name the database holds for ``clause`` ("" for none or a new clause).

    The row stays locked until the caller's transaction ends, so of two concurrent
    replacements each deletes the file the other did not keep.
    """
    if clause.pk is None:
        return ""
    rows = SecurityClause.objects.select_for_update().filter(pk=clause.pk)
    return rows.values_list("evidence_file", flat=True).first() or ""


def _evidence_delete_on_commit(name):
    if not name:
        return
    storage = SecurityClause._meta.get_field("evidence_file").storage
    # robust: the change is committed by then; a file that cannot be deleted is logged, and
    # must not turn a saved change into an error page.
    transaction.on_commit(lambda: storage.delete(name), robust=True)


@transaction.atomic
def clause_verify(clause, *, on=None, next_due=None):
    """Record a successful verification; the next one is due a year later unless given."""
    on = on or timezone.localdate()
    clause.status = SecurityClause.Status.VERIFIED
    clause.last_verified_on = on
    clause.next_verification_due = next_due or scheduling.add_cadence(on, "annual")
    return _save(clause)


# --- roles, vendor portal ------------------------------------------------------------------
# Who may call these is decided by governance.domain.access in the views; the rules about the data
# itself (what a role implies, what can be acknowledged and when) live here.


def _may_manage_vendors(user):
    """True for users whose role lets them own or be assigned to a vendor."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    role = UserProfile.objects.filter(user=user).values_list("role", flat=True).first()
    return role in (Role.ADMINISTRATOR, Role.MANAGER)


def user_role_set(user, *, role, vendor=None):
    """Give ``user`` a role (see ``profile_role_set``)."""
    return profile_role_set(profile_for(user), role=role, vendor=vendor)


@transaction.atomic
def profile_role_set(profile, *, role, vendor=None):
    """Give the profile's user a role; a vendor representative belongs to exactly one ``vendor``.

    A user who owns vendors keeps a role that may own them (hand the vendors over first);
    leaving the manager roles ends the user's assignments to other vendors. Other changes
    already made to ``profile`` (its time zone, say) are saved with it.
    """
    user = profile.user
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if role not in (Role.ADMINISTRATOR, Role.MANAGER) and not user.is_superuser:
        owned = Vendor.objects.filter(owner=user).count()
        if owned:
            raise ValidationError(
                {
                    "role": f"{user.get_username()} owns {owned} vendor(s); hand them over to "
                    "a manager before giving this role."
                }
            )
        Vendor.managers.through.objects.filter(user_id=user.pk).delete()
    profile.role = role
    profile.vendor = vendor if role == Role.VENDOR_REP else None
    return _save(profile)


@transaction.atomic
def vendor_managers_set(vendor, *, managers):
    """Assign the managers who edit ``vendor`` besides its owner (replacing the old ones)."""
    managers = [user for user in managers if user.pk != vendor.owner_id]
    refused = sorted(user.get_username() for user in managers if not _may_manage_vendors(user))
    if refused:
        raise ValidationError(
            {"managers": f"Only managers and administrators can be assigned: {', '.join(refused)}."}
        )
    vendor.managers.set(managers)
    return vendor


@transaction.atomic
def review_acknowledge(review, *, by, comment="", at=None):
    """Record the vendor's acknowledgement of a completed review's outcome, once."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status != Review.Status.COMPLETED:
        raise ValidationError("Only a completed review can be acknowledged.")
    if review.vendor_acknowledged_at is not None:
        raise ValidationError("This review was already acknowledged.")
    review.vendor_acknowledged_at = at or timezone.now()
    review.vendor_acknowledged_by = by
    review.vendor_comment = comment.strip()
    return _save(review)


@transaction.atomic
def agenda_propose(*, meeting, author, text):
    """Propose an item for the meeting's agenda; the meeting's team accepts or declines it."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Describe the item you propose."})
    return _save(AgendaProposal(meeting=meeting, author=author, text=text))


@transaction.atomic
def agenda_proposal_decide(proposal, *, accept):
    """Accept (the item joins the meeting's agenda) or decline a proposed agenda item."""
    proposal = (
        AgendaProposal.objects.select_for_update().select_related("meeting").get(pk=proposal.pk)
    )
    if proposal.status != AgendaProposal.Status.PROPOSED:
        raise ValidationError(f"This proposal was already {proposal.get_status_display().lower()}.")
    if accept:
        meeting = proposal.meeting
        item = f"- {proposal.text}"
        meeting.agenda = f"{meeting.agenda.rstrip()}\n{item}" if meeting.agenda.strip() else item
        _save(meeting)
        proposal.status = AgendaProposal.Status.ACCEPTED
    else:
        proposal.status = AgendaProposal.Status.DECLINED
    return _save(proposal)


@transaction.atomic
def action_item_status_set(item, *, status):
    """Move an action item along (open, in progress, done, cancelled)."""
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    item.status = status
    return _save(item)
