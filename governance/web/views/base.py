"""What the UI's views share: scoping, pagination, service errors shown as form errors."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from governance import selectors
from governance.domain import access
from governance.domain.bounds import first_control_character
from governance.domain.text import file_slug
from governance.web.csv_export import csv_response, wants_csv

PAGE_SIZE = 25
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


def require_edit(request, vendor):
    """403 unless the user may change ``vendor``'s records."""
    if not access.can_edit_vendor(request.user, vendor):
        raise PermissionDenied(READ_ONLY)


def add_service_error(form, error):
    """Show a service's ValidationError on ``form``: on its field when the form has it."""
    if not isinstance(error, ValidationError):
        error = ValidationError(str(error))
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                text = " ".join(message.messages)
                if target is None and field != NON_FIELD_ERRORS:
                    text = f"{field.replace('_', ' ').capitalize()}: {text}"
                form.add_error(target, text)
    else:
        form.add_error(None, error.messages)


def paginate(request, items, per_page=PAGE_SIZE):
    """The requested page of ``items``; an out-of-range or junk page number gives the last/first."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def save_valid(request, form, save):
    """On a valid POST call ``save()`` and return its result; None when nothing was saved.

    A ValidationError from the service lands on the form (the service's transaction rolled
    back, so nothing changed).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save()
    except ValidationError as error:
        add_service_error(form, error)
        return None


def section_page(request, vendor, *, section, title, items, template, csv=None, extra=None):
    """A full, paginated list of one workspace section; ``?export=csv`` downloads all of it."""
    if csv is not None and wants_csv(request):
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
        "table_template": template,
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
