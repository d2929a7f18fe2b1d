"""The rows of one vendor and its history, built in memory for ``seed_portfolio``'s bulk inserts."""

import datetime as dt
import itertools
import random
import zoneinfo
from decimal import ROUND_HALF_EVEN, Decimal

from django.utils import timezone
from django.utils.text import slugify

from devtools.demo.data import (
    ACTION_ITEMS,
    CLAUSE_PARAMETERS,
    CLAUSE_REQUIREMENTS,
    CLAUSE_STATUS_WEIGHTS,
    CONTACT_ROLES,
    CREDIT_BANDS,
    CRITERION_BIAS,
    FX,
    GOALS,
    INCIDENT_HISTORY_DAYS,
    INCIDENT_TITLES,
    NOTIFY_HOW,
    NOTIFY_WHOM,
    PEOPLE,
    PRIORITY_WEIGHTS,
    ROOT_CAUSES,
    SECURITY_DATA,
    SECURITY_HISTORY_DAYS,
    SECURITY_INCIDENT_TITLES,
    SECURITY_SYSTEMS,
    STATUS_WEIGHTS,
    TIER_INCIDENTS,
    TIER_SECURITY_INCIDENTS,
    TIER_SLA,
    TIER_VALUE_EUR,
    TIER_WEIGHTS,
    WEEKDAYS,
)
from governance.domain import scheduling
from governance.domain.models.goals import Measures
from governance.models import (
    ActionItem,
    ClauseType,
    Contact,
    CreditPolicy,
    Goal,
    GoalCheckIn,
    Incident,
    Meeting,
    Priority,
    Review,
    ReviewScore,
    ReviewScoreCriterion,
    SecurityClause,
    Service,
    SLATarget,
    Vendor,
)


def _pick(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _money(value, places="0.01"):
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_EVEN)


def _first_of_month(day):
    return day.replace(day=1)


def _period_for(scheduled_for, cadence):
    """The period a review scheduled on ``scheduled_for`` covers: the whole cadence before
    the month it is held in. Periods of successive reviews are contiguous, as
    ``scheduling.next_period`` chains them."""
    end = _first_of_month(scheduled_for) - dt.timedelta(days=1)
    start = scheduling.add_cadence(_first_of_month(scheduled_for), cadence, times=-1)
    return start, end


