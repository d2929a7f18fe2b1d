"""The action-item register across the portfolio: whose items (remembered per user), filters,
overdue first, CSV; closing and moving items along, and adding one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from governance import selectors, services
from governance.domain import access
from governance.models import ActionItem
from governance.selectors.actions import SCOPES, action_item_register
from governance.web.csv_export import csv_response, person_cell, wants_csv
from governance.web.forms.actions import (
    ActionItemFilterForm,
    ActionItemForm,
    ActionItemStatusForm,
)
from governance.web.forms.base import by_typed_vendor
from governance.web.pages import act, paginate
from governance.web.views.base import internal_view, next_url, require_edit, vendor_for

# The register's "whose items" switch, kept in the session: each user's last choice.
SCOPE_KEY = "action_item_scope"
DEFAULT_SCOPE = "mine"

CSV_HEADER = [
    "Vendor",
    "Source",
    "Source id",
    "Description",
    "Owner",
    "Vendor contact",
    "Due date",
    "Status",
    "Overdue",
]


def _csv_row(item):
    return [
        item.vendor.name,
        item.get_source_display(),
        item.source_id,
        item.description,
        person_cell(item.owner),
        item.vendor_contact.name if item.vendor_contact else "",
        item.due_date,
        item.get_status_display(),
        item.overdue,
    ]


def _scope(request, asked):
    """The scope asked for (then remembered), else the one remembered, else the default."""
    if asked in SCOPES:
        request.session[SCOPE_KEY] = asked
        return asked
    remembered = request.session.get(SCOPE_KEY)
    return remembered if remembered in SCOPES else DEFAULT_SCOPE


def filtered_register(user, filters, *, scope, today):
    """The register in ``scope`` narrowed by the filter form's ``filters``."""
    items = action_item_register(user, scope=scope, today=today)
    status = filters.get("status") or ""
    if status == "":
        # Open items only: overdue first is then simply by due date (an overdue item's date
        # is the earliest), which the open items' index serves in order.
        items = items.filter(status__in=ActionItem.OPEN_STATUSES).order_by(
            F("due_date").asc(nulls_last=True), "pk"
        )
    elif status != "any":
        items = items.filter(status=status)
    items = by_typed_vendor(items, filters)
    if filters.get("source"):
        items = items.filter(source=filters["source"])
    if filters.get("overdue"):
        items = items.filter(overdue=True)
    return items


@internal_view
def action_item_list(request):
    form = ActionItemFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    scope = _scope(request, filters.get("scope"))
    today = timezone.localdate()
    items = filtered_register(request.user, filters, scope=scope, today=today)
    if wants_csv(request):
        return csv_response(
            f"action-items-{today:%Y-%m-%d}.csv",
            CSV_HEADER,
            (_csv_row(item) for item in items.iterator(chunk_size=2000)),
        )
    page = paginate(request, items)
    edit_scope = access.EditScope(request.user)
    return render(
        request,
        "governance/action_items/list.html",
        {
            "form": form,
            "scope": scope,
            "scopes": SCOPES.items(),
            "page": page,
            "rows": page.object_list,
            "statuses": ActionItem.Status.choices,
            "edit_scope": edit_scope,
            "can_add": bool(edit_scope),
            "show_vendor": True,
            "filtered": bool(set(request.GET) - {"scope", "page"}),
            # The vendor a link narrowed the register to, named (one query, when there is one).
            "only_vendor": selectors.vendors_for(request.user).filter(pk=filters["vendor"]).first()
            if filters.get("vendor")
            else None,
        },
    )


@require_POST
@internal_view
def action_item_status(request, action_item_pk):
    """A row's "Close" (done) or status change, for those who may change its vendor."""
    item = get_object_or_404(
        ActionItem.objects.select_related("vendor").filter(
            vendor__in=selectors.vendors_for(request.user)
        ),
        pk=action_item_pk,
    )
    require_edit(request, item.vendor)
    form = ActionItemStatusForm(request.POST)
    if form.is_valid():
        status = form.cleaned_data["status"]
        act(
            request,
            lambda: services.action_item_status_set(item, status=status),
            lambda saved: f"“{saved}” is now {saved.get_status_display().lower()}.",
        )
    else:
        messages.error(request, "Choose one of the statuses.")
    return redirect(next_url(request, reverse("governance:action-item-list")))


def _vendor_id(request):
    """The vendor the add form is for: posted, or asked for in the query string (an id)."""
    raw = request.POST.get("vendor") if request.method == "POST" else request.GET.get("vendor")
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


@internal_view
def action_item_create(request):
    """Add an action item to a vendor the user may change (``?vendor=`` opens it for one)."""
    vendor_id = _vendor_id(request)
    vendor = None
    if vendor_id is not None:
        # As on the vendor's own pages: 404 for a vendor unseen, 403 for one read only.
        vendor = vendor_for(request, vendor_id)
        require_edit(request, vendor)
    elif not access.editable_vendors(request.user).exists():
        raise PermissionDenied("You may not change any vendor's records.")
    form = ActionItemForm(
        request.POST or None,
        instance=ActionItem(),
        initial={"vendor": vendor_id} if vendor else None,
        user=request.user,
        vendor_id=vendor_id,
    )
    if request.method == "POST":
        saved = form.save_with(lambda: services.action_item_save(form.instance))
        if saved is not None:
            messages.success(request, f"Action item “{saved}” was added.")
            return redirect(next_url(request, reverse("governance:action-item-list")))
    return render(
        request,
        "governance/action_items/form.html",
        {"form": form, "vendor": vendor, "next": next_url(request, "")},
    )
