"""Spreadsheet import at scale: an XLSX register of vendors with a contact each, checked (the
dry run) and applied, checked again (every row unchanged), then a file of two security
clauses per vendor, checked and applied.

Runs in the benchmark's ``import`` probe on an empty database of its own, and in the tests
on a small one. Times are the services' (``services.imports``) as a worker runs them; the
probe's process reports its peak memory (``os.wait4``) and tracemalloc's peak of Python
allocations.
"""

import io
import time
import tracemalloc

import openpyxl
from django.contrib.auth import get_user_model

from governance.models import ImportJob, SecurityClause, Vendor
from governance.services import imports

TIERS = ("Critical", "High", "Medium", "Low")
SERVICES = ("Network management", "Hosting;Security", "Technical support", "Software development")


def vendor_rows(count):
    """The header and ``count`` rows of a vendor register (with a contact each)."""
    header = [
        "name",
        "services",
        "tier",
        "status",
        "country",
        "contract_start",
        "contract_end",
        "annual_value",
        "currency",
        "contact_name",
        "contact_email",
        "contact_role",
    ]
    rows = [header]
    for number in range(count):
        rows.append(
            [
                f"Imported vendor {number:05d}",
                SERVICES[number % len(SERVICES)],
                TIERS[number % len(TIERS)],
                "Active",
                "PL",
                "2025-01-01",
                "2027-12-31",
                f"{1000 + number}.00",
                "EUR",
                f"Contact {number:05d}",
                f"contact{number:05d}@vendor{number:05d}.example",
                "Account manager",
            ]
        )
    return rows


def clause_rows(count):
    """Two clauses for each of the first ``count`` imported vendors."""
    rows = [["vendor", "clause_type", "status", "effective_date", "expires_on"]]
    for number in range(count):
        name = f"Imported vendor {number:05d}"
        rows.append([name, "Data protection agreement", "Agreed", "2025-01-01", "2027-12-31"])
        rows.append([name, "confidentiality", "verified", "2025-01-01", ""])
    return rows


def xlsx(rows):
    # As spreadsheet programs save it: text in the shared-strings table.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _importer():
    user, _ = get_user_model().objects.get_or_create(
        username="bench-importer", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def _timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, round(time.perf_counter() - started, 3)


def _import(user, kind, name, content):
    """Check then apply a file as a worker does; returns (job, check s, apply s)."""
    job = ImportJob.objects.create(
        kind=kind, file_name=name, content=content, created_by=user, total_rows=0
    )
    job, check_seconds = _timed(imports.import_check, job.pk)
    job.refresh_from_db()
    if job.status != ImportJob.Status.PREVIEWED:
        return job, check_seconds, None
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.APPLYING)
    job, apply_seconds = _timed(imports.import_apply, job.pk, worker=True)
    return job, check_seconds, apply_seconds


def measure(*, vendors=10_000):
    """Import ``vendors`` vendors, again, then their clauses; the figures the report shows."""
    user = _importer()
    tracemalloc.start()
    register = xlsx(vendor_rows(vendors))
    first, check_seconds, apply_seconds = _import(user, "vendors", "register.xlsx", register)
    again, again_seconds, _ = _import(user, "vendors", "register.xlsx", register)
    clauses = xlsx(clause_rows(vendors))
    clause_job, clause_check, clause_apply = _import(user, "clauses", "clauses.xlsx", clauses)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "vendors": vendors,
        "file_kb": round(len(register) / 1024),
        "status": first.status,
        "summary": first.summary,
        "check_seconds": check_seconds,
        "apply_seconds": apply_seconds,
        "again_status": again.status,
        "again_summary": again.summary,
        "again_seconds": again_seconds,
        "clauses": clause_job.summary,
        "clause_check_seconds": clause_check,
        "clause_apply_seconds": clause_apply,
        "total_seconds": round(
            check_seconds + (apply_seconds or 0) + clause_check + (clause_apply or 0), 3
        ),
        "vendors_stored": Vendor.objects.filter(name__startswith="Imported vendor").count(),
        "clauses_stored": SecurityClause.objects.filter(
            vendor__name__startswith="Imported vendor"
        ).count(),
        "python_peak_mb": round(peak / (1024 * 1024), 1),
    }
