"""A vendor's escalation matrix: shown by topic and level with both sides, edited on its page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from governance import services
from governance.models import EscalationContact
from governance.selectors.escalation import escalation_matrix
from governance.web.forms.escalation import EscalationContactForm
from governance.web.views.base import editable_vendor_for, internal_view
from governance.web.views.editing import record_action


def matrix_rows(entries):
    """``entries`` (``escalation_matrix``) as the matrix reads: one row per topic and level
    that has anyone, with our side's and the vendor's people; topics and levels in order."""
    cells = {}
    for entry in entries:
        row = cells.setdefault((entry.topic, entry.level), {"ours": [], "vendor": []})
        row["ours" if entry.side == EscalationContact.Side.OURS else "vendor"].append(
            _person(entry)
        )
    return [
        {
            "topic": topic_label,
            "level": level,
            "level_label": level_label,
            **cells[(topic, level)],
        }
        for topic, topic_label in EscalationContact.Topic.choices
        for level, level_label in EscalationContact.Level.choices
        if (topic, level) in cells
    ]


def _person(entry):
    """Who, and how to reach them: their email and phone (a user's, or a contact's)."""
    if entry.user_id is not None:
        # Our users have no phone on record: ``reach`` says how else to get them.
        email, phone = entry.user.email, ""
    else:
        email, phone = entry.contact.email, entry.contact.phone
    return {
        "entry": entry,
        "name": entry.person_name,
        "role": entry.contact.role if entry.contact_id is not None else "",
        "email": email,
        "phone": phone,
        "reach": entry.reach,
        "response_minutes": entry.response_minutes,
    }


def _page_url(vendor):
    return reverse("governance:escalation-edit", args=[vendor.pk])


@internal_view
def escalation_edit(request, pk):
    """The matrix with a "Remove" per entry, and the form to add one (editors only)."""
    vendor = editable_vendor_for(request, pk)
    form = EscalationContactForm(
        request.POST or None, instance=EscalationContact(vendor=vendor), vendor=vendor
    )
    if request.method == "POST":
        saved = form.save_with(lambda: services.escalation_contact_save(form.instance))
        if saved is not None:
            messages.success(request, f"{saved.person_name} was added to the escalation matrix.")
            return redirect(_page_url(vendor))
    return render(
        request,
        "governance/escalation/edit.html",
        {
            "vendor": vendor,
            "form": form,
            "entries": [_person(entry) for entry in escalation_matrix(vendor)],
            "can_edit": True,
        },
    )


escalation_delete = record_action(
    "escalation",
    services.record_delete,
    lambda entry, _: f"{entry.person_name} was removed from the escalation matrix.",
    lambda vendor, entry: _page_url(vendor),
)
