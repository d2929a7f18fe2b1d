"""A vendor's change history: who changed what, when, with the values before and after."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from governance.domain import access
from governance.selectors import history as audit
from governance.web.views.base import internal_view, paginate, vendor_for


@internal_view
def vendor_history(request, pk):
    """The vendor's and its records' changes, newest first (administrators, managers, auditors)."""
    vendor = vendor_for(request, pk)
    if not access.can_view_history(request.user):
        raise PermissionDenied("Your role does not include the change history.")
    kind = request.GET.get("kind", "")
    if kind not in audit.KINDS:
        kind = ""
    page = paginate(request, audit.vendor_history(vendor, kind=kind))
    page.object_list = audit.entries(page.object_list)
    return render(
        request,
        "governance/vendors/history.html",
        {
            "vendor": vendor,
            "page": page,
            "kind": kind,
            "kinds": [(name, item.label) for name, item in audit.KINDS.items()],
        },
    )
