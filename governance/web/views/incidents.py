"""SLA targets and incidents: log, acknowledge, resolve; due times and breach flags."""

from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from governance import selectors, services
from governance.models import Incident, SLATarget
from governance.web.forms import IncidentForm, ResolveForm, SLATargetForm
from governance.web.views.base import (
    add_service_error,
    editable_vendor_for,
    internal_view,
    next_url,
    save_valid,
    section_page,
    vendor_for,
)

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
    ]


def _incidents(vendor, status=""):
    queryset = vendor.incidents.all()
    if status == "open":
        queryset = queryset.filter(status__in=Incident.OPEN_STATUSES)
    elif status in Incident.Status.values:
        queryset = queryset.filter(status=status)
    return selectors.incidents_with_breach_flags(queryset)


@internal_view
def incident_list(request, pk):
    vendor = vendor_for(request, pk)
    status = request.GET.get("status", "")
    return section_page(
        request,
        vendor,
        section="incidents",
        title="Incidents",
        items=_incidents(vendor, status),
        template="governance/vendors/_incidents_table.html",
        csv=(CSV_HEADER, _csv_row),
        extra={
            "status_filter": status,
            "status_choices": [("", "All"), ("open", "Open"), *Incident.Status.choices],
            "sla_targets": list(vendor.sla_targets.all()),
        },
    )


@internal_view
def incident_create(request, pk):
    vendor = editable_vendor_for(request, pk)
    form = IncidentForm(request.POST or None, instance=Incident(vendor=vendor), vendor=vendor)
    incident = save_valid(request, form, lambda: services.incident_save(form.instance))
    if incident:
        messages.success(request, _logged_message(incident))
        return redirect(vendor.get_absolute_url() + "#incidents")
    return _form(request, vendor, form, None)


def _logged_message(incident):
    if incident.resolution_due_at is None:
        return f"Incident “{incident.title}” was logged (no SLA target for {incident.priority})."
    due = timezone.localtime(incident.resolution_due_at)
    text = f"Incident “{incident.title}” was logged; resolution due {due:%d %b %Y %H:%M}."
    if incident.resolution_breached_at(timezone.now()):
        text += " Its resolution target has already passed."
    return text


def _form(request, vendor, form, incident):
    return render(
        request,
        "governance/incidents/form.html",
        {
            "vendor": vendor,
            "form": form,
            "incident": incident,
            "sla_targets": list(vendor.sla_targets.all()),
        },
    )


@internal_view
def incident_edit(request, pk, incident_pk):
    vendor = editable_vendor_for(request, pk)
    incident = get_object_or_404(vendor.incidents, pk=incident_pk)
    form = IncidentForm(request.POST or None, instance=copy(incident), vendor=vendor)
    saved = save_valid(request, form, lambda: services.incident_save(form.instance))
    if saved:
        messages.success(request, f"Incident “{saved.title}” was saved.")
        return redirect(vendor.get_absolute_url() + "#incidents")
    return _form(request, vendor, form, incident)


@require_POST
@internal_view
def incident_acknowledge(request, pk, incident_pk):
    vendor = editable_vendor_for(request, pk)
    incident = get_object_or_404(vendor.incidents, pk=incident_pk)
    if incident.status != Incident.Status.OPEN:
        messages.info(request, "This incident was already acknowledged.")
    else:
        try:
            services.incident_acknowledge(incident)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Incident “{incident.title}” was acknowledged.")
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
    vendor = editable_vendor_for(request, pk)
    incident = get_object_or_404(vendor.incidents, pk=incident_pk)
    form = ResolveForm(request.POST or None, incident=incident)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_resolve(
                incident,
                at=form.cleaned_data["resolved_at"],
                root_cause=form.cleaned_data["root_cause"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Incident “{incident.title}” was resolved.")
            return redirect(vendor.get_absolute_url() + "#incidents")
    return render(
        request,
        "governance/incidents/resolve.html",
        {"vendor": vendor, "incident": incident, "form": form},
    )


@internal_view
def sla_target_create(request, pk):
    vendor = editable_vendor_for(request, pk)
    form = SLATargetForm(request.POST or None, instance=SLATarget(vendor=vendor), vendor=vendor)
    target = save_valid(request, form, lambda: services.sla_target_save(form.instance))
    if target:
        messages.success(request, f"The {target.priority} target was added.")
        return redirect(vendor.get_absolute_url() + "#sla")
    return render(
        request,
        "governance/incidents/sla_form.html",
        {"vendor": vendor, "form": form, "target": None},
    )


@internal_view
def sla_target_edit(request, pk, target_pk):
    vendor = editable_vendor_for(request, pk)
    target = get_object_or_404(vendor.sla_targets, pk=target_pk)
    form = SLATargetForm(request.POST or None, instance=copy(target), vendor=vendor)
    saved = save_valid(request, form, lambda: services.sla_target_save(form.instance))
    if saved:
        messages.success(
            request, f"The {saved.priority} target was saved; open incidents were re-timed."
        )
        return redirect(vendor.get_absolute_url() + "#sla")
    return render(
        request,
        "governance/incidents/sla_form.html",
        {"vendor": vendor, "form": form, "target": target},
    )
