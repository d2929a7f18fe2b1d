"""An API list's ``count`` is the true number of rows, whatever door added or removed them:
the stored row counts (database triggers) stand in for COUNT(*) on unfiltered lists."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from governance import selectors, services
from governance.models import (
    EscalationContact,
    Incident,
    Reminder,
    Review,
    RowCount,
    VendorFigures,
)
from governance.services import figures
from tests.api.conftest import client_for
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
    scored,
)

pytestmark = pytest.mark.django_db

# API list -> the model it lists (every counted model).
LISTS = {
    "/api/v1/contacts/": "Contact",
    "/api/v1/goals/": "Goal",
    "/api/v1/reviews/": "Review",
    "/api/v1/meetings/": "Meeting",
    "/api/v1/sla-targets/": "SLATarget",
    "/api/v1/incidents/": "Incident",
    "/api/v1/clauses/": "SecurityClause",
    "/api/v1/reminders/": "Reminder",
}


def every_row(api, url):
    """(count, number of rows actually served) walking every page of ``url``."""
    served, page = 0, f"{url}?page_size=500"
    body = None
    while page:
        body = api.get(page).json()
        served += len(body["results"])
        page = body["next"]
    return body["count"], served


def furnish(vendor, owner, n):
    for i in range(n):
        ContactFactory(vendor=vendor)
        GoalFactory(vendor=vendor)
        ReviewFactory(vendor=vendor, scheduled_for=dt.date(2026, 4, 1) + dt.timedelta(days=i))
        MeetingFactory(vendor=vendor)
        IncidentFactory(vendor=vendor)
        ClauseFactory(
            vendor=vendor, clause_type=["confidentiality", "right_to_audit", "iso27001"][i]
        )
    SLATargetFactory(vendor=vendor)
    review = vendor.reviews.first()
    Reminder.objects.create(
        kind=Reminder.Kind.REVIEW_UPCOMING,
        content_type=ContentType.objects.get_for_model(Review),
        object_id=review.pk,
        vendor=vendor,
        occurrence=dt.datetime(2026, 4, 1, 8, tzinfo=dt.UTC),
        lead_time=dt.timedelta(days=7),
        recipient=owner,
    )


def test_every_lists_count_is_the_rows_it_serves_through_creates_and_deletes(owner, vendor):
    other = VendorFactory(owner=UserFactory())
    furnish(vendor, owner, 3)
    furnish(other, owner, 2)
    # A digest belongs to no vendor: the recipient sees it, nobody else does.
    Reminder.objects.create(
        kind=Reminder.Kind.DIGEST,
        content_type=ContentType.objects.get_for_model(VendorFigures),
        object_id=0,
        occurrence=dt.datetime(2026, 4, 6, 8, tzinfo=dt.UTC),
        lead_time=dt.timedelta(0),
        recipient=owner,
    )
    api, colleague = client_for(owner), client_for(UserFactory(username="colleague"))
    for url in LISTS:
        count, served = every_row(api, url)
        assert count == served > 0, url
        assert every_row(colleague, url)[0] == every_row(colleague, url)[1], url

    # Rows going by every door: a service, the ORM, a bulk delete, a cascade.
    incident = Incident.objects.filter(vendor=vendor).first()
    api.delete(f"/api/v1/incidents/{incident.pk}/")
    Incident.objects.filter(vendor=other).delete()
    vendor.contacts.filter(is_primary=False).first().delete()
    Review.objects.filter(vendor=other).delete()  # scores and reminders' reviews with them
    IncidentFactory.create_batch(4, vendor=other)
    for url in LISTS:
        count, served = every_row(api, url)
        assert count == served, url


def test_a_filtered_list_counts_its_rows(owner, vendor):
    furnish(vendor, owner, 3)
    Incident.objects.filter(pk=Incident.objects.first().pk).update(status="resolved")
    body = client_for(owner).get("/api/v1/incidents/?status=open").json()
    assert body["count"] == len(body["results"]) == 2


def stored(model):
    return selectors.counted_rows(model)


def test_a_bulk_insert_a_bulk_delete_and_a_move_keep_the_count(owner, vendor):
    other = VendorFactory(owner=owner)
    Incident.objects.bulk_create(
        Incident(
            vendor=vendor,
            external_id=f"BULK-{n}",
            title="Bulk",
            priority="P3",
            opened_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        )
        for n in range(120)
    )
    assert stored(Incident) == Incident.objects.count() == 120
    Incident.objects.filter(external_id__in=["BULK-1", "BULK-2"]).update(vendor=other)
    Incident.objects.filter(vendor=vendor, external_id__lt="BULK-5").delete()
    assert stored(Incident) == Incident.objects.count()


def test_compacting_folds_the_deltas_and_keeps_the_totals(owner, vendor):
    furnish(vendor, owner, 3)
    Incident.objects.filter(vendor=vendor).first().delete()
    before = {model: stored(model) for model in figures.COUNTED}
    assert RowCount.objects.filter(table_name=Incident._meta.db_table).count() > 2
    assert figures.row_counts_compact() > 0
    assert {model: stored(model) for model in figures.COUNTED} == before
    for model in figures.COUNTED:
        assert RowCount.objects.filter(table_name=model._meta.db_table).count() == 1
    assert figures.row_counts_compact() == 0


def test_digests_count_for_their_recipient_only(owner, vendor):
    digest_type = ContentType.objects.get_for_model(VendorFigures)
    for user in (owner, UserFactory()):
        Reminder.objects.create(
            kind=Reminder.Kind.DIGEST,
            content_type=digest_type,
            object_id=0,
            occurrence=dt.datetime(2026, 4, 6, 8, tzinfo=dt.UTC),
            lead_time=dt.timedelta(0),
            recipient=user,
        )
    assert stored(Reminder) == 0  # rows of no vendor are not in the vendors' count
    body = client_for(owner).get("/api/v1/reminders/").json()
    assert body["count"] == len(body["results"]) == 1


def installed_triggers():
    """{(table, event)} of the row count triggers the migration installed."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Statement triggers: one delta row per statement, however many rows it touched.
            cursor.execute(
                "SELECT event_object_table, event_manipulation FROM information_schema.triggers"
                " WHERE trigger_name LIKE %s AND action_orientation = 'STATEMENT'",
                ["governance_%_count_%"],
            )
            return set(cursor.fetchall())
        cursor.execute(
            "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            ["governance_%_count_%"],
        )
        return {
            (table, event)
            for table, sql in cursor.fetchall()
            for event in ("INSERT", "DELETE")
            if f"AFTER {event} ON {table}" in sql
        }


