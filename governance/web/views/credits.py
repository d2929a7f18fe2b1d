"""Service credits of a vendor: its policy, its monthly statements, computing a month."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from governance import selectors, services
from governance.models import CreditPolicy, CreditStatement
from governance.web.forms.credits import (
    CreditComputeForm,
    CreditPeriodForm,
    CreditPolicyForm,
    CreditStatusForm,
)
from governance.web.pages import act
from governance.web.views.base import (
    editable_vendor_for,
    internal_view,
    section_page,
    vendor_for,
    vendor_record,
)
from governance.web.views.editing import RecordFormView

CSV_HEADER = [
    "Month",
    "Compliance %",
    "Targets met",
    "Targets breached",
    "Breaches by priority",
    "Credit due",
    "Currency",
    "Status",
    "Note",
    "Computed at",
]


def _csv_row(statement):
    return [
        f"{statement.month:%Y-%m}",
        statement.compliance_percent,
        statement.met,
        statement.breached,
        _breaches_text(statement.breaches_by_priority),
        statement.credit_due,
        statement.currency,
        statement.get_status_display(),
        statement.status_note,
        statement.computed_at,
    ]


def _breaches_text(by_priority):
    """``P1: 2, P3: 1``: the priorities with a breach, in order; "" with none."""
    if not isinstance(by_priority, dict):
        return ""
    return ", ".join(f"{priority}: {count}" for priority, count in sorted(by_priority.items()))


def _credits_url(vendor):
    return reverse("governance:credit-list", args=[vendor.pk])


@internal_view
def credit_list(request, pk):
    vendor = vendor_for(request, pk)
    asked = "start" in request.GET or "end" in request.GET
    today = timezone.localdate()
    period_form = CreditPeriodForm(
        request.GET if asked else None,
        initial={"start": today.replace(day=1), "end": today},
        auto_id="period_%s",
    )
    period = None
    if asked and period_form.is_valid():
        start, end = period_form.cleaned_data["start"], period_form.cleaned_data["end"]
        period = {
            "start": start,
            "end": end,
            **selectors.sla_compliance_for_period(vendor, start=start, end=end),
        }
    return section_page(
        request,
        vendor,
        section="credits",
        title="Service credits",
        items=selectors.credit_statements([vendor]).order_by("-month"),
        csv=(CSV_HEADER, _csv_row),
        extra={
            "policy": selectors.credit_policy_of(vendor),
            "compute_form": CreditComputeForm(),
            "period_form": period_form,
            "period": period,
        },
    )


@require_POST
@internal_view
def credit_compute(request, pk):
    vendor = editable_vendor_for(request, pk)
    form = CreditComputeForm(request.POST)
    if form.is_valid():
        month = form.cleaned_data["month"]
        act(
            request,
            lambda: services.credit_statement_compute(vendor, month=month),
            lambda statement: (
                f"{statement} computed: {statement.credit_due} "
                f"{statement.currency} due ({statement.get_status_display().lower()})."
            ),
        )
    else:
        messages.error(request, " ".join(form.errors["month"]))
    return redirect(_credits_url(vendor))


class CreditPolicyFormView(RecordFormView):
    """The vendor's one credit policy: added the first time, edited after."""

    model = CreditPolicy
    kind = "credit"  # its page: governance/credits/form.html
    form_class = CreditPolicyForm
    section = "credits"
    message = "The credit policy was {1}."

    def prepare(self):
        self.vendor = editable_vendor_for(self.request, self.kwargs["pk"])
        self.record = CreditPolicy.objects.filter(vendor=self.vendor).first()
        return None

    def save(self, form):
        return services.credit_policy_save(form.instance)

    def success_url(self, saved):
        return _credits_url(self.vendor)


class CreditStatusFormView(RecordFormView):
    """A statement's status and note (its figures are the computation's)."""

    model = CreditStatement
    kind = "credit_statement"
    form_class = CreditStatusForm
    section = "credits"
    message = "{0}: status {1}."
    verbs = ("saved", "saved")

    def prepare(self):
        self.vendor, self.record = vendor_record(
            self.request,
            self.kwargs["pk"],
            "credit_statements",
            self.kwargs["credit_statement_pk"],
            edit=True,
        )
        return None

    def save(self, form):
        return services.credit_statement_status_set(
            form.instance,
            status=form.instance.status,
            status_note=form.instance.status_note,
        )

    def success_url(self, saved):
        return _credits_url(self.vendor)
