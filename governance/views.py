"""Server-rendered pages. Thin: reads come from selectors, writes go through services."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from governance import selectors
from governance.health import broker_ok


@login_required
def dashboard(request):
    vendors = selectors.vendors_with_metrics(selectors.vendors_for(request.user))[:50]
    return render(request, "governance/dashboard.html", {"vendors": vendors})


@login_required
def vendor_detail(request, pk):
    vendor = get_object_or_404(selectors.vendors_for(request.user), pk=pk)
    return render(
        request,
        "governance/vendor_detail.html",
        {"vendor": vendor, "scorecard": selectors.vendor_scorecard(vendor)},
    )


@never_cache
def healthz(request):
    """Database and broker status for load balancers and monitors; no login, no secrets."""
    checks = {"database": _database_ok(), "broker": broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if ok else "unavailable" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False
