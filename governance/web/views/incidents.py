"""SLA targets and incidents: log, acknowledge, resolve; due times and breach flags."""

from copy import copy

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from governance import selectors, services
from governance.domain import access
from governance.domain.dates import day_text
from governance.models import ActionItem, Incident, SLATarget
from governance.selectors.actions import with_overdue
from governance.web.forms import IncidentForm, ResolveForm, SLATargetForm
from governance.web.pages import acknowledge_incident, act
from governance.web.views.base import (
    internal_view,
    next_url,
    section_view,
    vendor_for,
    vendor_record,
)
from governance.web.views.editing import RecordFormView

CSV_HEADER = [
    "Ticket id",
    "Title",
    "Priority",
    "Service",
    "Status",
    "Opened",
    "Acknowledged",
    "Resolved",
    "Response due",
    "Resolution due",
    "Response breached",
    "Resolution breached",
    "Root cause",
    "Category",
    "Detected",
    "Vendor notified",
    "Notified by",
    "Personal data affected",
    "Contained",
    "Authority notified",
]


def _csv_row(incident):
    return [
        incident.external_id,
        incident.title,
        incident.priority,
        incident.service,
        incident.status,
        incident.opened_at,
        incident.acknowledged_at,
        incident.resolved_at,
        incident.response_due_at,
        incident.resolution_due_at,
        incident.response_breached,
        incident.resolution_breached,
        incident.root_cause,
        incident.category,
        incident.detected_at,
        incident.vendor_notified_at,
        incident.notified_by,
        incident.personal_data_affected,
        incident.contained_at,
        incident.authority_notified_at,
    ]


# The list's status filter: each choice once, by what a person means. "open" (as the
# dashboard's links ask) is every incident not yet resolved; "new" the status Open alone.
STATUS_FILTERS = {
    "": ("All", None),
    "open": ("Not resolved", Incident.OPEN_STATUSES),
    "new": ("Open, not yet acknowledged", [Incident.Status.OPEN]),
    **{
        status: (label, [status])
        for status, label in Incident.Status.choices
        if status != Incident.Status.OPEN
    },
}


def _incidents(request, vendor):
    """The vendor's incidents in the status the list is filtered by (``STATUS_FILTERS``)."""
    _, statuses = STATUS_FILTERS.get(request.GET.get("status", ""), STATUS_FILTERS[""])
    queryset = vendor.incidents.all()
    if statuses is not None:
        queryset = queryset.filter(status__in=statuses)
    return selectors.incidents_with_breach_flags(queryset)


incident_list = section_view(
    "incidents",
    "Incidents",
    _incidents,
    csv=(CSV_HEADER, _csv_row),
    extra=lambda request, vendor: {
        "status_filter": request.GET.get("status", ""),
        "status_choices": [(value, label) for value, (label, _) in STATUS_FILTERS.items()],
        "sla_targets": list(vendor.sla_targets.all()),
    },
)


class IncidentFormView(RecordFormView):
    model = Incident
    form_class = IncidentForm
    message = "Incident “{0.title}” was {1}."

    def save(self, form):
        return services.incident_save(form.instance)

    def success_message(self, incident):
        if not self.adding:
            return super().success_message(incident)
        logged = f"Incident “{incident.title}” was logged"
        if incident.resolution_due_at is None:
            return f"{logged} (no SLA target for {incident.priority})."
        due = timezone.localtime(incident.resolution_due_at)
        text = f"{logged}; resolution due {day_text(due.date())}, {due:%H:%M}."
        if incident.resolution_breached_at(timezone.now()):
            text += " Its resolution target has already passed."
        return text

    def form_kwargs(self):
        kwargs = super().form_kwargs()
        if self.adding and self.request.GET.get("category") == Incident.Category.SECURITY:
            # "Log a security incident": the form with the security fields.
            kwargs["initial"] = {"category": Incident.Category.SECURITY}
        return kwargs

    def extra_context(self):
        return {"sla_targets": list(self.vendor.sla_targets.all())}


def _with_flags(vendor, incident_pk):
    """The vendor's incident ``incident_pk`` with its breach flags, or 404."""
    return get_object_or_404(
        selectors.incidents_with_breach_flags(
            vendor.incidents.select_related("postmortem_meeting")
        ),
        pk=incident_pk,
    )


@internal_view
def incident_detail(request, pk, incident_pk):
    """One incident, read-only: what happened, its SLA and notification clocks, what
    follows from it, and (to those who may change it) acknowledge, resolve, close, edit."""
    vendor = vendor_for(request, pk)
    incident = _with_flags(vendor, incident_pk)
    can_edit = access.can_edit_vendor(request.user, vendor)
    items = with_overdue(
        incident.action_items.select_related("owner", "vendor_contact", "vendor"),
        timezone.localdate(),
    )
    return render(
        request,
        "governance/incidents/detail.html",
        {
            "vendor": vendor,
            "incident": incident,
            "can_edit": can_edit,
            "action_items": items,
            "edit_scope": {vendor.pk} if can_edit else set(),
            "statuses": ActionItem.Status.choices,
        },
    )


@require_POST
@internal_view
def incident_close(request, pk, incident_pk):
    """Close a resolved incident: nothing more is expected of it."""
    _, incident = vendor_record(request, pk, "incidents", incident_pk, edit=True)
    if incident.status != Incident.Status.RESOLVED:
        messages.error(request, "Only a resolved incident can be closed.")
    else:
        closing = copy(incident)
        closing.status = Incident.Status.CLOSED
        if act(request, lambda: services.incident_save(closing), None):
            messages.success(request, f"Incident “{incident.title}” was closed.")
    return redirect(next_url(request, incident.get_absolute_url()))


@require_POST
@internal_view
def incident_acknowledge(request, pk, incident_pk):
    vendor, incident = vendor_record(request, pk, "incidents", incident_pk, edit=True)
    acknowledge_incident(request, incident)
    if request.htmx:
        row = selectors.incidents_with_breach_flags(vendor.incidents.filter(pk=incident.pk)).get()
        return render(
            request,
            "governance/vendors/_incident_row.html",
            {"incident": row, "vendor": vendor, "swapped": True, "can_edit": True},
        )
    return redirect(next_url(request, vendor.get_absolute_url() + "#incidents"))


@internal_view
def incident_resolve(request, pk, incident_pk):
    vendor, incident = vendor_record(request, pk, "incidents", incident_pk, edit=True)
    form = ResolveForm(request.POST or None, incident=incident)
    resolved = request.method == "POST" and form.save_with(
        lambda: services.incident_resolve(
            copy(incident),
            at=form.cleaned_data["resolved_at"],
            root_cause=form.cleaned_data["root_cause"],
        )
    )
    if resolved:
        messages.success(request, f"Incident “{incident.title}” was resolved.")
        return redirect(vendor.get_absolute_url() + "#incidents")
    return render(
        request,
        "governance/incidents/resolve.html",
        {"vendor": vendor, "incident": incident, "form": form},
    )


class SLATargetFormView(RecordFormView):
    model = SLATarget
    kind = "sla_target"
    form_class = SLATargetForm
    section = "sla"
    message = "The {0.priority} target was {1}."
    verbs = ("added", "saved; open incidents were re-timed")

    def save(self, form):
        return services.sla_target_save(form.instance)