class _Builder:
    def __init__(self, *, now, users, required, seed=0):
        self.now = now
        self.today = timezone.localdate(now)
        self.users = users
        self.required = required
        self.seed = seed

    def vendor(self, chunk, rng, index, name_parts):
        name, base, country = name_parts
        tier = _pick(rng, TIER_WEIGHTS)
        status = _pick(rng, STATUS_WEIGHTS)
        owner = self.users[index % len(self.users)]
        notice_days = rng.choice([30, 60, 90, 90, 90, 180])
        start, end = self._contract(rng, index, status, notice_days)
        cadence = scheduling.default_cadence_for_tier(tier)
        if rng.random() < 0.1:
            cadence = rng.choice(list(scheduling.CADENCE_MONTHS))
        low, high = TIER_VALUE_EUR[tier]
        value = rng.uniform(low, high) * FX[country.currency]
        services = rng.sample(
            [s for s in Service.values if s != Service.OTHER], k=rng.choice([1, 1, 2, 2, 3])
        )
        vendor = chunk.add(
            Vendor(
                name=name,
                services=services,
                tier=tier,
                status=status,
                owner=owner,
                time_zone=rng.choice(country.time_zones),
                country=country.code,
                contract_start=start,
                contract_end=end,
                renewal_notice_days=notice_days,
                annual_value=_money(round(value, -3)),
                currency=country.currency,
                review_cadence=cadence,
                notes=f"{Service(services[0]).label} provider based in {country.city}.",
            )
        )
        # How well this vendor performs, 1-5: drives scores, SLA hits and goal progress.
        quality = rng.uniform(2.0, 3.3) if status == "on_watch" else rng.uniform(2.9, 4.8)
        domain = slugify(base).replace("-", "") + ".example"
        contacts = self._contacts(chunk, rng, vendor, country, domain)
        targets = self._sla_targets(chunk, vendor, tier)
        self._reviews(chunk, rng, index, vendor, cadence, quality)
        self._goals(chunk, rng, vendor, quality, contacts[0])
        self._meetings(chunk, rng, vendor, country, contacts, domain)
        self._incidents(chunk, rng, index, vendor, targets, quality, country)
        breach = self._clauses(chunk, rng, index, vendor, domain)
        # What issue 14 added draws from a stream of its own, so that everything above is the
        # portfolio the same seed always gave.
        extra = random.Random(f"{self.seed}:{index}:contract-obligations")
        self._security_incidents(chunk, extra, index, vendor, targets, contacts, breach)
        self._credit_policy(chunk, extra, index, vendor)

    def _contract(self, rng, index, status, notice_days):
        today = self.today

        def days(low, high):
            return dt.timedelta(days=rng.randint(low, high))

        if status == "onboarding":
            start = today - days(5, 90)
            return start, start + dt.timedelta(days=365 * rng.choice([2, 3]))
        if status == "offboarding":
            return today - days(700, 2000), today + days(10, 120)
        if status == "ended":
            return today - days(800, 2500), today - days(15, 200)
        start = today - days(200, 2000)
        if index % 6 == 0 or rng.random() < 0.08:
            # Inside the notice period (deadline passed) or the deadline coming up: the
            # contract notice reminders have something to say.
            if rng.random() < 0.5:
                return start, today + days(7, notice_days)
            return start, today + dt.timedelta(days=notice_days) + days(1, 90)
        end = start + dt.timedelta(days=365 * rng.randint(2, 5))
        if end <= today + dt.timedelta(days=notice_days + 90):
            end = today + days(notice_days + 91, 1100)  # renewed
        return start, end

    def _contacts(self, chunk, rng, vendor, country, domain):
        first_names, last_names = PEOPLE[country.names]
        wanted, people = rng.randint(2, 4), set()
        while len(people) < wanted:
            people.add((rng.choice(first_names), rng.choice(last_names)))
        roles = rng.sample(CONTACT_ROLES, k=len(people))
        contacts = []
        for position, ((first, last), role) in enumerate(zip(sorted(people), roles, strict=True)):
            contacts.append(
                chunk.add(
                    Contact(
                        vendor=vendor,
                        name=f"{first} {last}",
                        email=f"{first}.{last}@{domain}".lower().replace(" ", ""),
                        role=role,
                        phone=f"{country.phone_prefix} {rng.randint(100, 999)} "
                        f"{rng.randint(1000, 9999)}",
                        is_primary=position == 0,
                    )
                )
            )
        return contacts

    def _sla_targets(self, chunk, vendor, tier):
        targets = {}
        for priority, (response, resolution) in zip(Priority.values, TIER_SLA[tier], strict=True):
            targets[priority] = chunk.add(
                SLATarget(
                    vendor=vendor,
                    priority=priority,
                    response_minutes=response,
                    resolution_minutes=resolution,
                )
            )
        return targets

    def _reviews(self, chunk, rng, index, vendor, cadence, quality):
        today = self.today
        months = scheduling.CADENCE_MONTHS[cadence]
        if vendor.status == "ended":
            upcoming = vendor.contract_end + dt.timedelta(days=rng.randint(1, 28 * months))
        elif vendor.status == "onboarding":
            upcoming = vendor.contract_start + dt.timedelta(days=rng.randint(20, 75))
        elif index % 5 == 1 or rng.random() < 0.12:
            upcoming = today - dt.timedelta(days=rng.randint(1, 25))  # overdue
        else:
            upcoming = today + dt.timedelta(days=rng.randint(1, 28 * months))
        if upcoming.day > 28:
            # Keep the calendar off month ends, where add_cadence would pin it to the last day:
            # an overdue review stays in the past, a future one in the future.
            upcoming = (
                upcoming.replace(day=28)
                if upcoming < today
                else _first_of_month(upcoming + dt.timedelta(days=4))
            )
        status = Review.Status.SCHEDULED
        if vendor.status == "ended":
            status = Review.Status.CANCELLED
        elif upcoming <= today + dt.timedelta(days=3) and rng.random() < 0.4:
            status = Review.Status.IN_PROGRESS
        period_start, period_end = _period_for(upcoming, cadence)
        chunk.add(
            Review(
                vendor=vendor,
                period_start=period_start,
                period_end=period_end,
                scheduled_for=upcoming,
                status=status,
                reviewer=vendor.owner,
            )
        )
        if vendor.status == "onboarding":
            return
        horizon = min(today, upcoming) - dt.timedelta(days=365)
        for times in itertools.count(1):
            held = scheduling.add_cadence(upcoming, cadence, times=-times)
            if held < horizon or held < vendor.contract_start:
                break
            self._completed_review(chunk, rng, vendor, cadence, held, quality)

    def _completed_review(self, chunk, rng, vendor, cadence, held, quality):
        zone = zoneinfo.ZoneInfo(vendor.time_zone)
        completed_at = dt.datetime.combine(
            held + dt.timedelta(days=rng.randint(0, 6)),
            dt.time(rng.randint(9, 16), rng.choice([0, 15, 30, 45])),
            tzinfo=zone,
        ).astimezone(dt.UTC)
        completed_at = min(completed_at, self.now - dt.timedelta(hours=1))
        scores = {
            criterion: min(5, max(1, round(rng.gauss(quality + CRITERION_BIAS[criterion], 0.6))))
            for criterion in ReviewScoreCriterion.values
        }
        # services.review_refresh_overall_score: mean of the scores, two places.
        overall = _money(Decimal(sum(scores.values())) / len(scores))
        period_start, period_end = _period_for(held, cadence)
        review = chunk.add(
            Review(
                vendor=vendor,
                period_start=period_start,
                period_end=period_end,
                scheduled_for=held,
                status=Review.Status.COMPLETED,
                reviewer=vendor.owner,
                overall_score=overall,
                summary=_review_summary(overall),
                completed_at=completed_at,
            )
        )
        for criterion, score in scores.items():
            chunk.add(
                ReviewScore(
                    review=review,
                    criterion=criterion,
                    score=score,
                    comment=_score_comment(criterion, score),
                )
            )
        count = 1 if overall >= 4 else rng.randint(1, 3)
        for description in rng.sample(ACTION_ITEMS, k=count):
            due = completed_at.date() + dt.timedelta(days=rng.choice([30, 45, 60]))
            if due < self.today:
                status = rng.choices(["done", "cancelled", "open"], weights=[80, 5, 15])[0]
            else:
                status = rng.choice(["open", "in_progress"])
            chunk.add(
                ActionItem(
                    vendor=vendor,
                    source=ActionItem.Source.REVIEW,
                    review=review,
                    description=description,
                    owner=vendor.owner if rng.random() < 0.6 else None,
                    due_date=due,
                    status=status,
                )
            )

    def _goals(self, chunk, rng, vendor, quality, vendor_owner):
        today = self.today
        count = rng.randint(1, 2) if vendor.status == "onboarding" else rng.randint(3, 5)
        for title, metric, unit, baseline, target, direction in rng.sample(GOALS, k=count):
            baseline, target = Decimal(str(baseline)), Decimal(str(target))
            start = max(vendor.contract_start, today - dt.timedelta(days=rng.randint(30, 330)))
            due = start + dt.timedelta(days=rng.randint(120, 365))
            if vendor.status == "ended":
                due = min(due, vendor.contract_end)
                start = min(start, due)
            goal = chunk.add(
                Goal(
                    vendor=vendor,
                    title=title.format(target=format(target.normalize(), "f")),
                    description=f"Agreed with {vendor.name} at the last steering committee.",
                    metric=metric,
                    unit=unit,
                    baseline=baseline,
                    target_value=target,
                    direction="higher_is_better" if direction == "h" else "lower_is_better",
                    owner=vendor.owner,
                    vendor_owner=vendor_owner,
                    start_date=start,
                    due_date=due,
                )
            )
            # Progress towards the target; good vendors overshoot the straight line a little.
            pace = rng.uniform(0.55, 1.0) * (quality / 4)
            latest = None
            for month in itertools.count(1):
                day = start + dt.timedelta(days=30 * month)
                if day > min(today, due):
                    break
                share = min(1.2, pace * (day - start).days / max(1, (due - start).days))
                share += rng.uniform(-0.04, 0.04)
                value = float(baseline) + float(target - baseline) * share
                latest = chunk.add(
                    GoalCheckIn(
                        goal=goal,
                        date=day,
                        value=_money(round(value, 2)),
                        note=rng.choice(["Monthly figure", "From the service report", ""]),
                        author=vendor.owner,
                    )
                )
            # services.goal_refresh_current_value: the latest check-in sets it.
            goal.current_value = latest.value if latest else None
            goal.status = _goal_status(rng, goal, latest, today)

    def _meetings(self, chunk, rng, vendor, country, contacts, domain):
        zone = vendor.time_zone
        last_day = vendor.contract_end if vendor.status == "ended" else self.today
        first = max(vendor.contract_start, last_day - dt.timedelta(days=rng.randint(60, 300)))
        until = ""
        if vendor.status == "ended":
            until = f";UNTIL={vendor.contract_end:%Y%m%d}T235959"
        plans = [
            (
                "Weekly operations sync",
                Meeting.Kind.OPERATIONAL,
                f"FREQ=WEEKLY;BYDAY={rng.choice(WEEKDAYS)}",
                rng.choice([30, 45, 60]),
            )
        ]
        if vendor.tier in ("critical", "high"):
            plans.append(
                (
                    "Steering committee",
                    Meeting.Kind.STEERING,
                    f"FREQ=MONTHLY;BYDAY=1{rng.choice(WEEKDAYS)}",
                    90,
                )
            )
        if vendor.tier != "low":
            plans.append(
                (
                    "Quarterly business review",
                    Meeting.Kind.QBR,
                    f"FREQ=MONTHLY;INTERVAL=3;BYDAY=2{rng.choice(WEEKDAYS)}",
                    120,
                )
            )
        for title, kind, rule, minutes in plans:
            local_day = _first_matching_day(first, rule)
            starts_at = dt.datetime.combine(
                local_day,
                dt.time(rng.randint(9, 15), rng.choice([0, 30])),
                tzinfo=zoneinfo.ZoneInfo(zone),
            ).astimezone(dt.UTC)
            channel = _pick(rng, {"video": 70, "phone": 10, "onsite": 20})
            room = f"{domain.split('.')[0][:12]}-{rng.randint(100, 999)}"
            location = {
                "video": f"https://meet.example.com/{room}",
                "phone": f"{country.phone_prefix} 555 0100, PIN {rng.randint(1000, 9999)}",
                "onsite": f"{vendor.name}, {country.city} office",
            }[channel]
            meeting = chunk.add(
                Meeting(
                    vendor=vendor,
                    title=f"{title}: {vendor.name}",
                    kind=kind,
                    starts_at=starts_at,
                    duration_minutes=minutes,
                    time_zone=zone,
                    recurrence=rule + until,
                    channel=channel,
                    location=location,
                    agenda="1. Actions from last time\n2. Service performance\n3. Risks and "
                    "changes\n4. Any other business",
                )
            )
            attendees = {vendor.owner}
            if rng.random() < 0.5:
                attendees.add(rng.choice(self.users))
            for user in sorted(attendees, key=lambda u: u.pk):
                chunk.add(Meeting.attendees.through(meeting=meeting, user=user))
            for contact in contacts[: rng.randint(1, min(2, len(contacts)))]:
                chunk.add(Meeting.contacts.through(meeting=meeting, contact=contact))

    def _incidents(self, chunk, rng, index, vendor, targets, quality, country):
        now = self.now
        window_start = max(
            now - dt.timedelta(days=INCIDENT_HISTORY_DAYS),
            dt.datetime.combine(vendor.contract_start, dt.time(), tzinfo=dt.UTC),
        )
        window_end = now
        if vendor.status == "ended":
            window_end = dt.datetime.combine(vendor.contract_end, dt.time(18), tzinfo=dt.UTC)
        low, high = TIER_INCIDENTS[vendor.tier]
        count = rng.randint(low, high) if window_end > window_start else 0
        if vendor.status == "onboarding":
            count = min(count, 3)
        # Response and resolution hit rates, from the vendor's quality.
        hit_rate = min(0.97, 0.45 + 0.11 * quality)
        key_prefix = "".join(word[0] for word in vendor.name.split()[:2]).upper()
        number = rng.randint(100, 5000)
        span = (window_end - window_start).total_seconds()
        openings = sorted(
            window_start + dt.timedelta(seconds=rng.uniform(0, span)) for _ in range(count)
        )
        plans = [(opened_at, _pick(rng, PRIORITY_WEIGHTS), None) for opened_at in openings]
        if vendor.status != "ended" and index % 3 == 0:
            # Acknowledged but open past its resolution target: a breach while still open.
            late = dt.timedelta(minutes=targets["P2"].resolution_minutes * rng.uniform(1.2, 3))
            plans.append((now - late, "P2", "acknowledged"))
        if vendor.status != "ended" and index % 4 == 0:
            just_in = dt.timedelta(minutes=rng.randint(5, 40))
            plans.append((now - just_in, "P3", "open"))
        for opened_at, priority, special in plans:
            target = targets[priority]
            response = target.response_minutes * (
                rng.uniform(0.1, 0.95) if rng.random() < hit_rate else rng.uniform(1.05, 2.5)
            )
            resolution = target.resolution_minutes * (
                rng.uniform(0.2, 0.95) if rng.random() < hit_rate - 0.05 else rng.uniform(1.05, 2)
            )
            resolution = max(resolution, response + 5)
            acknowledged_at = opened_at + dt.timedelta(minutes=response)
            resolved_at = opened_at + dt.timedelta(minutes=resolution)
            if special == "open":
                acknowledged_at = resolved_at = None
            elif special == "acknowledged":
                acknowledged_at = opened_at + dt.timedelta(minutes=target.response_minutes / 2)
                resolved_at = None
            if acknowledged_at and acknowledged_at > now:
                acknowledged_at = resolved_at = None
            if resolved_at and resolved_at > now:
                resolved_at = None
            if resolved_at is None:
                status = Incident.Status.ACKNOWLEDGED if acknowledged_at else Incident.Status.OPEN
            elif resolved_at > now - dt.timedelta(days=5):
                status = Incident.Status.RESOLVED
            else:
                status = Incident.Status.CLOSED
            service = rng.choice(vendor.services)
            number += 1
            chunk.add(
                Incident(
                    vendor=vendor,
                    external_id=f"{key_prefix}-{number}",
                    title=rng.choice(INCIDENT_TITLES[service]).format(city=country.city),
                    description="Reported through the service desk; see the ticket for logs.",
                    priority=priority,
                    service=service,
                    opened_at=opened_at,
                    acknowledged_at=acknowledged_at,
                    resolved_at=resolved_at,
                    status=status,
                    root_cause=rng.choice(ROOT_CAUSES) if resolved_at else "",
                    # services.incident_due_times: opened_at + the target's minutes.
                    response_due_at=opened_at + dt.timedelta(minutes=target.response_minutes),
                    resolution_due_at=opened_at + dt.timedelta(minutes=target.resolution_minutes),
                )
            )

    def _clauses(self, chunk, rng, index, vendor, domain):
        today = self.today
        types = list(self.required.get(vendor.tier, []))
        if vendor.tier in ("critical", "high") and "soc2" not in types and rng.random() < 0.5:
            types.append(ClauseType.SOC2.value)
        forced_missing = types[-1] if index % 4 == 1 and types else None
        forced_expiring = types[0] if index % 4 == 3 and types else None
        breach = None
        for clause_type in types:
            weights = dict(CLAUSE_STATUS_WEIGHTS)
            if vendor.status == "onboarding":
                weights.update(negotiating=40, missing=20)
            status = "missing" if clause_type == forced_missing else _pick(rng, weights)
            if clause_type == forced_expiring and status not in ("agreed", "verified"):
                status = "agreed"
            effective = None
            if status not in ("missing", "negotiating"):
                effective = vendor.contract_start
            expires = None
            if clause_type in ("iso27001", "soc2") and effective:
                expires = today + dt.timedelta(days=rng.randint(-30, 700))
            elif effective and rng.random() < 0.3:
                expires = vendor.contract_end
            # Rare beyond the forced ones: about 10,000 reminders are due at 10,000 vendors.
            if effective and (clause_type == forced_expiring or rng.random() < 0.01):
                expires = today + dt.timedelta(days=rng.randint(1, 60))  # expiry reminders
            if effective and expires and expires < effective:
                effective = expires - dt.timedelta(days=365)
            verified_on = next_due = None
            if status in ("verified", "non_compliant"):
                verified_on = today - dt.timedelta(days=rng.randint(10, 340))
                # services.clause_verify: next verification a year after the last one.
                next_due = scheduling.add_cadence(verified_on, "annual")
            parameters = dict(rng.choice(CLAUSE_PARAMETERS.get(clause_type, [{}])))
            notification = {}
            if clause_type == ClauseType.BREACH_NOTIFICATION:
                # The typed fields of the clause (the JSON box held the hours until 0011).
                notification = {
                    "notification_hours": parameters.pop("notification_hours"),
                    "notify_whom": NOTIFY_WHOM[index % len(NOTIFY_WHOM)],
                    "notify_how": NOTIFY_HOW[index % len(NOTIFY_HOW)],
                }
            clause = chunk.add(
                SecurityClause(
                    vendor=vendor,
                    clause_type=clause_type,
                    requirement=CLAUSE_REQUIREMENTS[clause_type],
                    parameters=parameters,
                    **notification,
                    status=status,
                    evidence_url=(
                        f"https://docs.example.com/{domain.split('.')[0]}/{clause_type}.pdf"
                        if status in ("agreed", "verified")
                        else ""
                    ),
                    effective_date=effective,
                    expires_on=expires,
                    last_verified_on=verified_on,
                    next_verification_due=next_due,
                )
            )
            if notification:
                breach = clause
        return breach

    def _security_incidents(self, chunk, rng, index, vendor, targets, contacts, breach):
        """Security incidents on the vendor's notification clock: most notified on time, a few
        late, some with personal data (the authority told in time or not), one still running
        for every sixth vendor."""
        now = self.now
        start = max(
            now - dt.timedelta(days=SECURITY_HISTORY_DAYS),
            dt.datetime.combine(vendor.contract_start, dt.time(), tzinfo=dt.UTC),
        )
        # Detected at least ten days ago: notified (2.5 windows at the latest) and closed by now.
        end = now - dt.timedelta(days=10)
        if vendor.status == "ended":
            end = min(end, dt.datetime.combine(vendor.contract_end, dt.time(), tzinfo=dt.UTC))
        low, high = TIER_SECURITY_INCIDENTS[vendor.tier]
        count = rng.randint(low, high) if end > start else 0
        plans = [start + (end - start) * rng.random() for _ in range(count)]
        plans = [(detected, "past") for detected in sorted(plans)]
        if index % 6 == 0 and vendor.status != "ended":
            plans.append((None, "running"))
        in_force = breach is not None and breach.status in SecurityClause.COVERING_STATUSES
        hours = breach.notification_hours if in_force else 72
        key_prefix = "".join(word[0] for word in vendor.name.split()[:2]).upper()
        informant = next((c for c in contacts if "security" in c.role), contacts[0])
        for number, (detected, kind) in enumerate(plans, start=1):
            priority = rng.choice(["P1", "P1", "P2"])
            target = targets[priority]
            # The first of every fifth vendor's, and one in ten of the rest, came late.
            late = (index % 5 == 2 and number == 1) or rng.random() < 0.1
            personal = rng.random() < 0.4
            if kind == "running":
                # Detected a third of the window ago, not notified yet: the dashboard's first
                # item. We opened it ourselves from an alert, so our own clock runs too.
                detected = now - dt.timedelta(hours=hours / 3)
                notified = None
                opened = detected + dt.timedelta(minutes=rng.randint(20, 90))
                personal = True
            else:
                share = rng.uniform(1.1, 2.5) if late else rng.uniform(0.1, 0.9)
                notified = detected + dt.timedelta(hours=hours * share)
                opened = notified
            opened = opened.replace(second=0, microsecond=0)
            acknowledged = resolved = contained = authority = None
            if kind == "past":
                acknowledged = opened + dt.timedelta(minutes=target.response_minutes * 0.5)
                contained = detected + dt.timedelta(hours=rng.uniform(2, 30))
                resolution = target.resolution_minutes * rng.uniform(0.5, 1.6)
                resolved = max(opened, contained) + dt.timedelta(minutes=resolution)
                if personal:
                    # GDPR art. 33: 72 h from our awareness; one in five told late.
                    authority = opened + dt.timedelta(
                        hours=rng.uniform(80, 110) if rng.random() < 0.2 else rng.uniform(8, 60)
                    )
            moments = [acknowledged, resolved, contained, authority]
            acknowledged, resolved, contained, authority = (
                moment if moment is None or moment <= now else None for moment in moments
            )
            if resolved is None:
                status = Incident.Status.ACKNOWLEDGED if acknowledged else Incident.Status.OPEN
            else:
                status = Incident.Status.CLOSED
            chunk.add(
                Incident(
                    vendor=vendor,
                    category=Incident.Category.SECURITY,
                    external_id=f"{key_prefix}-SEC-{index % 1000:03d}{number}",
                    title=rng.choice(SECURITY_INCIDENT_TITLES),
                    description="Reported under the breach-notification clause; see the "
                    "vendor's incident report.",
                    priority=priority,
                    service=Service.SECURITY,
                    opened_at=opened,
                    acknowledged_at=acknowledged,
                    resolved_at=resolved,
                    status=status,
                    root_cause=rng.choice(ROOT_CAUSES) if resolved else "",
                    detected_at=detected,
                    vendor_notified_at=notified,
                    notified_by=informant.name if notified else "",
                    personal_data_affected=personal,
                    systems_affected=rng.choice(SECURITY_SYSTEMS),
                    data_involved=rng.choice(SECURITY_DATA),
                    contained_at=contained,
                    authority_notified_at=authority,
                    # services.incident_due_times: opened_at + the target's minutes.
                    response_due_at=opened + dt.timedelta(minutes=target.response_minutes),
                    resolution_due_at=opened + dt.timedelta(minutes=target.resolution_minutes),
                )
            )

    def _credit_policy(self, chunk, rng, index, vendor):
        """A credit policy for every other vendor (and every vendor on watch): bands, amounts
        per breach, or both, under a cap; the fee its annual value / 12, or its own."""
        if vendor.status == "onboarding" or not (index % 2 == 0 or vendor.status == "on_watch"):
            return
        style = ("bands", "per_breach", "both")[(index // 2) % 3]
        fee = vendor.annual_value / 12
        own_fee = rng.random() < 0.25
        if own_fee:
            fee = _money(round(fee * Decimal("0.8"), -2))
        bands = rng.choice(CREDIT_BANDS) if style != "per_breach" else []
        per_breach = {}
        if style != "bands":
            # Whole amounts in the contract's currency, scaled to the fee.
            per_breach = {
                "P1": int(round(fee / 50, -1)) or 10,
                "P2": int(round(fee / 200, -1)) or 5,
            }
        chunk.add(
            CreditPolicy(
                vendor=vendor,
                monthly_fee=fee if own_fee else None,
                currency=vendor.currency,
                bands=bands,
                per_breach=per_breach,
                cap_percent=Decimal(rng.choice([10, 15, 20, 25])),
                claim_window_days=rng.choice([30, 60, 90]),
            )
        )


def _first_matching_day(first, rule):
    """The first day on or after ``first`` that the (weekly or nth-weekday monthly) rule hits."""
    parts = dict(item.split("=") for item in rule.split(";"))
    byday = parts["BYDAY"]
    weekday = WEEKDAYS.index(byday[-2:])
    if parts["FREQ"] == "WEEKLY":
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7)
    nth = int(byday[:-2])
    month = _first_of_month(first)
    while True:
        day = month + dt.timedelta(days=(weekday - month.weekday()) % 7 + 7 * (nth - 1))
        if day >= first:
            return day
        month = _first_of_month(month + dt.timedelta(days=32))


def _goal_status(rng, goal, latest, today):
    """A proposed or agreed goal while nothing is measured; then the status the check-ins
    give (``Goal.standing``, as the services write it), now and then dropped once due."""
    if latest is None:
        return rng.choice([Goal.Status.PROPOSED, Goal.Status.AGREED])
    if goal.due_date < today and rng.random() < 0.05:
        return Goal.Status.DROPPED
    goal.status = Goal.Status.AGREED
    # The demo's goals all have a baseline: the first check-in is not needed.
    measures = Measures(latest.value, latest.date, latest.value, latest.date)
    return goal.derived_status(measures, today=today)


def _review_summary(overall):
    if overall >= 4:
        return "Strong period: targets met, proactive communication, few escalations."
    if overall >= 3:
        return "Solid delivery overall; follow up on the action items before the next review."
    return "Below expectations: recurring SLA misses. Improvement plan agreed."


def _score_comment(criterion, score):
    if score >= 4:
        return ""
    label = ReviewScoreCriterion(criterion).label.lower()
    return f"{label.capitalize()} needs attention." if score <= 2 else f"Acceptable {label}."
