"""The access matrix: every role x every page, API operation, export and feed x both vendors.

For each role one test walks every probe against the own vendor (owned by ``owner``,
``assigned`` is assigned to it, ``rep`` represents it) and the other vendor (owned by a third
manager, represented by ``other_rep``), and asserts allowed or refused. Each probe runs in a
transaction rolled back afterwards, so every probe sees the same data and the writes that
are allowed really happen (a refused one must come back 403/404, an allowed one with the
status it documents). All mismatches are reported at once.
"""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, resolve
from rest_framework.test import APIClient

from governance.domain import access
from governance.models import (
    ActionItem,
    Goal,
    ImportJob,
    Incident,
    Meeting,
    Review,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from tests.api.conftest import token_for
from tests.world import INTERNAL_ROLES, PASSWORD, ROLES, SIGNED_OUT_ROLES

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"

# What a probe needs (see ``allowed``).
READ, HISTORY, WRITE, ASSIGN, CREATE_VENDOR, PORTFOLIO = (
    "read",
    "history",
    "write",
    "assign",
    "create_vendor",
    "portfolio",
)
PORTAL, PORTAL_PAGE, ACCOUNT, ADMIN, TOKEN = "portal", "portal_page", "account", "admin", "token"
FEED = "feed"
# A site-wide setting through the API (the required clause set): administrators only.
SITE_SETTING = "site_setting"
OWN_SNOOZE = "own_snooze"  # a person's own snooze: the world's is the owner's
OWN_IMPORT = "own_import"  # a person's own spreadsheet import: ``owner_import``'s
# An activity of a vendor's inbox: a manager hears from the vendors they own or are assigned
# to; administrators, viewers and auditors from every vendor.
INBOX = "inbox"
# Proposing an agenda item through the API: managers and administrators, for any meeting.
PROPOSE = "propose"


def allowed(role, scope, need):
    """The rule under test, written out plainly for every role."""
    if need == PORTAL:  # a record in the vendor portal: only its own vendor's representative
        return (role, scope) in {("rep", "own"), ("other_rep", "other")}
    if need == PORTAL_PAGE:
        return role in ("rep", "other_rep")
    if need == ACCOUNT:  # every user with a role, representatives of an ended vendor too
        return role in (*INTERNAL_ROLES, "rep", "other_rep", "ended_rep")
    if need in (ADMIN, SITE_SETTING):
        return role == "admin"
    if need in (OWN_SNOOZE, OWN_IMPORT):
        return role == "owner"
    if role not in INTERNAL_ROLES:
        return False
    if need in (READ, PORTFOLIO, FEED, TOKEN):
        return True
    if need == HISTORY:
        return role != "viewer"
    if need in (CREATE_VENDOR, PROPOSE):
        return role in ("admin", "owner", "assigned", "member")
    if need == INBOX:
        return role in ("admin", "viewer", "auditor") or (
            scope == "own" and role in ("owner", "assigned")
        )
    if need == WRITE:
        return role == "admin" or (scope == "own" and role in ("owner", "assigned"))
    if need == ASSIGN:
        return role == "admin" or (scope == "own" and role == "owner")
    raise AssertionError(need)


@dataclass
class Probe:
    name: str
    method: str
    path: object  # (records) -> path, records being world.own or world.other
    need: str
    ok: tuple = (200,)
    data: object = None  # (records, world) -> body
    api: bool = False
    per_vendor: bool = True
    refused: tuple = (403, 404)

    def url(self, records):
        return self.path(records) if callable(self.path) else self.path

    def body(self, records, world):
        return self.data(records, world) if callable(self.data) else self.data


def v(suffix=""):
    return lambda r: f"/vendors/{r.vendor.pk}/{suffix}"


def _check_in(r, w):
    return {"date": "2026-03-01", "value": "75", "note": "Better"}


WEB = [
    # Reading the workspace, its sections, their CSV exports and downloads.
    Probe("workspace", "get", v(), READ),
    Probe("scorecard", "get", v("scorecard/"), READ),
    Probe("goals", "get", v("goals/"), READ),
    Probe("goals csv", "get", v("goals/?export=csv"), READ),
    Probe("goal", "get", lambda r: f"/vendors/{r.vendor.pk}/goals/{r.goal.pk}/", READ),
    Probe("reviews", "get", v("reviews/"), READ),
    Probe("reviews csv", "get", v("reviews/?export=csv"), READ),
    Probe("review", "get", lambda r: f"/vendors/{r.vendor.pk}/reviews/{r.review.pk}/", READ),
    Probe("meetings", "get", v("meetings/"), READ),
    Probe("meetings csv", "get", v("meetings/?export=csv"), READ),
    Probe("meeting", "get", lambda r: f"/vendors/{r.vendor.pk}/meetings/{r.meeting.pk}/", READ),
    Probe(
        "meeting .ics",
        "get",
        lambda r: f"/vendors/{r.vendor.pk}/meetings/{r.meeting.pk}/ics/",
        READ,
    ),
    Probe("incidents", "get", v("incidents/"), READ),
    Probe("incidents csv", "get", v("incidents/?export=csv"), READ),
    Probe(
        "incident page",
        "get",
        lambda r: f"/vendors/{r.vendor.pk}/incidents/{r.incident.pk}/",
        READ,
    ),
    Probe("clauses", "get", v("clauses/"), READ),
    Probe("clauses csv", "get", v("clauses/?export=csv"), READ),
    Probe(
        "evidence",
        "get",
        lambda r: f"/vendors/{r.vendor.pk}/clauses/{r.clause.pk}/evidence/",
        READ,
    ),
    Probe("contacts", "get", v("contacts/"), READ),
    Probe("contacts csv", "get", v("contacts/?export=csv"), READ),
    Probe("reminders", "get", v("reminders/"), READ),
    Probe("reminders csv", "get", v("reminders/?export=csv"), READ),
    Probe("history", "get", v("history/"), HISTORY),
    # The forms that change things, opened and posted.
    Probe("edit vendor", "get", v("edit/"), WRITE),
    Probe("save vendor (invalid)", "post", v("edit/"), WRITE, data={"name": ""}),
    Probe("new goal", "get", v("goals/new/"), WRITE),
    Probe("add goal (invalid)", "post", v("goals/new/"), WRITE, data={"title": ""}),
    Probe("edit goal", "get", lambda r: f"/vendors/{r.vendor.pk}/goals/{r.goal.pk}/edit/", WRITE),
    Probe(
        "check in",
        "post",
        lambda r: f"/vendors/{r.vendor.pk}/goals/{r.goal.pk}/",
        WRITE,
        ok=(302,),
        data=_check_in,
    ),
    Probe("new review", "get", v("reviews/new/"), WRITE),
    Probe(
        "edit review",
        "get",
        lambda r: f"/vendors/{r.vendor.pk}/reviews/{r.next_review.pk}/edit/",
        WRITE,
    ),
    Probe(
        "confirm completing review",
        "get",
        lambda r: f"/vendors/{r.vendor.pk}/reviews/{r.next_review.pk}/complete/",
        WRITE,
    ),
    Probe(
        "complete review",
        "post",
        lambda r: f"/vendors/{r.vendor.pk}/reviews/{r.next_review.pk}/complete/",
        WRITE,
        ok=(302,),
    ),
    Probe("new meeting", "get", v("meetings/new/"), WRITE),
    Probe(
        "edit meeting",
        "get",
        lambda r: f"/vendors/{r.vendor.pk}/meetings/{r.meeting.pk}/edit/",
        WRITE,
    ),
    Probe(
        "accept proposal",
        "post",
        lambda r: (
            f"/vendors/{r.vendor.pk}/meetings/{r.meeting.pk}/proposals/{r.proposal.pk}/decide/"
        ),
        WRITE,
        ok=(302,),
        data={"decision": "accept"},
    ),
    Probe(
        "meeting occurrence",
        "get",
        lambda r: f"/vendors/{r.vendor.pk}/meetings/{r.meeting.pk}/occurrences/20260309T080000Z/",
        READ,
    ),
    Probe(
        "add action item at an occurrence (invalid)",
        "post",
        lambda r: f"/vendors/{r.vendor.pk}/meetings/{r.meeting.pk}/occurrences/20260309T080000Z/",
        WRITE,
        data={"form": "item", "description": ""},
    ),
    Probe(
        "share minutes",
        "post",
        lambda r: (
            f"/vendors/{r.vendor.pk}/meetings/{r.meeting.pk}/occurrences/20260309T080000Z/share/"
        ),
        WRITE,
        ok=(302,),
        data={},
    ),
    Probe("new incident", "get", v("incidents/new/"), WRITE),
    Probe(
        "edit incident",
        "get",
        lambda r: f"/vendors/{r.vendor.pk}/incidents/{r.incident.pk}/edit/",
        WRITE,
    ),
    Probe(
        "acknowledge incident",
        "post",
        lambda r: f"/vendors/{r.vendor.pk}/incidents/{r.incident.pk}/acknowledge/",
        WRITE,
        ok=(302,),
    ),
    Probe(
        "resolve incident",
        "get",
        lambda r: f"/vendors/{r.vendor.pk}/incidents/{r.incident.pk}/resolve/",
        WRITE,
    ),
    Probe(
        "close incident",
        "post",
        lambda r: f"/vendors/{r.vendor.pk}/incidents/{r.incident.pk}/close/",
        WRITE,
        ok=(302,),
    ),
    Probe("new SLA target", "get", v("sla-targets/new/"), WRITE),
    Probe(
        "edit SLA target",
        "get",
        lambda r: f"/vendors/{r.vendor.pk}/sla-targets/{r.target.pk}/edit/",
        WRITE,
    ),
    Probe("new clause", "get", v("clauses/new/"), WRITE),
    Probe(
        "edit clause",
        "get",
        lambda r: f"/vendors/{r.vendor.pk}/clauses/{r.clause.pk}/edit/",
        WRITE,
    ),
    Probe(
        "verify clause",
        "post",
        lambda r: f"/vendors/{r.vendor.pk}/clauses/{r.clause.pk}/verify/",
        WRITE,
        ok=(302,),
    ),
    Probe("credits", "get", v("credits/"), READ),
    Probe("credits csv", "get", v("credits/?export=csv"), READ),
    Probe("credits for a period", "get", v("credits/?start=2026-01-01&end=2026-03-31"), READ),
    Probe("credits for a bad period", "get", v("credits/?start=2026-03-01&end=2026-01"), READ),
    Probe("credit policy", "get", v("credits/policy/"), WRITE),
    Probe(
        "compute credits",
        "post",
        v("credits/compute/"),
        WRITE,
        ok=(302,),
        data=lambda r, w: {"month": "2026-02"},
    ),
    Probe(
        "credit status",
        "get",
        lambda r: f"/vendors/{r.vendor.pk}/credits/{r.credit_statement.pk}/status/",
        WRITE,
    ),
    Probe("new contact", "get", v("contacts/new/"), WRITE),
    Probe(
        "edit contact",
        "get",
        lambda r: f"/vendors/{r.vendor.pk}/contacts/{r.contact.pk}/edit/",
        WRITE,
    ),
    # Issue 15: the escalation matrix's page, the action-item register's buttons and form,
    # snoozing (any internal user snoozes their own reminders about what they may see).
    Probe("escalation matrix", "get", v("escalation/"), WRITE),
    Probe("add escalation (invalid)", "post", v("escalation/"), WRITE, data={"topic": ""}),
    Probe(
        "remove escalation",
        "post",
        lambda r: f"/vendors/{r.vendor.pk}/escalation/{r.escalation.pk}/delete/",
        WRITE,
        ok=(302,),
    ),
    Probe("new action item", "get", lambda r: f"/action-items/new/?vendor={r.vendor.pk}", WRITE),
    Probe(
        "add action item (invalid)",
        "post",
        "/action-items/new/",
        WRITE,
        data=lambda r, w: {"vendor": r.vendor.pk, "description": ""},
    ),
    Probe(
        "close action item",
        "post",
        lambda r: f"/action-items/{r.follow_up.pk}/status/",
        WRITE,
        ok=(302,),
        data={"status": "done"},
    ),
    Probe(
        "snooze form",
        "get",
        lambda r: f"/snooze/?subject_type=incident&subject_id={r.incident.pk}",
        READ,
    ),
    Probe(
        "snooze",
        "post",
        "/snooze/",
        READ,
        ok=(302,),
        data=lambda r, w: {
            "subject_type": "incident",
            "subject_id": r.incident.pk,
            "until": "2026-03-25",
        },
    ),
    Probe("delete vendor", "get", v("delete/"), ASSIGN),
    # Issue 15: the vendor's voice. The inbox and its read marks (each person's own, of what
    # their inbox holds: a mark outside it changes nothing); answering a review's dispute.
    Probe("inbox", "get", "/inbox/", PORTFOLIO, per_vendor=False),
    Probe(
        "inbox filtered",
        "get",
        "/inbox/?unread=on&kind=review_disputed",
        PORTFOLIO,
        per_vendor=False,
    ),
    Probe(
        "mark read",
        "post",
        "/inbox/read/",
        PORTFOLIO,
        ok=(302,),
        data=lambda r, w: {"activity": r.activity.pk},
    ),
    Probe("mark all read", "post", "/inbox/read-all/", PORTFOLIO, ok=(302,), per_vendor=False),
    Probe(
        "answer dispute",
        "post",
        lambda r: f"/vendors/{r.vendor.pk}/reviews/{r.disputed.pk}/answer-dispute/",
        WRITE,
        ok=(302,),
        data={"outcome": "upheld", "dispute_answer": "The score stands."},
    ),
    # Has history: the owner's attempt is refused by the rule, with a message (302).
    Probe("delete vendor (post)", "post", v("delete/"), ASSIGN, ok=(302,)),
    # Pages of no one vendor.
    Probe("dashboard", "get", "/", PORTFOLIO, per_vendor=False),
    Probe("dashboard csv", "get", "/?export=csv", PORTFOLIO, per_vendor=False),
    # Issue 17: "Needs attention" in full, and a person's own "Handled" / snooze / undo (a
    # key naming a record of a vendor they may read; the item is hidden for them alone).
    Probe("attention list", "get", "/attention/", PORTFOLIO, per_vendor=False),
    Probe(
        "attention set aside",
        "post",
        "/attention/set-aside/",
        PORTFOLIO,
        ok=(302,),
        data=lambda r, w: {"key": f"incident:{r.incident.pk}:response_breached", "choice": "day"},
    ),
    Probe(
        "attention bring back",
        "post",
        "/attention/bring-back/",
        PORTFOLIO,
        ok=(302,),
        data=lambda r, w: {"key": f"incident:{r.incident.pk}:response_breached"},
    ),
    Probe("vendor list", "get", "/vendors/", PORTFOLIO, per_vendor=False),
    Probe("vendor list csv", "get", "/vendors/?export=csv", PORTFOLIO, per_vendor=False),
    Probe("new vendor", "get", "/vendors/new/", CREATE_VENDOR, per_vendor=False),
    Probe(
        "add vendor (invalid)",
        "post",
        "/vendors/new/",
        CREATE_VENDOR,
        per_vendor=False,
        data={"name": ""},
    ),
    Probe("action items", "get", "/action-items/", PORTFOLIO, per_vendor=False),
    Probe("action items csv", "get", "/action-items/?export=csv", PORTFOLIO, per_vendor=False),
    # Issue 17: the portfolio-wide lists and the clause-gap matrix (every scope, CSV too).
    *(
        Probe(f"portfolio {path}{query}", "get", f"/{path}/{query}", PORTFOLIO, per_vendor=False)
        for path in ("incidents", "reviews", "clauses", "goals", "clauses/gaps")
        for query in ("", "?scope=mine", "?scope=team&format=csv")
    ),
    Probe("my snoozes", "get", "/account/snoozes/", PORTFOLIO, per_vendor=False),
    # Spreadsheet imports: administrators and managers; an import is its uploader's.
    Probe("imports", "get", "/imports/", CREATE_VENDOR, per_vendor=False),
    Probe("import upload", "post", "/imports/", CREATE_VENDOR, per_vendor=False),
    Probe(
        "import template", "get", "/imports/templates/vendors.xlsx", CREATE_VENDOR, per_vendor=False
    ),
    Probe(
        "import", "get", lambda r: f"/imports/{owner_import(r).pk}/", OWN_IMPORT, per_vendor=False
    ),
    Probe(
        "import progress",
        "get",
        lambda r: f"/imports/{owner_import(r).pk}/progress/",
        OWN_IMPORT,
        per_vendor=False,
    ),
    Probe(
        "confirm import",
        "post",
        lambda r: f"/imports/{owner_import(r).pk}/confirm/",
        OWN_IMPORT,
        ok=(302,),
        per_vendor=False,
    ),
    Probe(
        "end snooze",
        "post",
        lambda r: f"/account/snoozes/{r.snooze.pk}/end/",
        OWN_SNOOZE,
        ok=(302,),
        per_vendor=False,
    ),
    Probe("API docs", "get", "/api/docs/", PORTFOLIO, per_vendor=False),
    Probe("preferences", "get", "/account/preferences/", ACCOUNT, per_vendor=False),
    Probe(
        "new feed address",
        "post",
        "/account/preferences/calendar-token/",
        ACCOUNT,
        ok=(302,),
        per_vendor=False,
    ),
    # Webhooks: administrators only (the world's one webhook and its failed delivery).
    Probe("webhooks", "get", "/webhooks/", SITE_SETTING, per_vendor=False),
    Probe("new webhook", "get", "/webhooks/new/", SITE_SETTING, per_vendor=False),
    Probe(
        "add webhook (invalid)",
        "post",
        "/webhooks/new/",
        SITE_SETTING,
        per_vendor=False,
        data={"url": ""},
    ),
    Probe("webhook", "get", lambda r: hook_path(r), SITE_SETTING, per_vendor=False),
    Probe("edit webhook", "get", lambda r: hook_path(r, "edit/"), SITE_SETTING, per_vendor=False),
    Probe(
        "delete webhook", "get", lambda r: hook_path(r, "delete/"), SITE_SETTING, per_vendor=False
    ),
    Probe(
        "delete webhook (post)",
        "post",
        lambda r: hook_path(r, "delete/"),
        SITE_SETTING,
        ok=(302,),
        per_vendor=False,
    ),
    Probe(
        "rotate webhook secret",
        "post",
        lambda r: hook_path(r, "rotate-secret/"),
        SITE_SETTING,
        ok=(302,),
        per_vendor=False,
    ),
    Probe(
        "enable webhook",
        "post",
        lambda r: hook_path(r, "enable/"),
        SITE_SETTING,
        ok=(302,),
        per_vendor=False,
    ),
    Probe(
        "redeliver",
        "post",
        lambda r: hook_path(r, f"deliveries/{matrix_delivery(r).pk}/redeliver/"),
        SITE_SETTING,
        ok=(302,),
        per_vendor=False,
    ),
    # The vendor portal: its pages, and each record of the representative's own vendor.
    Probe("portal", "get", "/portal/", PORTAL_PAGE, per_vendor=False),
    Probe("portal goals", "get", "/portal/goals/", PORTAL_PAGE, per_vendor=False),
    Probe("portal reviews", "get", "/portal/reviews/", PORTAL_PAGE, per_vendor=False),
    Probe("portal meetings", "get", "/portal/meetings/", PORTAL_PAGE, per_vendor=False),
    Probe("portal incidents", "get", "/portal/incidents/", PORTAL_PAGE, per_vendor=False),
    Probe("portal action items", "get", "/portal/action-items/", PORTAL_PAGE, per_vendor=False),
    Probe("portal credits", "get", "/portal/credits/", PORTAL_PAGE, per_vendor=False),
    Probe("portal escalation", "get", "/portal/escalation/", PORTAL_PAGE, per_vendor=False),
    Probe("portal report form", "get", "/portal/incidents/new/", PORTAL_PAGE, per_vendor=False),
    Probe(
        "portal report incident",
        "post",
        "/portal/incidents/new/",
        PORTAL_PAGE,
        ok=(302,),
        per_vendor=False,
        data={
            "title": "Mailbox takeover",
            "priority": "P2",
            "detected_at": "2026-03-10T09:00",
            "notified_by": "Rita Rep",
        },
    ),
    Probe("portal goal", "get", lambda r: f"/portal/goals/{r.goal.pk}/", PORTAL),
    Probe(
        "portal check-in",
        "post",
        lambda r: f"/portal/goals/{r.goal.pk}/",
        PORTAL,
        ok=(302,),
        data=_check_in,
    ),
    Probe("portal review", "get", lambda r: f"/portal/reviews/{r.review.pk}/", PORTAL),
    Probe(
        "portal acknowledge review",
        "post",
        lambda r: f"/portal/reviews/{r.review.pk}/",
        PORTAL,
        ok=(302,),
        data={"comment": "Agreed, thanks."},
    ),
    Probe("portal meeting", "get", lambda r: f"/portal/meetings/{r.meeting.pk}/", PORTAL),
    Probe(
        "portal minutes sign-off",
        "post",
        lambda r: f"/portal/meetings/{r.meeting.pk}/minutes/{r.occurrence.pk}/",
        PORTAL,
        ok=(302,),
        data={"decision": "approve"},
    ),
    Probe(
        "portal propose",
        "post",
        lambda r: f"/portal/meetings/{r.meeting.pk}/",
        PORTAL,
        ok=(302,),
        data={"text": "Roadmap"},
    ),
    Probe("portal incident", "get", lambda r: f"/portal/incidents/{r.incident.pk}/", PORTAL),
    Probe(
        "portal acknowledge incident",
        "post",
        lambda r: f"/portal/incidents/{r.incident.pk}/acknowledge/",
        PORTAL,
        ok=(302,),
    ),
    Probe(
        "portal resolve incident",
        "post",
        lambda r: f"/portal/incidents/{r.incident.pk}/resolve/",
        PORTAL,
        ok=(302,),
        data={"root_cause": "A full disk"},
    ),
    Probe(
        "portal action item",
        "post",
        lambda r: f"/portal/action-items/{r.action_item.pk}/status/",
        PORTAL,
        ok=(302,),
        data={"status": "done"},
    ),
    Probe("admin", "get", "/admin/", ADMIN, per_vendor=False),
    Probe(
        "admin vendor",
        "get",
        lambda r: f"/admin/governance/vendor/{r.vendor.pk}/change/",
        ADMIN,
    ),
    Probe(
        "admin vendor activity",
        "get",
        lambda r: f"/admin/governance/vendoractivity/{r.activity.pk}/change/",
        ADMIN,
    ),
]


def a(suffix):
    return f"/api/v1/{suffix}"


def owner_import(records):
    """The owner's checked import of one vendor, waiting for confirmation (made on first use,
    outside the probes' rolled-back transactions)."""
    job, _ = ImportJob.objects.get_or_create(
        file_name="matrix.csv",
        defaults={
            "kind": "vendors",
            "created_by": records.vendor.owner,
            "status": ImportJob.Status.PREVIEWED,
            "content": b"name\nMatrix Ltd\n",
            "total_rows": 1,
        },
    )
    return job


# A public address literal: a webhook to it is accepted with no lookup, and nothing is sent.
MATRIX_HOOK_URL = "https://93.184.216.34/hooks/matrix"


def matrix_webhook(records):
    """The world's webhook (made on first use, outside the probes' rolled-back transactions)."""
    hook, _ = WebhookSubscription.objects.get_or_create(
        url=MATRIX_HOOK_URL, defaults={"events": ["incident.created"]}
    )
    return hook


def matrix_delivery(records):
    """The world's webhook's failed delivery (made on first use)."""
    hook = matrix_webhook(records)
    delivery = hook.deliveries.order_by("pk").first()
    if delivery is None:
        event = WebhookEvent.objects.create(type="incident.created", data={})
        delivery = WebhookDelivery.objects.create(
            event=event, subscription=hook, status="failed", attempts=1
        )
    return delivery


def hook_path(records, suffix="", *, api=False):
    """A path of the world's webhook in the web UI, or with ``api`` in the API."""
    return f"{'/api/v1' if api else ''}/webhooks/{matrix_webhook(records).pk}/{suffix}"


def payload(**fields):
    return lambda r, w: {"vendor": r.vendor.pk, **fields}


API = [
    # Lists (both vendors' rows for internal users) and the schema.
    *(
        Probe(f"list {name}", "get", a(f"{name}/"), PORTFOLIO, api=True, per_vendor=False)
        for name in (
            "vendors",
            "contacts",
            "goals",
            "reviews",
            "meetings",
            "sla-targets",
            "incidents",
            "clauses",
            "credit-policies",
            "credit-statements",
            "reminders",
            "users",
            "action-items",
            "escalation-contacts",
            "snoozes",
            "required-clauses",
            "meeting-occurrences",
            "decisions",
        )
    ),
    Probe(
        "meeting occurrence record",
        "get",
        lambda r: a(f"meeting-occurrences/{r.occurrence.pk}/"),
        READ,
        api=True,
    ),
    Probe(
        "edit minutes (api)",
        "patch",
        lambda r: a(f"meeting-occurrences/{r.occurrence.pk}/"),
        WRITE,
        api=True,
        data={"minutes": "Backlog reviewed, patch window agreed"},
    ),
    Probe(
        "record a decision",
        "post",
        a("decisions/"),
        WRITE,
        ok=(201,),
        api=True,
        data=lambda r, w: {"occurrence": r.occurrence.pk, "text": "Keep Mondays"},
    ),
    Probe(
        "require a clause type",
        "post",
        a("required-clauses/"),
        SITE_SETTING,
        ok=(201,),
        api=True,
        per_vendor=False,
        data=lambda r, w: {"tier": "low", "clause_type": "encryption"},
    ),
    Probe("action item", "get", lambda r: a(f"action-items/{r.follow_up.pk}/"), READ, api=True),
    Probe(
        "escalation contact",
        "get",
        lambda r: a(f"escalation-contacts/{r.escalation.pk}/"),
        READ,
        api=True,
    ),
    Probe(
        "add action item",
        "post",
        a("action-items/"),
        WRITE,
        ok=(201,),
        api=True,
        data=payload(description="Send the capacity plan"),
    ),
    Probe(
        "close action item",
        "patch",
        lambda r: a(f"action-items/{r.follow_up.pk}/"),
        WRITE,
        api=True,
        data={"status": "done"},
    ),
    Probe(
        "change escalation contact",
        "patch",
        lambda r: a(f"escalation-contacts/{r.escalation.pk}/"),
        WRITE,
        api=True,
        data={"response_minutes": 30},
    ),
    Probe("schema", "get", "/api/schema/", PORTFOLIO, api=True, per_vendor=False),
    Probe("list imports", "get", a("imports/"), CREATE_VENDOR, api=True, per_vendor=False),
    # Past the permission check, an upload without a file is a 400 (tests/imports uploads).
    Probe(
        "upload import", "post", a("imports/"), CREATE_VENDOR, ok=(400,), api=True, per_vendor=False
    ),
    Probe(
        "import (api)",
        "get",
        lambda r: a(f"imports/{owner_import(r).pk}/"),
        OWN_IMPORT,
        api=True,
        per_vendor=False,
    ),
    Probe(
        "confirm import (api)",
        "post",
        lambda r: a(f"imports/{owner_import(r).pk}/confirm/"),
        OWN_IMPORT,
        api=True,
        per_vendor=False,
    ),
    # Webhooks: administrators only.
    Probe("list webhooks", "get", a("webhooks/"), SITE_SETTING, api=True, per_vendor=False),
    Probe(
        "add webhook",
        "post",
        a("webhooks/"),
        SITE_SETTING,
        ok=(201,),
        api=True,
        per_vendor=False,
        data={"url": MATRIX_HOOK_URL + "/new", "events": ["review.completed"]},
    ),
    Probe(
        "webhook (api)",
        "get",
        lambda r: hook_path(r, api=True),
        SITE_SETTING,
        api=True,
        per_vendor=False,
    ),
    Probe(
        "change webhook",
        "patch",
        lambda r: hook_path(r, api=True),
        SITE_SETTING,
        api=True,
        per_vendor=False,
        data={"description": "SIEM"},
    ),
    Probe(
        "rotate webhook secret (api)",
        "post",
        lambda r: hook_path(r, "rotate-secret/", api=True),
        SITE_SETTING,
        api=True,
        per_vendor=False,
    ),
    Probe(
        "webhook deliveries",
        "get",
        lambda r: hook_path(r, "deliveries/", api=True),
        SITE_SETTING,
        api=True,
        per_vendor=False,
    ),
    Probe(
        "webhook delivery",
        "get",
        lambda r: hook_path(r, f"deliveries/{matrix_delivery(r).pk}/", api=True),
        SITE_SETTING,
        api=True,
        per_vendor=False,
    ),
    Probe(
        "redeliver (api)",
        "post",
        lambda r: hook_path(r, f"deliveries/{matrix_delivery(r).pk}/redeliver/", api=True),
        SITE_SETTING,
        api=True,
        per_vendor=False,
    ),
    Probe(
        "delete webhook (api)",
        "delete",
        lambda r: hook_path(r, api=True),
        SITE_SETTING,
        ok=(204,),
        api=True,
        per_vendor=False,
    ),
    # Reading one object.
    Probe("vendor", "get", lambda r: a(f"vendors/{r.vendor.pk}/"), READ, api=True),
    Probe("scorecard", "get", lambda r: a(f"vendors/{r.vendor.pk}/scorecard/"), READ, api=True),
    Probe("managers", "get", lambda r: a(f"vendors/{r.vendor.pk}/managers/"), READ, api=True),
    Probe("contact", "get", lambda r: a(f"contacts/{r.contact.pk}/"), READ, api=True),
    Probe(
        "sla compliance",
        "get",
        lambda r: a(f"vendors/{r.vendor.pk}/sla-compliance/?start=2026-01-01&end=2026-03-31"),
        READ,
        api=True,
    ),
    Probe(
        "credit statement",
        "get",
        lambda r: a(f"credit-statements/{r.credit_statement.pk}/"),
        READ,
        api=True,
    ),
    Probe("goal", "get", lambda r: a(f"goals/{r.goal.pk}/"), READ, api=True),
    Probe("check-ins", "get", lambda r: a(f"goals/{r.goal.pk}/check-ins/"), READ, api=True),
    Probe("review", "get", lambda r: a(f"reviews/{r.review.pk}/"), READ, api=True),
    Probe("inbox", "get", a("inbox/?unread=true"), READ, api=True, per_vendor=False),
    Probe("inbox activity", "get", lambda r: a(f"inbox/{r.activity.pk}/"), INBOX, api=True),
    Probe(
        "agenda proposal", "get", lambda r: a(f"agenda-proposals/{r.proposal.pk}/"), READ, api=True
    ),
    Probe("meeting", "get", lambda r: a(f"meetings/{r.meeting.pk}/"), READ, api=True),
    Probe(
        "occurrences",
        "get",
        lambda r: a(
            f"meetings/{r.meeting.pk}/occurrences/?start=2026-03-01T00:00:00Z"
            "&end=2026-04-01T00:00:00Z"
        ),
        READ,
        api=True,
    ),
    Probe("SLA target", "get", lambda r: a(f"sla-targets/{r.target.pk}/"), READ, api=True),
    Probe("incident", "get", lambda r: a(f"incidents/{r.incident.pk}/"), READ, api=True),
    Probe("clause", "get", lambda r: a(f"clauses/{r.clause.pk}/"), READ, api=True),
    Probe("reminder", "get", lambda r: a(f"reminders/{r.reminder.pk}/"), READ, api=True),
    Probe("history", "get", lambda r: a(f"vendors/{r.vendor.pk}/history/"), HISTORY, api=True),
    # Writing.
    Probe(
        "change vendor",
        "patch",
        lambda r: a(f"vendors/{r.vendor.pk}/"),
        WRITE,
        api=True,
        data={"notes": "Changed"},
    ),
    Probe(
        "add contact",
        "post",
        a("contacts/"),
        WRITE,
        ok=(201,),
        api=True,
        data=payload(name="Nora New"),
    ),
    Probe(
        "change contact",
        "patch",
        lambda r: a(f"contacts/{r.contact.pk}/"),
        WRITE,
        api=True,
        data={"phone": "+48 600 000 000"},
    ),
    Probe(
        "delete contact",
        "delete",
        lambda r: a(f"contacts/{r.contact.pk}/"),
        WRITE,
        ok=(204,),
        api=True,
    ),
    Probe(
        "add goal",
        "post",
        a("goals/"),
        WRITE,
        ok=(201,),
        api=True,
        data=payload(
            title="Faster fixes",
            metric="MTTR",
            target_value="4",
            start_date="2026-01-01",
            due_date="2026-12-31",
        ),
    ),
    Probe(
        "change goal",
        "patch",
        lambda r: a(f"goals/{r.goal.pk}/"),
        WRITE,
        api=True,
        data={"status": "at_risk"},
    ),
    Probe(
        "add check-in",
        "post",
        lambda r: a(f"goals/{r.goal.pk}/check-ins/"),
        WRITE,
        ok=(201,),
        api=True,
        data={"date": "2026-03-01", "value": "72"},
    ),
    Probe(
        "add review",
        "post",
        a("reviews/"),
        WRITE,
        ok=(201,),
        api=True,
        data=payload(
            period_start="2025-01-01", period_end="2025-03-31", scheduled_for="2025-04-15"
        ),
    ),
    Probe(
        "change review",
        "patch",
        lambda r: a(f"reviews/{r.next_review.pk}/"),
        WRITE,
        api=True,
        data={"summary": "Draft"},
    ),
    Probe(
        "complete review",
        "post",
        lambda r: a(f"reviews/{r.next_review.pk}/complete/"),
        WRITE,
        api=True,
        # Past the access check to the domain's rules: the next review is not scored yet
        # and its period has not ended (tests/web/test_review_rules.py completes one).
        ok=(400,),
    ),
    Probe(
        "add meeting",
        "post",
        a("meetings/"),
        WRITE,
        ok=(201,),
        api=True,
        data=payload(title="Kick-off", starts_at="2026-04-01T09:00:00Z", time_zone="UTC"),
    ),
    Probe(
        "change meeting",
        "patch",
        lambda r: a(f"meetings/{r.meeting.pk}/"),
        WRITE,
        api=True,
        data={"minutes": "Agreed the plan"},
    ),
    Probe(
        "delete meeting",
        "delete",
        lambda r: a(f"meetings/{r.meeting.pk}/"),
        WRITE,
        ok=(204,),
        api=True,
    ),
    Probe(
        "add SLA target",
        "post",
        a("sla-targets/"),
        WRITE,
        ok=(201,),
        api=True,
        data=payload(priority="P2", response_minutes=60, resolution_minutes=480),
    ),
    Probe(
        "change SLA target",
        "patch",
        lambda r: a(f"sla-targets/{r.target.pk}/"),
        WRITE,
        api=True,
        data={"response_minutes": 20},
    ),
    Probe(
        "delete SLA target",
        "delete",
        lambda r: a(f"sla-targets/{r.target.pk}/"),
        WRITE,
        ok=(204,),
        api=True,
    ),
    Probe(
        "report incident",
        "post",
        a("incidents/"),
        WRITE,
        ok=(201,),
        api=True,
        data=payload(external_id="INC-NEW", title="Disk full", opened_at="2026-03-10T10:00:00Z"),
    ),
    Probe(
        "change incident",
        "patch",
        lambda r: a(f"incidents/{r.incident.pk}/"),
        WRITE,
        api=True,
        data={"status": "acknowledged"},
    ),
    Probe(
        "add clause",
        "post",
        a("clauses/"),
        WRITE,
        ok=(201,),
        api=True,
        data=payload(clause_type="soc2", status="negotiating"),
    ),
    Probe(
        "change clause",
        "patch",
        lambda r: a(f"clauses/{r.clause.pk}/"),
        WRITE,
        api=True,
        data={"status": "verified"},
    ),
    Probe(
        "mark activity read",
        "post",
        lambda r: a(f"inbox/{r.activity.pk}/read/"),
        INBOX,
        api=True,
    ),
    Probe("mark inbox read", "post", a("inbox/read-all/"), READ, api=True, per_vendor=False),
    Probe(
        "propose agenda item",
        "post",
        a("agenda-proposals/"),
        PROPOSE,
        ok=(201,),
        api=True,
        data=lambda r, w: {"meeting": r.meeting.pk, "text": "Roadmap"},
    ),
    Probe(
        "answer proposal",
        "post",
        lambda r: a(f"agenda-proposals/{r.proposal.pk}/answer/"),
        WRITE,
        api=True,
        data={"accept": True},
    ),
    Probe(
        "answer dispute",
        "post",
        lambda r: a(f"reviews/{r.disputed.pk}/answer-dispute/"),
        WRITE,
        api=True,
        data={"outcome": "revised", "answer": "Innovation is now 4."},
    ),
    # Handing over: assigning managers, deleting (this vendor has history: 409).
    Probe(
        "assign managers",
        "put",
        lambda r: a(f"vendors/{r.vendor.pk}/managers/"),
        ASSIGN,
        api=True,
        data=lambda r, w: {"managers": [w.people["member"].pk]},
    ),
    Probe(
        "delete vendor",
        "delete",
        lambda r: a(f"vendors/{r.vendor.pk}/"),
        ASSIGN,
        ok=(409,),
        api=True,
    ),
    Probe(
        "add vendor",
        "post",
        a("vendors/"),
        CREATE_VENDOR,
        ok=(201,),
        api=True,
        per_vendor=False,
        data={"name": "Brand New", "services": ["hosting"], "time_zone": "UTC"},
    ),
]


# Calendar feeds: the URL's token is the credential (anonymous: a made-up token).
FEEDS = [
    Probe("my feed", "get", None, FEED, per_vendor=False),
    Probe("vendor feed", "get", None, FEED),
]


def clients(world, role):
    user = world.people.get(role)
    browser, api = Client(), APIClient()
    if user is not None:
        browser.force_login(user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return browser, api


def feed_url(world, role, probe, records):
    user = world.people.get(role)
    token = access.profile_of(user).calendar_token if user else "made-up-token"
    if probe.per_vendor:
        return f"/calendar/{token}/vendors/{records.vendor.pk}.ics"
    return f"/calendar/{token}.ics"


def call(client, probe, url, body):
    with transaction.atomic():
        if probe.method == "get":
            response = client.get(url)
        elif probe.api:
            response = getattr(client, probe.method)(url, body, format="json")
        else:
            response = client.post(url, body or {})
        transaction.set_rollback(True)
    return response


def outcome(role, scope, probe, response):
    """None when the response is what the rule says, else a description of the mismatch."""
    status = response.status_code
    if role in SIGNED_OUT_ROLES and probe.need not in (FEED,):
        if probe.api:
            expected = (401,)
        elif probe.need == ADMIN:
            return None if status == 302 and "/admin/login/" in response["Location"] else status
        else:
            return None if status == 302 and response["Location"].startswith(LOGIN) else status
        return None if status in expected else status
    if probe.name.startswith("dashboard") and role in ("rep", "other_rep", "ended_rep"):
        return None if status == 302 and response["Location"] == "/portal/" else status
    if probe.need == FEED:
        expected = (200,) if allowed(role, scope, FEED) else (404,)
    elif allowed(role, scope, probe.need):
        expected = probe.ok
    elif probe.need == ADMIN:
        return None if status == 302 and "/admin/login/" in response["Location"] else status
    else:
        expected = probe.refused
    return None if status in expected else status


@pytest.mark.parametrize("role", ROLES)
def test_every_role_is_allowed_or_refused_as_the_rules_say(world, role):
    browser, api = clients(world, role)
    probes = [*WEB, *API, *FEEDS]
    mismatches = []
    for probe in probes:
        for scope in ("own", "other") if probe.per_vendor else ("own",):
            records = getattr(world, scope)
            url = (
                feed_url(world, role, probe, records) if probe.need == FEED else probe.url(records)
            )
            response = call(api if probe.api else browser, probe, url, probe.body(records, world))
            problem = outcome(role, scope, probe, response)
            if problem is not None:
                verdict = "allowed" if allowed(role, scope, probe.need) else "refused"
                mismatches.append(f"{probe.name} [{scope}] {url}: got {problem}, want {verdict}")
    assert mismatches == []


def test_a_vendor_rep_gets_nothing_of_another_vendor_by_guessing_ids(world):
    """Every id that is not the representative's own, in the portal and the API: 404/403."""
    browser, api = clients(world, "rep")
    own, other = world.own.vendor, world.other
    foreign = {
        "goals": Goal.objects.exclude(vendor=own),
        "reviews": Review.objects.exclude(vendor=own),
        "meetings": Meeting.objects.exclude(vendor=own),
        "incidents": Incident.objects.exclude(vendor=own),
    }
    paths = [
        f"/portal/{kind}/{pk}/"
        for kind, queryset in foreign.items()
        for pk in queryset.values_list("pk", flat=True)
    ]
    # The API is closed to representatives whoever's the object: every id of every kind.
    top = max(Goal.objects.count(), Review.objects.count(), Incident.objects.count(), 10)
    for name in ("vendors", "contacts", "goals", "reviews", "meetings", "incidents", "clauses"):
        paths += [f"/api/v1/{name}/{pk}/" for pk in range(1, top + 1)]
    paths += [f"/vendors/{pk}/" for pk in (own.pk, other.vendor.pk)]
    not_mine = ActionItem.objects.exclude(owner=world.people["rep"]).values_list("pk", flat=True)
    posts = [
        (f"/portal/goals/{other.goal.pk}/", {"date": "2026-03-01", "value": "1"}),
        (f"/portal/reviews/{other.review.pk}/", {"comment": "Mine now"}),
        (f"/portal/meetings/{other.meeting.pk}/", {"text": "Hijack"}),
        (f"/portal/incidents/{other.incident.pk}/acknowledge/", {}),
        (f"/portal/incidents/{other.incident.pk}/resolve/", {"root_cause": "x"}),
        *((f"/portal/action-items/{pk}/status/", {"status": "done"}) for pk in not_mine),
    ]

    gets = {path: (api if path.startswith("/api/") else browser).get(path) for path in paths}
    posted = {path: browser.post(path, body) for path, body in posts}

    leaked = {
        path: response.status_code
        for path, response in {**gets, **posted}.items()
        if response.status_code not in (403, 404)
    }
    assert leaked == {}
    other.incident.refresh_from_db()
    other.review.refresh_from_db()
    assert other.incident.acknowledged_at is None
    assert other.review.vendor_acknowledged_at is None
    assert not other.meeting.proposals.filter(text="Hijack").exists()
    assert not ActionItem.objects.filter(pk__in=not_mine, status="done").exists()


def test_anonymous_visitors_reach_only_the_login_page_and_the_health_check(world, client):
    assert client.get(LOGIN).status_code == 200
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get("/")["Location"].startswith(LOGIN)
    assert APIClient().post(a("auth/token/"), {}, format="json").status_code == 400


@pytest.mark.parametrize("role", [*INTERNAL_ROLES, "rep", "nobody", "orphan", "ended_rep"])
def test_only_internal_users_get_an_api_token(world, role):
    response = APIClient().post(
        a("auth/token/"), {"username": role, "password": PASSWORD}, format="json"
    )

    assert response.status_code == (200 if role in INTERNAL_ROLES else 403)


def test_a_deactivated_user_gets_no_api_token(world):
    response = APIClient().post(
        a("auth/token/"), {"username": "inactive", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert "token" not in response.json()


def test_the_matrix_covers_every_page_of_the_web_ui_and_the_portal(world):
    """A new page must join the matrix: every named path of the UI and portal is probed."""

    def names(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                space = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                yield from names(pattern.url_patterns, space)
            elif pattern.name:
                yield f"{prefix}{pattern.name}"

    site = {
        name
        for name in names(get_resolver().url_patterns)
        if name.startswith(("governance:", "portal:"))
    }
    probed = {"governance:healthz"}  # the anonymous test above
    for probe in [*WEB, *FEEDS]:
        path = feed_url(world, "owner", probe, world.own) if probe.need == FEED else None
        match = resolve((path or probe.url(world.own)).split("?")[0])
        probed.add(f"{match.namespace}:{match.url_name}")

    assert site - probed == set()
