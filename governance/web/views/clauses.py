"""Security clauses: coverage of the tier's required set, evidence, verification, expiry."""

from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from governance import services
from governance.models import SecurityClause
from governance.web.forms import ClauseForm
from governance.web.views.base import (
    editable_vendor_for,
    internal_view,
    save_valid,
    section_page,
    vendor_for,
)
from governance.web.views.vendors import clause_coverage

CSV_HEADER = [
    "Clause",
    "Required by tier",
    "Status",
    "In force",
    "Requirement",
    "Evidence link",
    "Effective",
    "Expires",
    "Last verified",
    "Next verification due",
]


def _csv_row(row):
    clause = row["clause"]
    return [
        row["label"],
        row["required"],
        clause.status if clause else "missing",
        row["in_force"],
        clause.requirement if clause else "",
        clause.evidence_url if clause else "",
        clause.effective_date if clause else None,
        clause.expires_on if clause else None,
        clause.last_verified_on if clause else None,
        clause.next_verification_due if clause else None,
    ]


@internal_view
def clause_list(request, pk):
    vendor = vendor_for(request, pk)
    coverage = clause_coverage(vendor)
    return section_page(
        request,
        vendor,
        section="clauses",
        title="Security clauses",
        items=coverage["rows"],
        template="governance/vendors/_clauses_table.html",
        csv=(CSV_HEADER, _csv_row),
        extra={"coverage": coverage},
    )


@internal_view
def clause_create(request, pk):
    vendor = editable_vendor_for(request, pk)
    initial = {}
    if request.GET.get("type"):
        initial["clause_type"] = request.GET["type"]
    form = ClauseForm(
        request.POST or None,
        request.FILES or None,
        instance=SecurityClause(vendor=vendor),
        vendor=vendor,
        initial=initial,
    )
    clause = save_valid(request, form, lambda: services.clause_save(form.instance))
    if clause:
        messages.success(request, f"{clause.get_clause_type_display()} was added.")
        return redirect(vendor.get_absolute_url() + "#clauses")
    return render(
        request, "governance/clauses/form.html", {"vendor": vendor, "form": form, "clause": None}
    )


@internal_view
def clause_edit(request, pk, clause_pk):
    vendor = editable_vendor_for(request, pk)
    clause = get_object_or_404(vendor.clauses, pk=clause_pk)
    form = ClauseForm(
        request.POST or None, request.FILES or None, instance=copy(clause), vendor=vendor
    )
    saved = save_valid(request, form, lambda: services.clause_save(form.instance))
    if saved:
        messages.success(request, f"{saved.get_clause_type_display()} was saved.")
        return redirect(vendor.get_absolute_url() + "#clauses")
    return render(
        request, "governance/clauses/form.html", {"vendor": vendor, "form": form, "clause": clause}
    )


@require_POST
@internal_view
def clause_verify(request, pk, clause_pk):
    vendor = editable_vendor_for(request, pk)
    clause = get_object_or_404(vendor.clauses, pk=clause_pk)
    try:
        services.clause_verify(clause)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{clause.get_clause_type_display()} verified; next verification due "
            f"{clause.next_verification_due:%d %b %Y}.",
        )
    return redirect(vendor.get_absolute_url() + "#clauses")


@internal_view
def clause_evidence(request, pk, clause_pk):
    """The uploaded evidence document, only to users who may see the vendor."""
    vendor = vendor_for(request, pk)
    clause = get_object_or_404(vendor.clauses, pk=clause_pk)
    if not clause.evidence_file:
        raise Http404("No evidence document.")
    return FileResponse(
        clause.evidence_file.open("rb"),
        as_attachment=True,
        filename=clause.evidence_file.name.rsplit("/", 1)[-1],
    )
