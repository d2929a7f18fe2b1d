"""Spreadsheet imports: the upload page with the person's imports, one import's preview (and
its progress while a worker checks or applies it), its confirmation, and the templates."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from governance.domain import access
from governance.models import ImportJob
from governance.services import imports
from governance.web.forms.imports import ImportUploadForm
from governance.web.pages import act, paginate
from governance.web.views.base import internal_view

ONLY_WRITERS = "Only administrators and managers may import spreadsheets."
RUNNING = (ImportJob.Status.PENDING, ImportJob.Status.CHECKING, ImportJob.Status.APPLYING)
ROWS_PER_PAGE = 100
SHOWN = {"errors": "error", "new": "new", "changed": "changed", "unchanged": "unchanged"}


def importer_view(view):
    """A page for those who may import: administrators and managers (``access.can_write``)."""

    @internal_view
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.can_write(request.user):
            raise PermissionDenied(ONLY_WRITERS)
        return view(request, *args, **kwargs)

    return wrapper


def _own_job(request, pk):
    """The user's own import ``pk``, else 404."""
    return get_object_or_404(ImportJob.objects.defer("content"), pk=pk, created_by=request.user)


@importer_view
def import_list(request):
    """The upload form (what is accepted shown before anything is sent) and the user's
    imports, newest first."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        job = form.save_with(
            lambda: imports.import_create(
                user=request.user,
                kind=form.cleaned_data["kind"],
                file_name=form.cleaned_data["file"].name,
                content=form.cleaned_data["file"].read(),
            )
        )
        if job is not None:
            return redirect("governance:import-detail", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user).defer("content", "rows")
    page = paginate(request, jobs)
    return render(
        request,
        "governance/imports/list.html",
        {
            "form": form,
            "page": page,
            "rows": page.object_list,
            "formats": imports.accepted_formats(),
            "max_mb": imports.IMPORT_MAX_BYTES // (1024 * 1024),
            "kinds": [
                (kind, label, list(imports.SPECS[kind].columns))
                for kind, label in ImportJob.Kind.choices
            ],
            "list_separator": imports.LIST_SEPARATOR,
        },
    )


@importer_view
def import_detail(request, pk):
    """One import: its summary and rows (filtered by action), its progress while running,
    and the Confirm button once it is checked without errors."""
    job = _own_job(request, pk)
    show = request.GET.get("show", "")
    rows = job.rows if isinstance(job.rows, list) else []
    if show in SHOWN:
        rows = [row for row in rows if row.get("action") == SHOWN[show]]
    page = paginate(request, rows, per_page=ROWS_PER_PAGE)
    return render(
        request,
        "governance/imports/detail.html",
        {
            "job": job,
            "page": page,
            "rows": page.object_list,
            "show": show if show in SHOWN else "",
            "running": job.status in RUNNING,
            "can_confirm": job.status == ImportJob.Status.PREVIEWED,
        },
    )


@importer_view
def import_progress(request, pk):
    """The progress line of a running import (polled by the page); once it has finished,
    htmx reloads the page (``HX-Refresh``)."""
    job = _own_job(request, pk)
    response = render(
        request,
        "governance/imports/_progress.html",
        {"job": job, "running": job.status in RUNNING},
    )
    if job.status not in RUNNING:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@importer_view
def import_confirm(request, pk):
    """Apply a checked import: all its rows in one transaction, or none."""
    job = _own_job(request, pk)
    act(
        request,
        lambda: imports.import_confirm(job, user=request.user),
        lambda done: (
            "Imported: every row is saved."
            if done.status == ImportJob.Status.APPLIED
            else "The import is being applied; this page shows its progress."
            if done.status == ImportJob.Status.APPLYING
            else "The import was not applied: see why below."
        ),
    )
    return redirect("governance:import-detail", pk=job.pk)


@importer_view
def import_template(request, kind, file_format):
    """The template of a kind of import: its header row and example rows."""
    if kind not in imports.SPECS or file_format not in imports.accepted_formats():
        raise Http404("No such template.")
    content_type = (
        "text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(imports.template_file(kind, file_format), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="import-{kind}.{file_format}"'
    return response


urlpatterns = [
    path("", import_list, name="import-list"),
    path("<int:pk>/", import_detail, name="import-detail"),
    path("<int:pk>/progress/", import_progress, name="import-progress"),
    path("<int:pk>/confirm/", import_confirm, name="import-confirm"),
    path("templates/<str:kind>.<str:file_format>", import_template, name="import-template"),
]
