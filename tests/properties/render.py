"""Read back everything the application shows, feeds, exports or sends, and list what failed.

``Outputs(world).problems()`` renders every page of the web UI, the vendor portal and the admin
for every stored row, every CSV export, both calendar feeds and every meeting's .ics, every
API list and detail (occurrences and scorecards too), runs the reminder sweep and sends what
it found at the present moment and near both ends of the date window, and refreshes the
stored figures. It returns one line per failure (empty: all well), so a property test can say
exactly which output a stored row broke.
"""

import csv
import datetime as dt
import io
import json
import re

import icalendar
import time_machine
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core import mail
from django.db.models import Max, Q
from django.test import Client
from django.urls import reverse

from governance import reminders
from governance.models import (
    ActionItem,
    AgendaProposal,
    Contact,
    Goal,
    Incident,
    Meeting,
    Reminder,
    Review,
    SecurityClause,
    SLATarget,
    UserProfile,
    Vendor,
)
from governance.services import figures
from tests.api.conftest import token_for
from tests.world import NOW

# The admin's change pages read back: model -> the path from a row to its vendor (None: users).
ADMIN_ROWS = {
    Vendor: "pk",
    Contact: "vendor",
    Goal: "vendor",
    Review: "vendor",
    ActionItem: "review__vendor",
    Meeting: "vendor",
    AgendaProposal: "meeting__vendor",
    SLATarget: "vendor",
    Incident: "vendor",
    SecurityClause: "vendor",
    Reminder: "vendor",
    get_user_model(): None,
}
NEW_FORMS = [
    "goals/new/",
    "reviews/new/",
    "meetings/new/",
    "incidents/new/",
    "sla-targets/new/",
    "clauses/new/",
    "contacts/new/",
]


def snapshot():
    """The last id of every table the admin pages read: ``Outputs(since=...)``."""
    return {model: model.objects.aggregate(last=Max("pk"))["last"] or 0 for model in ADMIN_ROWS}


# iCalendar content lines may hold a tab but no other control character (RFC 5545 3.1).
ICS_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")

SECTIONS = [
    "contacts",
    "goals",
    "reviews",
    "meetings",
    "incidents",
    "clauses",
    "reminders",
    "credits",
]
API_LISTS = [
    "vendors",
    "contacts",
    "goals",
    "reviews",
    "meetings",
    "sla-targets",
    "incidents",
    "clauses",
    "reminders",
    "users",
]
# The moments the reminder sweep and the figures run at: now, and near both ends of the
# window every stored date keeps (governance.domain.bounds), where date arithmetic would overflow.
SWEEP_MOMENTS = [
    NOW,
    dt.datetime(1900, 1, 2, 12, tzinfo=dt.UTC),
    dt.datetime(2199, 12, 30, 12, tzinfo=dt.UTC),
]
# Occurrence ranges asked of every meeting through the API (at most 366 days each, within
# the window as the API judges it: in UTC).
OCCURRENCE_RANGES = [
    ("2026-03-01T00:00:00Z", "2027-03-01T00:00:00Z"),
    ("1900-01-01T00:00:00Z", "1900-12-31T00:00:00-12:00"),
    ("2199-01-02T00:00:00+14:00", "2199-12-31T23:59:59Z"),
]
# The portfolio-wide lists and the clause-gap matrix (issue 17).
PORTFOLIO_LISTS = ["incidents", "reviews", "clauses", "goals", "clauses/gaps"]

# The zones pages are rendered in: dates shift by up to a day either way.
RENDER_ZONES = {"admin": "Pacific/Kiritimati", "owner": "Etc/GMT+12", "rep": "America/New_York"}


