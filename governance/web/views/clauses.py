"""Security clauses: coverage of the tier's required set, evidence, verification, expiry."""

from django.http import FileResponse, Http404

from governance import selectors, services
from governance.domain.dates import day_text
from governance.models import SecurityClause
from governance.web.forms import ClauseForm
from governance.web.views.base import (
    internal_view,
    section_page,
    vendor_for,
    vendor_record,
)
from governance.web.views.editing import RecordFormView, record_action

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
    coverage = selectors.clause_coverage(vendor)
    return section_page(
        request,
        vendor,
        section="clauses",
        title="Security clauses",
        items=coverage["rows"],
        csv=(CSV_HEADER, _csv_row),
        extra={"coverage": coverage},
    )


class ClauseFormView(RecordFormView):
    model = SecurityClause
    kind = "clause"
    form_class = ClauseForm

    def save(self, form):
        return services.clause_save(form.instance)

    def form_kwargs(self):
        kwargs = super().form_kwargs()
        if self.adding and self.request.GET.get("type"):
            # "Add" beside a missing clause of the coverage table.
            kwargs["initial"] = {"clause_type": self.request.GET["type"]}
        return kwargs

    def success_message(self, clause):
        return super().success_message(clause.get_clause_type_display())


clause_verify = record_action(
    "clause",
    lambda clause: services.clause_verify(clause),
    lambda clause, verified: (
        f"{verified.get_clause_type_display()} verified; next verification "
        f"due {day_text(verified.next_verification_due)}."
    ),
    lambda vendor, clause: f"{vendor.get_absolute_url()}#clauses",
)


@internal_view
def clause_evidence(request, pk, clause_pk):
    """The uploaded evidence document, only to users who may see the vendor."""
    _vendor, clause = vendor_record(request, pk, "clauses", clause_pk)
    if not clause.evidence_file:
        raise Http404("No evidence document.")
    return FileResponse(
        clause.evidence_file.open("rb"),
        as_attachment=True,
        filename=clause.evidence_name or clause.evidence_file.name.rsplit("/", 1)[-1],
    )
