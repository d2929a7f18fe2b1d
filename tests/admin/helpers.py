"""What the admin tests share: admin URLs, a portfolio with a row of every kind, messages."""

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.models import (
    ActionItem,
    CreditPolicy,
    EscalationContact,
    GoalCheckIn,
    Reminder,
    Review,
    ReviewScore,
    VendorActivity,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from tests.factories import (
    ClauseFactory,
    ContactFactory,
    GoalFactory,
    IncidentFactory,
    MeetingFactory,
    ReviewFactory,
    SLATargetFactory,
    VendorFactory,
)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def portfolio(count, owner):
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
        proposal = services.agenda_propose(
            meeting=meeting, author=owner, text="Review the patch window"
        )
        # What a representative's proposal records (ours records none).
        VendorActivity.objects.create(
            vendor=vendor,
            kind=VendorActivity.Kind.AGENDA_PROPOSED,
            proposal=proposal,
            meeting=meeting,
            comment="Review the patch window",
        )
        held = services.occurrence_record(
            services.occurrence_of(meeting, meeting.starts_at), minutes="Patch window agreed"
        )
        services.decision_add(held, text="Patch on the first Sunday", by=owner)
        services.incident_save(IncidentFactory.build(vendor=vendor))
        ClauseFactory(vendor=vendor)
        services.credit_policy_save(CreditPolicy(vendor=vendor, monthly_fee=Decimal(1000)))
        services.credit_statement_compute(vendor, month=timezone.localdate())
        services.escalation_contact_save(
            EscalationContact(vendor=vendor, level=1, topic="service", side="ours", user=owner)
        )
        services.snooze_set(owner, review, until=timezone.localdate() + dt.timedelta(days=5))
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
        # A webhook of the vendor's events (a public address: no lookup) and one failed
        # delivery with its attempt.
        hook = WebhookSubscription.objects.create(
            url=f"https://93.184.216.34/hooks/{vendor.pk}",
            events=["incident.created"],
            vendor=vendor,
            owner=owner,
        )
        event = WebhookEvent.objects.create(type="incident.created", vendor=vendor, data={})
        delivery = WebhookDelivery.objects.create(
            event=event, subscription=hook, status="failed", attempts=1, last_status_code=500
        )
        WebhookAttempt.objects.create(delivery=delivery, status_code=500, response_excerpt="oops")


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def vendor_form(owner, **overrides):
    """The vendor add form as a browser sends it, with one SLA target row."""
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
