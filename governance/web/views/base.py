"""What the internal UI's views share: who may see and change which vendor, a section page."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from governance import selectors
from governance.domain import access
from governance.domain.bounds import first_control_character
from governance.domain.text import file_slug
from governance.web.csv_export import csv_response, wants_csv
from governance.web.pages import paginate

NOT_FOR_VENDOR_REPS = "This page is for the internal team; vendor representatives use the portal."
NO_ACCESS = "Your account has no access to the application; ask an administrator for a role."
READ_ONLY = "You may read this vendor's records but not change them."


def internal_view(view):
    """A page of the internal application, for its signed-in internal users.

    Anonymous visitors go to the login page; vendor representatives get 403 (their pages
    are the vendor portal's). Which vendors and records: ``vendor_for`` and
    ``editable_vendor_for``, the rules: ``governance.domain.access``.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.is_internal(request.user):
            if access.is_vendor_rep(request.user):
                raise PermissionDenied(NOT_FOR_VENDOR_REPS)
            raise PermissionDenied(NO_ACCESS)
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def account_view(view):
    """A page of the user's own account, for every signed-in user who has a role."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if access.role_of(request.user) is None:
            raise PermissionDenied(NO_ACCESS)
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def vendor_for(request, pk):
    """The vendor ``pk`` if the user may see it, else 404 (never reveal what exists)."""
    return get_object_or_404(selectors.vendors_for(request.user), pk=pk)


def editable_vendor_for(request, pk):
    """The vendor ``pk`` if the user may change its records; 404 if unseen, 403 if read only."""
    vendor = vendor_for(request, pk)
    require_edit(request, vendor)
    return vendor


def vendor_record(request, pk, records, record_pk, *, edit=False):
    """``(vendor, record)``: the vendor ``pk`` (``vendor_for``, or ``editable_vendor_for``
    with ``edit``) and its record ``record_pk`` among ``records`` (a related name, or a
    function of the vendor giving a queryset); 404 when it has none such. No record (None)
    when ``record_pk`` is None."""
    vendor = (editable_vendor_for if edit else vendor_for)(request, pk)
    if record_pk is None:
        return vendor, None
    queryset = records(vendor) if callable(records) else getattr(vendor, records).all()
    return vendor, get_object_or_404(queryset, pk=record_pk)


def require_edit(request, vendor):
    """403 unless the user may change ``vendor``'s records."""
    if not access.can_edit_vendor(request.user, vendor):
        raise PermissionDenied(READ_ONLY)


def section_view(section, title, rows, *, csv, extra=None):
    """The page of one section of a vendor's workspace in full (``section_page``), whose rows
    are ``rows(request, vendor)``; ``extra(request, vendor)``: more for the page."""

    @internal_view
    def view(request, pk):
        vendor = vendor_for(request, pk)
        return section_page(
            request,
            vendor,
            section=section,
            title=title,
            items=rows(request, vendor),
            csv=csv,
            extra=extra(request, vendor) if extra else None,
        )

    view.__name__ = f"{section}_list"
    return view


def section_page(request, vendor, *, section, title, items, csv, extra=None):
    """A full, paginated list of one workspace section, in the section's table
    (``governance/vendors/_<section>_table.html``); ``?export=csv`` downloads all of it
    (``csv``: the header, and a function of a row giving its cells)."""
    if wants_csv(request):
        header, row = csv
        slug = file_slug(vendor.name)
        return csv_response(
            f"{slug}-{section}-{timezone.localdate():%Y-%m-%d}.csv",
            header,
            (row(item) for item in items),
        )
    page = paginate(request, items)
    context = {
        "vendor": vendor,
        "section": section,
        "title": title,
        "page": page,
        "rows": page.object_list,
        "table_template": f"governance/vendors/_{section}_table.html",
        "can_edit": access.can_edit_vendor(request.user, vendor),
        **(extra or {}),
    }
    return render(request, "governance/vendors/section.html", context)


def next_url(request, default):
    """The form's ``next`` when it is a path of this site, else ``default``."""
    candidate = request.POST.get("next") or request.GET.get("next")
    # Only a plain path: redirect() takes anything else for a view name (a 500 when there is
    # none), and a Location header cannot hold a line break.
    if (
        candidate
        and candidate.startswith("/")
        and first_control_character(candidate, multiline=False) is None
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default