def test_the_triggers_are_installed_for_every_counted_table():
    assert installed_triggers() == {
        (model._meta.db_table, event) for model in figures.COUNTED for event in ("INSERT", "DELETE")
    }


def test_completing_a_review_counts_the_next_one_it_schedules(owner, vendor):
    review = scored(ReviewFactory(vendor=vendor, scheduled_for=dt.date(2026, 4, 1)))
    services.review_complete(review, today=dt.date(2026, 4, 1))
    count, served = every_row(client_for(owner), "/api/v1/reviews/")
    assert count == served == 2


def test_the_escalation_contacts_total_is_the_rows_served_through_every_door(owner, vendor):
    other = VendorFactory(owner=UserFactory())
    for target in (vendor, other):
        for level in (1, 2, 3):
            services.escalation_contact_save(
                EscalationContact(
                    vendor=target, level=level, topic="service", side="ours", user=owner
                )
            )
    api = client_for(owner)
    assert every_row(api, "/api/v1/escalation-contacts/") == (6, 6)
    assert stored(EscalationContact) == 6

    first = EscalationContact.objects.filter(vendor=vendor).first()
    assert api.delete(f"/api/v1/escalation-contacts/{first.pk}/").status_code == 204
    EscalationContact.objects.filter(vendor=other, level=3).delete()

    assert every_row(api, "/api/v1/escalation-contacts/") == (4, 4)
    assert stored(EscalationContact) == 4