def browser(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def api_client(user):
    return Client(
        raise_request_exception=False, headers={"Authorization": f"Token {token_for(user)}"}
    )


def describe(response):
    """A failed response in one line: status, and the exception behind a 500 if any."""
    text = str(response.status_code)
    exc_info = getattr(response, "exc_info", None)
    if exc_info:
        text += f" {exc_info[0].__name__}: {str(exc_info[1])[:300]}"
    return text


def set_time_zone(user, zone):
    UserProfile.objects.filter(user=user).update(time_zone=zone)


class Outputs:
    """Every output of the application, read as the world's administrator, owner and rep."""

    def __init__(self, world, since=None):
        self.world = world
        self.since = since or {}
        people = world.people
        for name, zone in RENDER_ZONES.items():
            set_time_zone(people[name], zone)
        self.admin = browser(people["admin"])
        self.owner = browser(people["owner"])
        self.rep = browser(people["rep"])
        self.api = api_client(people["admin"])
        self.failures = []

    # --- checks ----------------------------------------------------------------------------

    def get(self, client, url, *, ok=(200,), check=None):
        response = client.get(url)
        if response.status_code not in ok:
            self.failures.append(f"GET {url}: {describe(response)}")
            return None
        if check is not None and response.status_code == 200:
            try:
                check(response)
            except Exception as error:
                self.failures.append(f"GET {url}: {type(error).__name__}: {error}"[:500])
        return response

    @staticmethod
    def csv_rows(response):
        assert response["Content-Type"].startswith("text/csv"), response["Content-Type"]
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))

    @staticmethod
    def ics(response):
        body = response.content
        for line in body.split(b"\r\n"):
            assert not ICS_CONTROL.search(line), line[:200]
        icalendar.Calendar.from_ical(body)

    @staticmethod
    def json_body(response):
        json.loads(response.content)

    # --- the outputs -----------------------------------------------------------------------

    def problems(self):
        """Run every output; one line per failure."""
        mail.outbox.clear()
        self.reminders_and_figures()
        self.internal_pages()
        self.feeds()
        self.api_outputs()
        self.portal_pages()
        self.admin_pages()
        return self.failures

    def reminders_and_figures(self):
        for moment in SWEEP_MOMENTS:
            with time_machine.travel(moment, tick=False):
                try:
                    figures.refresh_all(now=moment)
                    result = reminders.sweep(now=moment, enqueue=False)
                    outcomes = list(reminders.deliver_each(result.to_send))
                except Exception as error:
                    self.failures.append(f"sweep at {moment:%Y-%m-%d}: {error!r}"[:500])
                    continue
            for outcome in outcomes:
                if outcome.status == reminders.FAILED:
                    self.failures.append(
                        f"reminder {outcome.reminder_id} at {moment:%Y-%m-%d}: {outcome.detail}"[
                            :500
                        ]
                    )
        for message in mail.outbox:
            if re.search(r"[\x00-\x1f\x7f\u2028\u2029]", message.subject):
                self.failures.append(f"email subject not on one line: {message.subject!r}")

    def internal_pages(self):
        client = self.admin
        for url in [
            "/",
            "/vendors/",
            "/vendors/?sort=health",
            "/account/preferences/",
            "/action-items/?scope=all&status=any",
            "/account/snoozes/",
            # The portfolio lists and the clause-gap matrix (their widest filters).
            "/incidents/?scope=all&breach=1",
            "/incidents/?scope=all&sort=-due",
            "/reviews/?scope=all&due=soon",
            "/clauses/?scope=all&expiring=3660",
            "/goals/?scope=all&due_within=3660",
            "/clauses/gaps/?scope=all",
        ]:
            self.get(client, url)
            self.get(self.owner, url)
        for url in [
            "/?export=csv",
            "/vendors/?export=csv",
            "/action-items/?scope=all&export=csv",
            *(f"/{path}/?scope=all&export=csv" for path in PORTFOLIO_LISTS),
        ]:
            self.get(client, url, check=self.csv_rows)
            self.get(self.owner, url, check=self.csv_rows)
        # The forms for new records list the vendor's contacts and the people to choose.
        for suffix in NEW_FORMS:
            self.get(client, f"/vendors/{self.world.own.vendor.pk}/{suffix}")
        for vendor in Vendor.objects.order_by("pk"):
            base = f"/vendors/{vendor.pk}/"
            for suffix in ["", "edit/", "scorecard/", "history/", "delete/", "escalation/"]:
                self.get(client, base + suffix)
            self.get(self.owner, base)
            for section in SECTIONS:
                self.get(client, f"{base}{section}/")
                self.get(client, f"{base}{section}/?export=csv", check=self.csv_rows)
            # SLA compliance for a decade from the first day of the date window, and its last day.
            for period in ["start=1900-01-01&end=1910-01-01", "start=2199-12-31&end=2199-12-31"]:
                self.get(client, f"{base}credits/?{period}")
            for goal in vendor.goals.all():
                self.get(client, f"{base}goals/{goal.pk}/")
                self.get(client, f"{base}goals/{goal.pk}/edit/")
            for review in vendor.reviews.all():
                self.get(client, f"{base}reviews/{review.pk}/")
                self.get(client, f"{base}reviews/{review.pk}/edit/", ok=(200, 302))
            for meeting in vendor.meetings.all():
                self.get(client, f"{base}meetings/{meeting.pk}/")
                self.get(client, f"{base}meetings/{meeting.pk}/edit/")
                self.get(client, f"{base}meetings/{meeting.pk}/ics/", check=self.ics)
            for incident in vendor.incidents.all():
                self.get(client, f"{base}incidents/{incident.pk}/edit/")
                self.get(client, f"{base}incidents/{incident.pk}/resolve/")
            for target in vendor.sla_targets.all():
                self.get(client, f"{base}sla-targets/{target.pk}/edit/")
            for clause in vendor.clauses.all():
                self.get(client, f"{base}clauses/{clause.pk}/edit/")
                if clause.evidence_file:
                    self.get(client, f"{base}clauses/{clause.pk}/evidence/")
            for contact in vendor.contacts.all():
                self.get(client, f"{base}contacts/{contact.pk}/edit/")

    def feeds(self):
        for name in ("owner", "admin"):
            token = UserProfile.objects.get(user=self.world.people[name]).calendar_token
            self.get(self.owner, f"/calendar/{token}.ics", check=self.ics)
            for pk in Vendor.objects.values_list("pk", flat=True):
                self.get(self.owner, f"/calendar/{token}/vendors/{pk}.ics", check=self.ics)

    def api_outputs(self):
        api = self.api
        for name in API_LISTS:
            listed = self.get(api, f"/api/v1/{name}/?page_size=500", check=self.json_body)
            if listed is None:
                continue
            for row in json.loads(listed.content)["results"]:
                self.get(api, f"/api/v1/{name}/{row['id']}/", check=self.json_body)
        for pk in Vendor.objects.values_list("pk", flat=True):
            for suffix in ["scorecard/", "managers/", "history/"]:
                self.get(api, f"/api/v1/vendors/{pk}/{suffix}", check=self.json_body)
        for pk in Goal.objects.values_list("pk", flat=True):
            self.get(api, f"/api/v1/goals/{pk}/check-ins/", check=self.json_body)
        for pk in Meeting.objects.values_list("pk", flat=True):
            for start, end in OCCURRENCE_RANGES:
                query = f"start={start}&end={end}".replace("+", "%2B")
                self.get(api, f"/api/v1/meetings/{pk}/occurrences/?{query}", check=self.json_body)

    def portal_pages(self):
        client = self.rep
        vendor = Vendor.objects.get(pk=self.world.own.vendor.pk)
        if vendor.status == Vendor.Status.ENDED:
            # A door ended the relationship: the portal closed with it.
            self.get(client, "/portal/", ok=(403,))
            return
        for suffix in [
            "",
            "goals/",
            "reviews/",
            "meetings/",
            "incidents/",
            "incidents/new/",
            "credits/",
            "action-items/",
            "escalation/",
        ]:
            self.get(client, f"/portal/{suffix}")
        for goal in vendor.goals.all():
            self.get(client, f"/portal/goals/{goal.pk}/")
        for review in vendor.reviews.exclude(status=Review.Status.CANCELLED):
            self.get(client, f"/portal/reviews/{review.pk}/")
        for meeting in vendor.meetings.all():
            self.get(client, f"/portal/meetings/{meeting.pk}/")
        for incident in vendor.incidents.all():
            self.get(client, f"/portal/incidents/{incident.pk}/")

    def admin_pages(self):
        client = self.admin
        for model in admin.site._registry:
            if model._meta.app_label == "governance" or model is get_user_model():
                self.get(client, _admin_url(model, "changelist"))
                self.get(client, _admin_url(model, "changelist") + "?q=%E2%80%AE")
        # Change pages (a second or so each with thousands of choices): the own vendor's
        # rows, the people the doors write, and every row added since ``since``.
        own = self.world.own.vendor.pk
        people = [self.world.people[name].pk for name in ("admin", "owner", "rep", "viewer")]
        for model, path in ADMIN_ROWS.items():
            rows = Q(pk__gt=self.since.get(model, 0))
            rows |= Q(pk__in=people) if path is None else Q(**{path: own})
            for pk in model.objects.filter(rows).values_list("pk", flat=True):
                self.get(client, _admin_url(model, "change", pk))


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
