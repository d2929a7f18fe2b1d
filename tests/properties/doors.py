"""Every door a value gets in by: the web forms, the vendor portal, the API and the admin.

A ``Door`` knows its URL in the world of ``tests/world.py``, who knocks (a persona's
browser or API token), a valid request to start from, and the kind of each field. The kinds
are read from the form on the door's own page (its context) or from the API serializer, so a
field added to a form or a serializer is driven with hostile values without anyone listing
it here; only what a form cannot say (a recurrence rule is a CharField) is named.

``drive()`` sends hostile variations of the valid request through one door with hypothesis,
each inside a transaction rolled back afterwards, and checks there is never a server error;
whatever the door accepts is read back at once through the pages that show it, and returned
so that a test can store it for good and render everything (``tests/properties/render.py``).
"""

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework import serializers as drf

from governance.api import serializers as api_serializers
from governance.api.serializers.webhooks import WebhookSubscriptionSerializer
from governance.domain import bounds
from governance.models import (
    ImportJob,
    RequiredClause,
    Review,
    UserProfile,
    Vendor,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from tests.api.conftest import token_for
from tests.properties import strategies as hs
from tests.properties.render import describe
from tests.world import PASSWORD

# --- kinds -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """What a field holds: ``name`` is a key of ``strategies.hostile``."""

    name: str
    choices: tuple = ()
    pool: tuple = ()
    # API nested lists (a review's scores and action items): the kinds of an item's fields.
    item_kinds: dict | None = None


MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def named_kind(name):
    """The kind a field's name says, where its form field class cannot (or None)."""
    base = name.rsplit("-", 1)[-1]
    if base in MANAGEMENT:
        return Kind("int")
    if base in ("rrule", "recurrence"):
        return Kind("rrule")
    if base == "time_zone":
        return Kind("tz")
    if base == "lead_times":
        return Kind("lead_json")
    if base.startswith("lead_"):
        return Kind("lead")
    if base in ("country", "currency"):
        return Kind("code")
    return None


def _choice_values(choices):
    values = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            values.extend(str(inner) for inner, _ in label)
        else:
            values.append(str(value))
    return tuple(values)


def form_kind(name, formfield):
    """The kind of a Django form field named ``name`` (its HTML name)."""
    named = named_kind(name)
    if named is not None:
        return named
    checks = [
        (forms.SplitDateTimeField, "split_datetime"),
        (forms.DateTimeField, "datetime"),
        (forms.DateField, "date"),
        (forms.TimeField, "time"),
        (forms.ModelMultipleChoiceField, "m2m"),
        (forms.ModelChoiceField, "fk"),
        (forms.MultipleChoiceField, "multichoice"),
        (forms.ChoiceField, "choice"),
        (forms.BooleanField, "bool"),
        (forms.NullBooleanField, "bool"),
        (forms.IntegerField, "int"),
        (forms.DecimalField, "decimal"),
        (forms.FloatField, "decimal"),
        (forms.JSONField, "json"),
        (forms.FileField, "file"),
        (forms.EmailField, "email"),
        (forms.URLField, "url"),
    ]
    for field_class, kind in checks:
        if isinstance(formfield, field_class):
            if kind in ("choice", "multichoice"):
                return Kind(kind, choices=_choice_values(formfield.choices))
            if kind in ("fk", "m2m"):
                pool = tuple(formfield.queryset.values_list("pk", flat=True)[:50])
                return Kind(kind, pool=pool)
            return Kind(kind)
    if hasattr(formfield, "parent_instance"):  # an inline's link to its parent
        return Kind("fk")
    return Kind("text")


def api_kind(name, serializer_field):
    """The kind of a DRF serializer field."""
    named = named_kind(name)
    if named is not None:
        return named
    if isinstance(serializer_field, drf.ListSerializer):
        child = serializer_field.child
        kinds = {n: api_kind(n, f) for n, f in child.fields.items() if not f.read_only}
        return Kind("nested", item_kinds=kinds)
    checks = [
        (drf.ManyRelatedField, "m2m"),
        (drf.RelatedField, "fk"),
        (drf.DateTimeField, "datetime"),
        (drf.DateField, "date"),
        (drf.TimeField, "time"),
        (drf.IntegerField, "int"),
        (drf.DecimalField, "decimal"),
        (drf.FloatField, "decimal"),
        (drf.JSONField, "json"),
        (drf.ListField, "multichoice"),
        (drf.MultipleChoiceField, "multichoice"),
        (drf.ChoiceField, "choice"),
        (drf.BooleanField, "bool"),
        (drf.EmailField, "email"),
        (drf.URLField, "url"),
    ]
    for field_class, kind in checks:
        if isinstance(serializer_field, field_class):
            if isinstance(serializer_field, drf.ListField):
                return Kind(kind, choices=_choice_values(serializer_field.child.choices.items()))
            if kind in ("choice", "multichoice"):
                return Kind(kind, choices=tuple(str(v) for v in serializer_field.choices))
            return Kind(kind)
    return Kind("text")


def strategy_for(kind, *, api, pool):
    if kind.name == "nested":
        item = st.fixed_dictionaries(
            {},
            optional={
                name: strategy_for(inner, api=True, pool=pool)
                for name, inner in kind.item_kinds.items()
            },
        ).map(lambda item: {k: v for k, v in item.items() if v is not hs.OMIT})
        return st.one_of(
            st.lists(item, max_size=4),
            st.sampled_from([None, "quality", {}, [[]], [{"criterion": "quality"}] * 150]),
            st.just(hs.OMIT),
        )
    return hs.hostile(
        kind.name, api=api, choices_=kind.choices, pool=tuple(kind.pool) + tuple(pool)
    )


# --- reading a form page ---------------------------------------------------------------------


def _text(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    return str(value)


def _bound_fields(form):
    """(html name, form field, bound field) of a form, or of a formset and its management form."""
    if isinstance(form, forms.BaseFormSet):
        yield from _bound_fields(form.management_form)
        for inner in form.forms:
            yield from _bound_fields(inner)
        return
    for bound in form:
        yield bound.html_name, bound.field, bound


def page_forms(response):
    """The forms (and formsets) a form page renders, the admin's included."""
    context = response.context
    found = []
    if "adminform" in context:
        found.append(context["adminform"].form)
        found.extend(inline.formset for inline in context["inline_admin_formsets"])
        return found
    for key in ("form", "formset"):
        if key in context and context[key] is not None:
            found.append(context[key])
    return found


def form_data(found):
    """The request a browser would send from these forms as rendered (their current values)."""
    data = {}
    for name, formfield, bound in (item for form in found for item in _bound_fields(form)):
        value = bound.value()
        if isinstance(formfield, forms.FileField):
            continue
        if isinstance(formfield, forms.MultiValueField):
            parts = value if isinstance(value, list) else formfield.widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{name}_{index}"] = _text(part)
        elif isinstance(formfield, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(formfield, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            data[name] = [_text(item) for item in value or []]
        else:
            data[name] = _text(value)
    return data


def form_kinds(found):
    return {
        name: form_kind(name, formfield)
        for form in found
        for name, formfield, _ in _bound_fields(form)
    }


# --- doors -----------------------------------------------------------------------------------


@dataclass
class Door:
    """One way in: ``client`` (a persona, ``api`` for the owner's token, ``anonymous``)
    sends ``method`` to ``url(world)`` (``get``: the fields as the query string).

    The valid request to vary: ``baseline(world)``, else the form(s) on ``page(world)`` as
    rendered (``page`` defaults to ``url`` for web doors), updated with ``overrides(world)``.
    Field kinds: read from that page's forms, or from ``serializer`` for the API, plus
    ``kinds`` (for views without a form page).
    """

    name: str
    client: str
    url: Callable
    method: str = "post"
    page: Callable | None = None
    baseline: Callable | None = None
    overrides: Callable | None = None
    kinds: dict = field(default_factory=dict)
    serializer: Any = None
    # Pages that show what this door stores (read right after an accepted example).
    shows: Callable | None = None
    # Stored state the door acts on (a review's dates before it is completed): a strategy of
    # keyword arguments, applied by ``prepare(world, **drawn)`` before the request.
    state: Any = None
    prepare: Callable | None = None
    # The stored record the door changes or acts on: before each example its dates may be
    # moved to the ends of the window, as other doors store them (``edge_state``).
    target: Callable | None = None
    # Drive only the fields whose names start so (the rest keep their valid values).
    only: tuple = ()
    replay: bool = True

    @property
    def api(self):
        return self.client in ("api", "api_anonymous", "api_admin")

    def __repr__(self):
        return self.name


def _import_job(world):
    """The owner's checked import of one vendor, waiting for confirmation (made on first use)."""
    job, _ = ImportJob.objects.get_or_create(
        file_name="doors.csv",
        defaults={
            "kind": "vendors",
            "created_by": world.people["owner"],
            "status": ImportJob.Status.PREVIEWED,
            "content": b"name\nDoors Ltd\n",
            "total_rows": 1,
        },
    )
    return job


def _import_pages(world):
    return ["/imports/", "/vendors/"]


def _vendor_pages(section):
    def shows(world):
        vendor = world.own.vendor.pk
        return [f"/vendors/{vendor}/", f"/vendors/{vendor}/{section}/?export=csv"]

    return shows


def _meeting_pages(world):
    vendor = world.own.vendor.pk
    pages = [f"/vendors/{vendor}/", f"/vendors/{vendor}/meetings/?export=csv"]
    pages += [
        f"/vendors/{vendor}/meetings/{pk}/ics/"
        for pk in world.own.vendor.meetings.values_list("pk", flat=True)
    ]
    return pages


def _occurrence_page(world, instance):
    return f"/vendors/{world.own.vendor.pk}/meetings/{world.own.meeting.pk}/occurrences/{instance}/"


def _occurrence_pages(world):
    return [
        *_meeting_pages(world),
        f"/vendors/{world.own.vendor.pk}/meetings/{world.own.meeting.pk}/",
        _occurrence_page(world, "20260309T080000Z"),
        _occurrence_page(world, "20260316T080000Z"),
    ]


def _inbox_pages(world):
    vendor = world.own.vendor.pk
    return [
        "/inbox/",
        "/",
        f"/vendors/{vendor}/reviews/",
        f"/vendors/{vendor}/reviews/{world.own.disputed.pk}/",
        f"/portal/reviews/{world.own.disputed.pk}/",
    ]


def _vendor_workspace(world):
    return [f"/vendors/{world.own.vendor.pk}/"]


def _vendor_list_pages(world):
    newest = Vendor.objects.order_by("-pk").values_list("pk", flat=True).first()
    return ["/", "/vendors/?export=csv", f"/vendors/{newest}/", f"/vendors/{newest}/scorecard/"]


def _portal_pages(section):
    return lambda world: ["/portal/", f"/portal/{section}/"]


def _register_pages(world):
    vendor = world.own.vendor.pk
    return [
        "/action-items/?scope=all",
        "/action-items/?scope=all&export=csv",
        f"/vendors/{vendor}/",
    ]


def _w(suffix):
    """A path in the own vendor's workspace."""
    return lambda world: f"/vendors/{world.own.vendor.pk}/{suffix}"


VENDOR_DATA = {
    "name": "Brand New Networks",
    "services": ["network_management"],
    "tier": "high",
    "status": "active",
    "time_zone": "Europe/Warsaw",
    "country": "PL",
    "contract_start": "2026-01-01",
    "contract_end": "2027-12-31",
    "renewal_notice_days": "90",
    "annual_value": "120000",
    "currency": "EUR",
    "review_cadence": "",
    "notes": "",
}
REVIEW_DATA = {
    "period_start": "2026-04-01",
    "period_end": "2026-06-30",
    "scheduled_for": "2026-07-15",
    "status": "in_progress",
    "reviewer": "",
    "summary": "A good quarter.",
    "score_quality": "4",
    "comment_quality": "noted",
    "items-TOTAL_FORMS": "2",
    "items-INITIAL_FORMS": "0",
    "items-MIN_NUM_FORMS": "0",
    "items-MAX_NUM_FORMS": "1000",
    "items-0-description": "Update the escalation matrix",
    "items-0-owner": "",
    "items-0-due_date": "2026-05-01",
    "items-0-status": "open",
    "items-1-description": "",
    "items-1-status": "open",
}
MEETING_DATA = {
    "title": "Weekly ops",
    "kind": "operational",
    "start_date": "2026-03-16",
    "start_time": "09:00",
    "time_zone": "Europe/Warsaw",
    "duration_minutes": "30",
    "repeat": "weekly",
    "rrule": "",
    "channel": "video",
    "location": "https://meet.example.com/ops",
    "agenda": "",
    "minutes": "",
}

# Dates a review may hold that every door accepts, at the ends of the window: completing it
# must schedule a next review inside the window, or say why not.
REVIEW_STATES = st.fixed_dictionaries(
    {
        "period_start": st.sampled_from(
            [dt.date(1900, 1, 1), dt.date(2026, 1, 1), dt.date(2199, 10, 1)]
        ),
        "period_end": st.sampled_from(
            [dt.date(2026, 3, 31), dt.date(2199, 11, 30), dt.date(2199, 12, 31)]
        ),
        "scheduled_for": st.sampled_from(
            [dt.date(1900, 1, 1), dt.date(2026, 4, 15), dt.date(2199, 10, 1), dt.date(2199, 12, 31)]
        ),
        "cadence": st.sampled_from(["", "monthly", "quarterly", "semiannual", "annual"]),
    }
)


def _review_state(world, *, period_start, period_end, scheduled_for, cadence):
    review = world.own.next_review
    if period_end <= period_start:
        period_start = period_end - dt.timedelta(days=30)
    Review.objects.filter(pk=review.pk).update(
        period_start=period_start, period_end=period_end, scheduled_for=scheduled_for
    )
    Vendor.objects.filter(pk=review.vendor_id).update(review_cadence=cadence)


# The ends of the window as the doors store them: a date, and a moment typed on the first or
# last day in the farthest zones (Etc/GMT-14, Etc/GMT+12), which is stored in UTC.
EDGE_DATES = [dt.date(1900, 1, 1), dt.date(2199, 12, 31)]
EDGE_MOMENTS = [
    dt.datetime(1899, 12, 31, 10, 0, tzinfo=dt.UTC),
    dt.datetime(1900, 1, 1, 0, 0, tzinfo=dt.UTC),
    dt.datetime(2199, 12, 31, 23, 59, tzinfo=dt.UTC),
    dt.datetime(2200, 1, 1, 11, 59, tzinfo=dt.UTC),
]


# Moments only the services stamp, with the clock: no door stores them at the edges.
STAMPED = {"completed_at", "vendor_acknowledged_at"}


def edge_state(model):
    """Strategy: some of ``model``'s bounded dates and moments set to the window's ends."""
    optional = {}
    for model_field in model._meta.concrete_fields:
        if model_field.name in STAMPED:
            continue
        if isinstance(model_field, bounds.DateTimeField):
            optional[model_field.name] = st.sampled_from(EDGE_MOMENTS)
        elif isinstance(model_field, bounds.DateField):
            optional[model_field.name] = st.sampled_from(EDGE_DATES)
    return st.fixed_dictionaries({}, optional=optional)


def move_to_edges(target, **values):
    """Store ``values`` on ``target`` as a door would have; skipped where a constraint
    (an end before a start) refuses the combination."""
    if not values:
        return
    try:
        with transaction.atomic():
            type(target).objects.filter(pk=target.pk).update(**values)
    except IntegrityError:
        pass


def _own(name):
    return lambda world: getattr(world.own, name)


WEB = [
    # A spreadsheet upload: hostile files and kinds (the check runs at once, in the request).
    Door("web import upload", "owner", lambda w: "/imports/", shows=_import_pages),
    Door(
        "web import confirm",
        "owner",
        lambda w: f"/imports/{_import_job(w).pk}/confirm/",
        baseline=lambda w: {},
        kinds={"note": Kind("text")},
        shows=_import_pages,
    ),
    Door(
        "web vendor-create",
        "owner",
        lambda w: "/vendors/new/",
        baseline=lambda w: {**VENDOR_DATA, "owner": str(w.people["owner"].pk)},
        shows=_vendor_list_pages,
    ),
    Door("web vendor-edit", "owner", _w("edit/"), shows=_vendor_list_pages, target=_own("vendor")),
    Door(
        "web vendor-delete",
        "owner",
        _w("delete/"),
        kinds={"confirm": Kind("text")},
        target=_own("vendor"),
    ),
    Door(
        "web contact-create",
        "owner",
        _w("contacts/new/"),
        baseline=lambda w: {"name": "Nora New", "role": "", "email": "", "phone": ""},
        shows=_vendor_pages("contacts"),
    ),
    Door(
        "web contact-edit",
        "owner",
        lambda w: f"/vendors/{w.own.vendor.pk}/contacts/{w.own.contact.pk}/edit/",
        shows=_vendor_pages("contacts"),
        target=_own("contact"),
    ),
    Door(
        "web goal-create",
        "owner",
        _w("goals/new/"),
        baseline=lambda w: {
            "title": "Faster fixes",
            "metric": "MTTR",
            "target_value": "4",
            "direction": "lower_is_better",
            "start_date": "2026-01-01",
            "due_date": "2026-12-31",
            "status": "agreed",
        },
        shows=_vendor_pages("goals"),
    ),
    Door(
        "web goal-edit",
        "owner",
        lambda w: f"/vendors/{w.own.vendor.pk}/goals/{w.own.goal.pk}/edit/",
        shows=_vendor_pages("goals"),
        target=_own("goal"),
    ),
    Door(
        "web goal check-in",
        "owner",
        lambda w: f"/vendors/{w.own.vendor.pk}/goals/{w.own.goal.pk}/",
        baseline=lambda w: {"date": "2026-03-01", "value": "75", "note": "Better"},
        shows=_vendor_pages("goals"),
        target=_own("goal"),
    ),
    Door(
        "web review-create",
        "owner",
        _w("reviews/new/"),
        baseline=lambda w: dict(REVIEW_DATA),
        shows=_vendor_pages("reviews"),
    ),
    Door(
        "web review-edit",
        "owner",
        lambda w: f"/vendors/{w.own.vendor.pk}/reviews/{w.own.next_review.pk}/edit/",
        shows=_vendor_pages("reviews"),
        target=_own("next_review"),
    ),
    Door(
        "web review-complete",
        "owner",
        lambda w: f"/vendors/{w.own.vendor.pk}/reviews/{w.own.next_review.pk}/complete/",
        kinds={"note": Kind("text")},
        state=REVIEW_STATES,
        prepare=_review_state,
        shows=_vendor_pages("reviews"),
    ),
    Door(
        "web meeting-create",
        "owner",
        _w("meetings/new/"),
        baseline=lambda w: dict(MEETING_DATA),
        shows=_meeting_pages,
    ),
    Door(
        "web meeting-edit",
        "owner",
        lambda w: f"/vendors/{w.own.vendor.pk}/meetings/{w.own.meeting.pk}/edit/",
        shows=_meeting_pages,
        target=_own("meeting"),
    ),
    Door(
        "web occurrence record",
        "owner",
        lambda w: _occurrence_page(w, "20260309T080000Z"),
        baseline=lambda w: {
            "form": "record",
            "minutes": "Backlog reviewed",
            "attendees": [str(w.people["owner"].pk)],
            "contacts": [str(w.own.contact.pk)],
        },
        kinds={
            "form": Kind("choice", choices=("record", "move", "decision")),
            "minutes": Kind("text"),
            "attendees": Kind("m2m"),
            "contacts": Kind("m2m"),
        },
        shows=_occurrence_pages,
    ),
    Door(
        "web occurrence decision",
        "owner",
        lambda w: _occurrence_page(w, "20260309T080000Z"),
        baseline=lambda w: {"form": "decision", "text": "Move the window to Sunday"},
        kinds={"form": Kind("choice", choices=("decision", "record")), "text": Kind("text")},
        shows=_occurrence_pages,
    ),
    Door(
        "web occurrence move",
        "owner",
        lambda w: _occurrence_page(w, "20260316T080000Z"),
        baseline=lambda w: {"form": "move", "date": "2026-03-17", "time": "10:00"},
        kinds={
            "form": Kind("choice", choices=("move", "record")),
            "date": Kind("date"),
            "time": Kind("time"),
        },
        shows=_occurrence_pages,
    ),
    *[
        Door(
            f"web occurrence {verb}",
            "owner",
            lambda w, verb=verb, instance=instance: _occurrence_page(w, instance) + f"{verb}/",
            kinds={"back": Kind("text")},
            shows=_occurrence_pages,
        )
        for verb, instance in (
            ("cancel", "20260316T080000Z"),
            ("restore", "20260316T080000Z"),
            ("share", "20260309T080000Z"),
        )
    ],
    Door(
        "web proposal-decide",
        "owner",
        lambda w: (
            f"/vendors/{w.own.vendor.pk}/meetings/{w.own.meeting.pk}"
            f"/proposals/{w.own.proposal.pk}/decide/"
        ),
        kinds={"decision": Kind("choice", choices=("accept", "decline"))},
        baseline=lambda w: {"decision": "accept"},
        shows=_meeting_pages,
        target=_own("meeting"),
    ),
    # The vendor's voice: answering a dispute, marking the inbox read.
    Door(
        "web review answer-dispute",
        "owner",
        lambda w: f"/vendors/{w.own.vendor.pk}/reviews/{w.own.disputed.pk}/answer-dispute/",
        page=lambda w: f"/vendors/{w.own.vendor.pk}/reviews/{w.own.disputed.pk}/",
        baseline=lambda w: {"outcome": "upheld", "dispute_answer": "The score stands."},
        kinds={
            "outcome": Kind("choice", choices=("upheld", "revised")),
            "dispute_answer": Kind("text"),
        },
        shows=_inbox_pages,
        target=_own("disputed"),
    ),
    Door(
        "web inbox read",
        "owner",
        lambda w: "/inbox/read/",
        baseline=lambda w: {"activity": w.own.activity.pk, "next": "/inbox/"},
        kinds={"activity": Kind("text"), "next": Kind("url")},
        shows=_inbox_pages,
    ),
    Door(
        "web attention set-aside",
        "owner",
        lambda w: "/attention/set-aside/",
        baseline=lambda w: {
            "key": f"incident:{w.own.incident.pk}:response_breached",
            "choice": "week",
            "next": "/",
        },
        kinds={"key": Kind("text"), "choice": Kind("text"), "next": Kind("url")},
        shows=lambda w: ["/", "/attention/"],
    ),
    Door(
        "web attention bring-back",
        "owner",
        lambda w: "/attention/bring-back/",
        baseline=lambda w: {"key": f"incident:{w.own.incident.pk}:response_breached"},
        kinds={"key": Kind("text"), "next": Kind("url")},
        shows=lambda w: ["/", "/attention/"],
    ),
    Door(
        "web inbox read-all",
        "owner",
        lambda w: "/inbox/read-all/",
        baseline=lambda w: {"next": "/inbox/"},
        kinds={"next": Kind("url")},
        shows=_inbox_pages,
    ),
    Door(
        "web incident-create",
        "owner",
        _w("incidents/new/"),
        baseline=lambda w: {
            "title": "Disk full",
            "external_id": "INC-WEB",
            "priority": "P1",
            "service": "",
            "opened_at": "2026-03-10T09:00",
            "description": "",
        },
        shows=_vendor_pages("incidents"),
    ),
    Door(
        "web incident-edit",
        "owner",
        lambda w: f"/vendors/{w.own.vendor.pk}/incidents/{w.own.incident.pk}/edit/",
        shows=_vendor_pages("incidents"),
        target=_own("incident"),
    ),
    Door(
        "web incident-acknowledge",
        "owner",
        lambda w: f"/vendors/{w.own.vendor.pk}/incidents/{w.own.incident.pk}/acknowledge/",
        kinds={"next": Kind("url")},
        shows=_vendor_pages("incidents"),
        target=_own("incident"),
    ),
    Door(
        "web incident-resolve",
        "owner",
        lambda w: f"/vendors/{w.own.vendor.pk}/incidents/{w.own.incident.pk}/resolve/",
        baseline=lambda w: {"resolved_at": "2026-03-10T11:30", "root_cause": "A full disk"},
        shows=_vendor_pages("incidents"),
        target=_own("incident"),
    ),
    Door(
        "web incident-close",
        "owner",
        lambda w: f"/vendors/{w.own.vendor.pk}/incidents/{w.own.incident.pk}/close/",
        kinds={"next": Kind("url")},
        shows=_vendor_pages("incidents"),
        target=_own("incident"),
    ),
    Door(
        "web sla-target-create",
        "owner",
        _w("sla-targets/new/"),
        baseline=lambda w: {
            "priority": "P2",
            "response_minutes": "60",
            "resolution_minutes": "480",
        },
        shows=_vendor_pages("incidents"),
    ),
    Door(
        "web sla-target-edit",
        "owner",
        lambda w: f"/vendors/{w.own.vendor.pk}/sla-targets/{w.own.target.pk}/edit/",
        shows=_vendor_pages("incidents"),
        target=_own("target"),
    ),
    Door(
        "web clause-create",
        "owner",
        _w("clauses/new/"),
        baseline=lambda w: {
            "clause_type": "soc2",
            "status": "negotiating",
            "requirement": "",
            "parameters": '{"report": "type II"}',
            "evidence_url": "",
        },
        shows=_vendor_pages("clauses"),
    ),
    Door(
        "web clause-edit",
        "owner",
        lambda w: f"/vendors/{w.own.vendor.pk}/clauses/{w.own.clause.pk}/edit/",
        shows=_vendor_pages("clauses"),
        target=_own("clause"),
    ),
    Door(
        "web clause-verify",
        "owner",
        lambda w: f"/vendors/{w.own.vendor.pk}/clauses/{w.own.clause.pk}/verify/",
        kinds={"note": Kind("text")},
        shows=_vendor_pages("clauses"),
        target=_own("clause"),
    ),
    Door(
        "web credit-policy-edit",
        "owner",
        _w("credits/policy/"),
        shows=_vendor_pages("credits"),
        target=_own("credit_policy"),
    ),
    Door(
        "web credit-compute",
        "owner",
        _w("credits/compute/"),
        baseline=lambda w: {"month": "2026-02"},
        kinds={"month": Kind("text")},
        shows=_vendor_pages("credits"),
    ),
    Door(
        "web credit-statement-edit",
        "owner",
        lambda w: f"/vendors/{w.own.vendor.pk}/credits/{w.own.credit_statement.pk}/status/",
        shows=_vendor_pages("credits"),
        target=_own("credit_statement"),
    ),
    # A query, not a form post: the period of SLA compliance on the credits page.
    Door(
        "web credit-list period",
        "owner",
        _w("credits/"),
        method="get",
        baseline=lambda w: {"start": "2026-01-01", "end": "2026-03-31"},
        kinds={"start": Kind("date"), "end": Kind("date")},
    ),
    # Issue 15: the action-item register's form and buttons, the escalation matrix, snoozes.
    Door(
        "web action-item-create",
        "owner",
        lambda w: "/action-items/new/",
        page=lambda w: f"/action-items/new/?vendor={w.own.vendor.pk}",
        overrides=lambda w: {"description": "Send the rate card", "due_date": "2026-04-01"},
        shows=_register_pages,
    ),
    Door(
        "web action-item-status",
        "owner",
        lambda w: f"/action-items/{w.own.follow_up.pk}/status/",
        baseline=lambda w: {"status": "done"},
        kinds={"status": Kind("choice", choices=("open", "in_progress", "done", "cancelled"))},
        shows=_register_pages,
        target=_own("follow_up"),
    ),
    Door(
        "web escalation-edit",
        "owner",
        _w("escalation/"),
        overrides=lambda w: {
            "topic": "commercial",
            "level": "3",
            "side": "ours",
            "user": str(w.people["owner"].pk),
            "response_minutes": "240",
        },
        shows=lambda w: [f"/vendors/{w.own.vendor.pk}/", "/portal/escalation/"],
    ),
    Door(
        "web escalation-delete",
        "owner",
        lambda w: f"/vendors/{w.own.vendor.pk}/escalation/{w.own.escalation.pk}/delete/",
        kinds={"next": Kind("text")},
        shows=lambda w: [f"/vendors/{w.own.vendor.pk}/", "/portal/escalation/"],
    ),
    Door(
        "web snooze",
        "owner",
        lambda w: "/snooze/",
        page=lambda w: f"/snooze/?subject_type=incident&subject_id={w.own.incident.pk}",
        overrides=lambda w: {"until": "2026-03-25", "note": "Waiting on the vendor"},
        shows=lambda w: ["/account/snoozes/"],
    ),
    Door(
        "web snooze-end",
        "owner",
        lambda w: f"/account/snoozes/{w.own.snooze.pk}/end/",
        kinds={"next": Kind("text")},
        shows=lambda w: ["/account/snoozes/"],
    ),
    Door(
        "web preferences",
        "owner",
        lambda w: "/account/preferences/",
        shows=lambda w: ["/account/preferences/", "/"],
    ),
    Door(
        "web calendar-token",
        "owner",
        lambda w: "/account/preferences/calendar-token/",
        kinds={"note": Kind("text")},
    ),
    Door(
        "web login",
        "anonymous",
        lambda w: "/accounts/login/",
        baseline=lambda w: {"username": "owner", "password": PASSWORD},
        replay=False,
    ),
]

PORTAL = [
    Door(
        "portal check-in",
        "rep",
        lambda w: f"/portal/goals/{w.own.goal.pk}/",
        baseline=lambda w: {"date": "2026-03-01", "value": "75", "note": "Better"},
        shows=_portal_pages("goals"),
        target=_own("goal"),
    ),
    Door(
        "portal review acknowledgement",
        "rep",
        lambda w: f"/portal/reviews/{w.own.review.pk}/",
        baseline=lambda w: {"comment": "Agreed, thanks."},
        shows=_portal_pages("reviews"),
        target=_own("review"),
    ),
    Door(
        "portal review dispute",
        "rep",
        lambda w: f"/portal/reviews/{w.own.review.pk}/",
        baseline=lambda w: {"response": "dispute", "comment": "We dispute the innovation score."},
        shows=_portal_pages("reviews"),
        target=_own("review"),
    ),
    Door(
        "portal agenda proposal",
        "rep",
        lambda w: f"/portal/meetings/{w.own.meeting.pk}/",
        baseline=lambda w: {"text": "Capacity plan"},
        shows=_portal_pages("meetings"),
        target=_own("meeting"),
    ),
    Door(
        "portal minutes sign-off",
        "rep",
        lambda w: f"/portal/meetings/{w.own.meeting.pk}/minutes/{w.own.occurrence.pk}/",
        page=lambda w: f"/portal/meetings/{w.own.meeting.pk}/",
        baseline=lambda w: {"decision": "changes", "minutes_comment": "Add the patch window"},
        kinds={
            "decision": Kind("choice", choices=("approve", "changes")),
            "minutes_comment": Kind("text"),
        },
        shows=_portal_pages("meetings"),
        target=_own("meeting"),
    ),
    Door(
        "portal incident acknowledge",
        "rep",
        lambda w: f"/portal/incidents/{w.own.incident.pk}/acknowledge/",
        kinds={"note": Kind("text")},
        shows=_portal_pages("incidents"),
        target=_own("incident"),
    ),
    Door(
        "portal incident resolve",
        "rep",
        lambda w: f"/portal/incidents/{w.own.incident.pk}/resolve/",
        page=lambda w: f"/portal/incidents/{w.own.incident.pk}/",
        baseline=lambda w: {"root_cause": "A full disk"},
        shows=_portal_pages("incidents"),
        target=_own("incident"),
    ),
    Door(
        "portal security incident report",
        "rep",
        lambda w: "/portal/incidents/new/",
        # The form as rendered, plus what a representative must type (no detection yet).
        overrides=lambda w: {"title": "Mailbox takeover", "detected_at": "2026-03-10T09:00"},
        shows=lambda w: [
            "/portal/",
            "/portal/incidents/",
            *(
                f"/portal/incidents/{pk}/"
                for pk in w.own.vendor.incidents.values_list("pk", flat=True)
            ),
            "/",
        ],
    ),
    Door(
        "portal action item status",
        "rep",
        lambda w: f"/portal/action-items/{w.own.action_item.pk}/status/",
        baseline=lambda w: {"status": "done"},
        kinds={"status": Kind("choice", choices=("open", "in_progress", "done", "cancelled"))},
        shows=_portal_pages("action-items"),
        target=_own("action_item"),
    ),
]


def _api(suffix):
    return lambda world: f"/api/v1/{suffix}"


def _api_object(name, attribute):
    return lambda world: f"/api/v1/{name}/{getattr(world.own, attribute).pk}/"


def _api_doors(name, serializer, attribute, create, section, *, shows=None):
    """POST to the list, PUT and PATCH on the own vendor's object."""
    shows = shows or _vendor_pages(section)
    return [
        Door(
            f"api {name} POST",
            "api",
            _api(f"{name}/"),
            baseline=create,
            serializer=serializer,
            shows=shows,
        ),
        Door(
            f"api {name} PUT",
            "api",
            _api_object(name, attribute),
            method="put",
            serializer=serializer,
            shows=shows,
            target=_own(attribute),
        ),
        Door(
            f"api {name} PATCH",
            "api",
            _api_object(name, attribute),
            method="patch",
            baseline=lambda w: {},
            serializer=serializer,
            shows=shows,
            target=_own(attribute),
        ),
    ]


def _vendor_of(world, **fields):
    return {"vendor": world.own.vendor.pk, **fields}


API = [
    *_api_doors(
        "vendors",
        api_serializers.VendorSerializer,
        "vendor",
        lambda w: {"name": "API Networks", "services": ["hosting"], "time_zone": "UTC"},
        "",
        shows=_vendor_list_pages,
    ),
    *_api_doors(
        "contacts",
        api_serializers.ContactSerializer,
        "contact",
        lambda w: _vendor_of(w, name="Nora New"),
        "contacts",
    ),
    *_api_doors(
        "goals",
        api_serializers.GoalSerializer,
        "goal",
        lambda w: _vendor_of(
            w,
            title="Faster fixes",
            metric="MTTR",
            target_value="4",
            start_date="2026-01-01",
            due_date="2026-12-31",
        ),
        "goals",
    ),
    Door(
        "api goal check-ins POST",
        "api",
        lambda w: f"/api/v1/goals/{w.own.goal.pk}/check-ins/",
        baseline=lambda w: {"date": "2026-03-01", "value": "72", "note": "Better"},
        serializer=api_serializers.CheckInSerializer,
        shows=_vendor_pages("goals"),
        target=_own("goal"),
    ),
    *_api_doors(
        "reviews",
        api_serializers.ReviewSerializer,
        "next_review",
        lambda w: _vendor_of(
            w,
            period_start="2025-01-01",
            period_end="2025-03-31",
            scheduled_for="2025-04-15",
            scores=[{"criterion": "quality", "score": 4, "comment": "Solid"}],
            action_items=[{"description": "Fix the runbook", "due_date": "2025-05-01"}],
        ),
        "reviews",
    ),
    Door(
        "api review answer-dispute",
        "api",
        lambda w: f"/api/v1/reviews/{w.own.disputed.pk}/answer-dispute/",
        baseline=lambda w: {"outcome": "revised", "answer": "Innovation is now 4."},
        serializer=api_serializers.DisputeAnswerSerializer,
        shows=_inbox_pages,
        target=_own("disputed"),
    ),
    Door(
        "api agenda-proposals POST",
        "api",
        _api("agenda-proposals/"),
        baseline=lambda w: {"meeting": w.own.meeting.pk, "text": "Roadmap"},
        serializer=api_serializers.AgendaProposalSerializer,
        shows=_meeting_pages,
    ),
    Door(
        "api agenda-proposal answer",
        "api",
        lambda w: f"/api/v1/agenda-proposals/{w.own.proposal.pk}/answer/",
        baseline=lambda w: {"accept": True},
        serializer=api_serializers.AgendaProposalAnswerSerializer,
        shows=_meeting_pages,
        target=_own("meeting"),
    ),
    Door(
        "api inbox read",
        "api",
        lambda w: f"/api/v1/inbox/{w.own.activity.pk}/read/",
        baseline=lambda w: {},
        kinds={"note": Kind("text")},
        shows=_inbox_pages,
    ),
    # An upload is multipart; hostile JSON bodies get a clean refusal, never a 500.
    Door(
        "api imports POST",
        "api",
        _api("imports/"),
        baseline=lambda w: {"kind": "vendors", "dry_run": True},
        kinds={
            "kind": Kind("choice", choices=("vendors", "sla_targets", "clauses", "goals")),
            "dry_run": Kind("bool"),
            "file": Kind("text"),
        },
        shows=_import_pages,
    ),
    Door(
        "api import confirm",
        "api",
        lambda w: f"/api/v1/imports/{_import_job(w).pk}/confirm/",
        baseline=lambda w: {},
        kinds={"note": Kind("text")},
        shows=_import_pages,
    ),
    Door(
        "api inbox read-all",
        "api",
        _api("inbox/read-all/"),
        baseline=lambda w: {},
        kinds={"note": Kind("text")},
        shows=_inbox_pages,
    ),
    Door(
        "api review complete",
        "api",
        lambda w: f"/api/v1/reviews/{w.own.next_review.pk}/complete/",
        kinds={"note": Kind("text")},
        state=REVIEW_STATES,
        prepare=_review_state,
        shows=_vendor_pages("reviews"),
    ),
    *_api_doors(
        "meetings",
        api_serializers.MeetingSerializer,
        "meeting",
        lambda w: _vendor_of(
            w, title="Kick-off", starts_at="2026-04-01T09:00:00Z", time_zone="UTC", recurrence=""
        ),
        "meetings",
        shows=_meeting_pages,
    ),
    *_api_doors(
        "sla-targets",
        api_serializers.SLATargetSerializer,
        "target",
        lambda w: _vendor_of(w, priority="P2", response_minutes=60, resolution_minutes=480),
        "incidents",
    ),
    *_api_doors(
        "incidents",
        api_serializers.IncidentSerializer,
        "incident",
        lambda w: _vendor_of(
            w, external_id="INC-NEW", title="Disk full", opened_at="2026-03-10T10:00:00Z"
        ),
        "incidents",
    ),
    Door(
        "api incidents POST (upsert of an existing id)",
        "api",
        _api("incidents/"),
        baseline=lambda w: _vendor_of(
            w,
            external_id=w.own.incident.external_id,
            title="Disk full again",
            opened_at="2026-03-10T10:00:00Z",
        ),
        serializer=api_serializers.IncidentSerializer,
        shows=_vendor_pages("incidents"),
    ),
    *_api_doors(
        "clauses",
        api_serializers.ClauseSerializer,
        "clause",
        lambda w: _vendor_of(w, clause_type="soc2", status="negotiating"),
        "clauses",
    ),
    *_api_doors(
        "action-items",
        api_serializers.ActionItemRecordSerializer,
        "follow_up",
        lambda w: _vendor_of(w, description="Share the patch plan", due_date="2026-04-01"),
        "",
        shows=_vendor_workspace,
    ),
    *_api_doors(
        "meeting-occurrences",
        api_serializers.MeetingOccurrenceSerializer,
        "occurrence",
        lambda w: {"meeting": w.own.meeting.pk, "original_start": "2026-03-23T08:00:00Z"},
        "meetings",
        shows=_occurrence_pages,
    ),
    *[
        Door(
            f"api meeting-occurrences {verb}",
            "api",
            lambda w, verb=verb: f"/api/v1/meeting-occurrences/{w.own.occurrence.pk}/{verb}/",
            baseline=lambda w: {},
            kinds={"back": Kind("text")},
            shows=_occurrence_pages,
            target=_own("occurrence"),
        )
        for verb in ("cancel", "restore", "share")
    ],
    Door(
        "api meeting-occurrences move",
        "api",
        lambda w: f"/api/v1/meeting-occurrences/{w.own.occurrence.pk}/move/",
        baseline=lambda w: {"starts_at": "2026-03-10T08:00:00Z"},
        serializer=api_serializers.OccurrenceMoveSerializer,
        shows=_occurrence_pages,
        target=_own("occurrence"),
    ),
    Door(
        "api decisions POST",
        "api",
        _api("decisions/"),
        baseline=lambda w: {"occurrence": w.own.occurrence.pk, "text": "Keep the Monday slot"},
        serializer=api_serializers.DecisionSerializer,
        shows=_occurrence_pages,
    ),
    *_api_doors(
        "escalation-contacts",
        api_serializers.EscalationContactSerializer,
        "escalation",
        lambda w: _vendor_of(
            w, level=3, topic="commercial", side="ours", user=w.people["owner"].pk
        ),
        "",
        shows=_vendor_workspace,
    ),
    *_api_doors(
        "snoozes",
        api_serializers.SnoozeSerializer,
        "snooze",
        lambda w: {"subject_type": "review", "subject_id": w.own.review.pk, "until": "2026-03-25"},
        "",
        shows=_vendor_workspace,
    ),
    Door(
        "api required-clauses POST",
        "api_admin",
        _api("required-clauses/"),
        baseline=lambda w: {"tier": "low", "clause_type": "encryption"},
        serializer=api_serializers.RequiredClauseSerializer,
        shows=_vendor_workspace,
    ),
    *_api_doors(
        "credit-policies",
        api_serializers.CreditPolicySerializer,
        "credit_policy",
        lambda w: _vendor_of(w, monthly_fee="500"),
        "credits",
    ),
    *[
        Door(
            f"api credit-statements {method.upper()}",
            "api",
            _api_object("credit-statements", "credit_statement"),
            method=method,
            baseline=lambda w: {"status": "none", "status_note": ""},
            serializer=api_serializers.CreditStatementSerializer,
            shows=_vendor_pages("credits"),
            target=_own("credit_statement"),
        )
        for method in ("put", "patch")
    ],
    Door(
        "api credit-statements compute",
        "api",
        _api("credit-statements/compute/"),
        baseline=lambda w: _vendor_of(w, month="2026-02"),
        serializer=api_serializers.CreditComputeSerializer,
        kinds={"month": Kind("text")},
        shows=_vendor_pages("credits"),
    ),
    Door(
        "api vendor managers PUT",
        "api",
        lambda w: f"/api/v1/vendors/{w.own.vendor.pk}/managers/",
        method="put",
        baseline=lambda w: {"managers": [w.people["assigned"].pk]},
        serializer=api_serializers.VendorManagersSerializer,
        shows=_vendor_list_pages,
        target=_own("vendor"),
    ),
    Door(
        "api auth token",
        "api_anonymous",
        _api("auth/token/"),
        baseline=lambda w: {"username": "owner", "password": PASSWORD},
        serializer=api_serializers.TokenObtainSerializer,
        replay=False,
    ),
    Door(
        "api auth logout", "api", _api("auth/logout/"), kinds={"note": Kind("text")}, replay=False
    ),
    Door(
        "api auth logout-all",
        "api",
        _api("auth/logout-all/"),
        kinds={"note": Kind("text")},
        replay=False,
    ),
]


def _admin(model, view="add", attribute=None):
    def url(world):
        args = []
        if attribute is not None:
            target = attribute(world) if callable(attribute) else getattr(world.own, attribute)
            args = [target.pk]
        return reverse(f"admin:{model}_{view}", args=args)

    return url


def _admin_doors(model, attribute, add, section):
    """The admin's add and change forms of ``model`` ("app_model")."""
    shows = _vendor_pages(section) if section else None
    doors = []
    if add is not None:
        doors.append(Door(f"admin {model} add", "admin", _admin(model), overrides=add, shows=shows))
    doors.append(
        Door(
            f"admin {model} change",
            "admin",
            _admin(model, "change", attribute),
            shows=shows,
            target=_own(attribute),
        )
    )
    return doors


def _own_vendor(**fields):
    return lambda world: {"vendor": str(world.own.vendor.pk), **fields}


ADMIN = [
    *_admin_doors(
        "governance_vendor",
        "vendor",
        lambda w: {
            "name": "Admin Networks",
            "owner": str(w.people["owner"].pk),
            "tier": "low",
            "status": "active",
            "time_zone": "UTC",
            "currency": "EUR",
            "renewal_notice_days": "90",
        },
        "",
    ),
    *_admin_doors("governance_contact", "contact", _own_vendor(name="Nora Admin"), "contacts"),
    *_admin_doors(
        "governance_goal",
        "goal",
        _own_vendor(
            title="Admin goal",
            metric="MTTR",
            target_value="4",
            direction="lower_is_better",
            start_date="2026-01-01",
            due_date="2026-12-31",
            status="agreed",
        ),
        "goals",
    ),
    *_admin_doors(
        "governance_review",
        "next_review",
        _own_vendor(
            period_start="2024-01-01",
            period_end="2024-03-31",
            scheduled_for="2024-04-15",
            status="scheduled",
        ),
        "reviews",
    ),
    *_admin_doors(
        "governance_actionitem",
        "action_item",
        lambda w: {
            "vendor": str(w.own.vendor.pk),
            "source": "review",
            "review": str(w.own.next_review.pk),
            "description": "Admin item",
            "status": "open",
        },
        "reviews",
    ),
    *_admin_doors(
        "governance_escalationcontact",
        "escalation",
        lambda w: {
            "vendor": str(w.own.vendor.pk),
            "level": "3",
            "topic": "commercial",
            "side": "vendor",
            "contact": str(w.own.contact.pk),
            "reach": "Account desk",
        },
        "",
    ),
    *_admin_doors(
        "governance_meeting",
        "meeting",
        _own_vendor(
            title="Admin sync",
            kind="operational",
            starts_at_0="2026-04-01",
            starts_at_1="09:00:00",
            duration_minutes="60",
            time_zone="UTC",
            channel="video",
        ),
        "meetings",
    ),
    *_admin_doors(
        "governance_agendaproposal",
        "proposal",
        lambda w: {"meeting": str(w.own.meeting.pk), "text": "Admin item", "status": "proposed"},
        "meetings",
    ),
    *_admin_doors(
        "governance_slatarget",
        "target",
        _own_vendor(priority="P3", response_minutes="60", resolution_minutes="480"),
        "incidents",
    ),
    *_admin_doors(
        "governance_incident",
        "incident",
        _own_vendor(
            title="Admin incident",
            external_id="INC-ADMIN",
            priority="P2",
            opened_at_0="2026-03-10",
            opened_at_1="09:00:00",
            status="open",
        ),
        "incidents",
    ),
    *_admin_doors(
        "governance_securityclause",
        "clause",
        _own_vendor(clause_type="soc2", status="negotiating"),
        "clauses",
    ),
    *_admin_doors(
        "governance_meetingoccurrence",
        "occurrence",
        lambda w: {
            "meeting": str(w.own.meeting.pk),
            "original_start_0": "2026-03-16",
            "original_start_1": "08:00:00",
            "minutes": "",
        },
        "meetings",
    ),
    Door(
        "admin governance_decision add",
        "admin",
        _admin("governance_decision"),
        overrides=lambda w: {"occurrence": str(w.own.occurrence.pk), "text": "Admin decision"},
        shows=_vendor_pages("meetings"),
    ),
    # One policy per vendor: the world's vendors have theirs, so an add is refused cleanly.
    *_admin_doors(
        "governance_creditpolicy", "credit_policy", _own_vendor(currency="EUR"), "credits"
    ),
    *_admin_doors("governance_creditstatement", "credit_statement", None, "credits"),
    Door(
        "admin governance_requiredclause add",
        "admin",
        _admin("governance_requiredclause"),
        overrides=lambda w: {"tier": "low", "clause_type": "soc2"},
    ),
    Door(
        "admin governance_requiredclause change",
        "admin",
        _admin(
            "governance_requiredclause",
            "change",
            lambda w: RequiredClause.objects.order_by("pk").first(),
        ),
    ),
    Door(
        "admin auth_user add",
        "admin",
        _admin("auth_user"),
        overrides=lambda w: {
            "username": "newcomer",
            "usable_password": "true",
            "password1": "correct-horse-battery-staple",
            "password2": "correct-horse-battery-staple",
        },
        replay=False,
    ),
    # The profile inline (role, vendor, time zone, reminder preferences) of the viewer, a
    # persona the rendering does not sign in as; of Django's own fields, the names.
    Door(
        "admin auth_user change",
        "admin",
        _admin("auth_user", "change", lambda w: w.people["viewer"]),
        shows=lambda w: ["/"],
        only=("profile-0-", "username", "first_name", "last_name", "email"),
    ),
]


def _admin_actions(model, actions, selected):
    """The changelist's actions of ``model``, run on ``selected(world)`` (and hostile ids)."""
    return Door(
        f"admin {model} actions",
        "admin",
        _admin(model, "changelist"),
        baseline=lambda w: {
            "action": actions[0],
            "_selected_action": [str(selected(w).pk)],
            "index": "0",
        },
        kinds={
            "action": Kind("choice", choices=(*actions, "delete_selected")),
            "_selected_action": Kind("m2m"),
            "select_across": Kind("bool"),
        },
    )


ADMIN += [
    _admin_actions("governance_vendor", ("end_vendors",), _own("vendor")),
    _admin_actions("governance_review", ("complete_reviews",), _own("next_review")),
    _admin_actions(
        "governance_agendaproposal", ("accept_proposals", "decline_proposals"), _own("proposal")
    ),
    _admin_actions("governance_securityclause", ("verify_clauses",), _own("clause")),
    _admin_actions(
        "governance_meetingoccurrence",
        ("cancel", "restore", "record_held", "share_minutes"),
        _own("occurrence"),
    ),
    _admin_actions("governance_reminder", ("retry_failed",), _own("reminder")),
    _admin_actions("governance_creditstatement", ("recompute",), _own("credit_statement")),
]

# --- outbound webhooks (administrators) -----------------------------------------------------

# A public address literal: accepted with no lookup; nothing is ever sent to it here.
HOOK_URL = "https://93.184.216.34/hooks/doors"


def _webhook(world):
    """The world's webhook (made on first use)."""
    hook, _ = WebhookSubscription.objects.get_or_create(
        url=HOOK_URL, defaults={"events": ["incident.created"], "owner": world.people["admin"]}
    )
    return hook


def _webhook_delivery(world):
    """The world's webhook's failed delivery (made on first use)."""
    hook = _webhook(world)
    delivery = hook.deliveries.order_by("pk").first()
    if delivery is None:
        event = WebhookEvent.objects.create(type="incident.created", data={})
        delivery = WebhookDelivery.objects.create(
            event=event, subscription=hook, status="failed", attempts=1
        )
    return delivery


def _hook(suffix=""):
    return lambda world: f"/webhooks/{_webhook(world).pk}/{suffix}"


def _hook_pages(world):
    return ["/webhooks/", f"/webhooks/{_webhook(world).pk}/"]


def _redeliver(world):
    return f"/webhooks/{_webhook(world).pk}/deliveries/{_webhook_delivery(world).pk}/redeliver/"


WEB += [
    Door(
        "web webhook create",
        "admin",
        lambda w: "/webhooks/new/",
        overrides=lambda w: {"url": HOOK_URL + "/new", "events": ["incident.created"]},
        shows=lambda w: ["/webhooks/"],
    ),
    Door("web webhook edit", "admin", _hook("edit/"), shows=_hook_pages),
    *[
        Door(
            f"web webhook {action}",
            "admin",
            _hook(f"{action}/"),
            baseline=lambda w: {},
            kinds={"note": Kind("text")},
            shows=lambda w: ["/webhooks/"],
            # Deleting the world's webhook for good would leave the other doors nothing.
            replay=action != "delete",
        )
        for action in ("delete", "rotate-secret", "enable")
    ],
    Door(
        "web webhook redeliver",
        "admin",
        _redeliver,
        baseline=lambda w: {},
        kinds={"note": Kind("text")},
        shows=_hook_pages,
    ),
]

API += [
    Door(
        "api webhooks POST",
        "api_admin",
        _api("webhooks/"),
        baseline=lambda w: {"url": HOOK_URL + "/api", "events": ["review.completed"]},
        serializer=WebhookSubscriptionSerializer,
        shows=_hook_pages,
    ),
    *[
        Door(
            f"api webhooks {method.upper()}",
            "api_admin",
            lambda w: f"/api/v1/webhooks/{_webhook(w).pk}/",
            method=method,
            baseline=(lambda w: {}) if method == "patch" else None,
            serializer=WebhookSubscriptionSerializer,
            shows=_hook_pages,
        )
        for method in ("put", "patch")
    ],
    Door(
        "api webhooks rotate-secret",
        "api_admin",
        lambda w: f"/api/v1/webhooks/{_webhook(w).pk}/rotate-secret/",
        kinds={"note": Kind("text")},
        shows=_hook_pages,
    ),
    Door(
        "api webhooks redeliver",
        "api_admin",
        lambda w: "/api/v1" + _redeliver(w),
        kinds={"note": Kind("text")},
        shows=_hook_pages,
    ),
]

ADMIN += [
    Door(
        "admin governance_webhooksubscription add",
        "admin",
        _admin("governance_webhooksubscription"),
        overrides=lambda w: {"url": HOOK_URL + "/admin", "events": ["clause.expired"]},
        shows=lambda w: ["/webhooks/"],
    ),
    Door(
        "admin governance_webhooksubscription change",
        "admin",
        _admin("governance_webhooksubscription", "change", _webhook),
        shows=_hook_pages,
    ),
    _admin_actions("governance_webhookdelivery", ("redeliver",), _webhook_delivery),
]

DOORS = [*WEB, *PORTAL, *API, *ADMIN]


# --- driving a door --------------------------------------------------------------------------


@dataclass
class Spec:
    """A door made concrete in one world: the valid request and the kind of each field."""

    door: Door
    baseline: dict
    kinds: dict
    target: Any = None

    def examples(self, pool):
        """Strategy of (body, zone, state): one to three fields made hostile, now and then
        (API) the whole body replaced by a hostile JSON document."""
        door = self.door
        names = sorted(self.kinds)
        strategies = {
            name: strategy_for(self.kinds[name], api=door.api, pool=pool) for name in names
        }

        @st.composite
        def body(draw):
            data = json.loads(json.dumps(self.baseline)) if door.api else dict(self.baseline)
            if door.api and draw(st.integers(0, 15)) == 15:
                return draw(hs.json_values(api=True))
            if not names:
                return data
            chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
            for name in chosen:
                value = draw(strategies[name])
                kind = self.kinds[name].name
                if value is hs.OMIT:
                    data.pop(name, None)
                    for suffix in ("_0", "_1"):
                        data.pop(name + suffix, None)
                elif kind == "split_datetime":
                    data[f"{name}_0"], data[f"{name}_1"] = value
                else:
                    data[name] = value
            return data

        state = door.state
        if state is None:
            state = edge_state(type(self.target)) if self.target is not None else st.just({})
        return st.tuples(body(), st.sampled_from(hs.ZONES), state)


def clients_for(world):
    """Each persona's client; a server error comes back as a 500, not as an exception."""

    def signed_in(name):
        client = Client(raise_request_exception=False)
        client.force_login(world.people[name])
        return client

    owner = world.people["owner"]
    return {
        "owner": signed_in("owner"),
        "rep": signed_in("rep"),
        "admin": signed_in("admin"),
        "anonymous": Client(raise_request_exception=False),
        "api": Client(
            raise_request_exception=False, headers={"Authorization": f"Token {token_for(owner)}"}
        ),
        "api_anonymous": Client(raise_request_exception=False),
        "api_admin": Client(
            raise_request_exception=False,
            headers={"Authorization": f"Token {token_for(world.people['admin'])}"},
        ),
    }


def id_pool(world):
    """Every id of the world worth guessing: both vendors' records and every person."""
    pool = {person.pk for person in world.people.values()}
    for records in (world.own, world.other):
        pool |= {getattr(records, name).pk for name in vars(records)}
    return tuple(sorted(pool))


def spec_for(door, world, clients):
    """Read the door's valid request and field kinds (one GET of its page, if it has one)."""
    client = clients[door.client]
    kinds = {}
    baseline = door.baseline(world) if door.baseline else None
    if door.api:
        if door.serializer is not None:
            fields = door.serializer().fields
            kinds = {
                name: api_kind(name, field_)
                for name, field_ in fields.items()
                if not field_.read_only
            }
        if baseline is None:
            current = json.loads(client.get(door.url(world)).content)
            baseline = {name: current[name] for name in kinds if name in current}
    elif door.page is not None or not door.kinds:
        page = (door.page or door.url)(world)
        response = client.get(page)
        assert response.status_code == 200, f"{door.name}: GET {page} gave {describe(response)}"
        found = page_forms(response)
        kinds = form_kinds(found)
        if baseline is None:
            baseline = form_data(found)
    if door.overrides is not None:
        baseline = {**baseline, **door.overrides(world)}
    if door.only:
        kinds = {name: kind for name, kind in kinds.items() if name.startswith(door.only)}
    kinds.update(door.kinds)
    return Spec(door, baseline or {}, kinds, door.target(world) if door.target else None)


def send(door, world, clients, body):
    client = clients[door.client]
    url = door.url(world)
    if door.api:
        encoded = json.dumps(body, allow_nan=True)
        return client.generic(door.method.upper(), url, encoded, content_type="application/json")
    if door.method == "get":
        return client.get(url, body)
    data = {}
    for name, value in body.items():
        if isinstance(value, tuple):  # an upload: (name, content, content type)
            file_name, content, content_type = value
            value = SimpleUploadedFile(file_name, content, content_type=content_type)
        data[name] = value
    return client.post(url, data)


def accepted(door, response):
    """Whether the request may have stored something (a redirect after a form, a 2xx API;
    a query stores nothing)."""
    if door.method == "get":
        return False
    if door.api:
        return 200 <= response.status_code < 300
    return response.status_code == 302


def set_zones(world, zone):
    """The signed-in personas read and type times in ``zone`` (datetime-local inputs)."""
    users = [world.people[name].pk for name in ("owner", "rep", "admin")]
    UserProfile.objects.filter(user_id__in=users).update(time_zone=zone)


def knock(door, world, clients, example):
    """Send one example through ``door`` (in the caller's transaction); returns the response.

    Fails on a server error, with the exception behind it.
    """
    body, zone, state = example
    cache.clear()  # throttle counts: every example starts afresh
    set_zones(world, zone)
    if door.prepare is not None:
        door.prepare(world, **state)
    elif door.target is not None:
        move_to_edges(door.target(world), **state)
    response = send(door, world, clients, body)
    assert response.status_code < 500, (
        f"{door.name} answered {describe(response)} to {body!r:.2000} (zone {zone}, state {state})"
    )
    return response


def read_back(door, world, clients, example):
    """The pages that show what ``door`` stored; fails on any that does not render."""
    if door.shows is None:
        return
    for url in door.shows(world):
        reader = clients["rep" if url.startswith("/portal/") else "admin"]
        response = reader.get(url)
        assert response.status_code == 200, (
            f"after {door.name} accepted {example!r:.2000}: GET {url} gave {describe(response)}"
        )


def drive(door, world, clients, *, max_examples, read_back_each=True, derandomize=True):
    """Hypothesis through one door; returns the examples it accepted (each rolled back).

    ``read_back_each``: render the pages showing an accepted example right away, so a
    failure names the one request that caused it. ``derandomize``: the same examples every
    run (else new ones each run; a failure names its request either way).
    """
    spec = spec_for(door, world, clients)
    kept = []

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=derandomize,
        # The failure message names the request; shrinking it would replay hundreds.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(example=spec.examples(id_pool(world)))
    def run(example):
        with transaction.atomic():
            response = knock(door, world, clients, example)
            if accepted(door, response):
                if read_back_each:
                    read_back(door, world, clients, example)
                if example not in kept:
                    kept.append(example)
            transaction.set_rollback(True)

    run()
    return kept


def store(door, world, clients, examples):
    """Send accepted examples again, for good this time; fails on a server error."""
    if not door.replay:
        return
    for example in examples:
        with transaction.atomic():
            knock(door, world, clients, example)
