"""Views outside the web UI proper: the health check. The UI lives in ``governance.web``."""

from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from governance.infra.broker import broker_ok


# Outside ATOMIC_REQUESTS: opening that transaction would fail (500) when the database is
# down, before this view could report it (503).
@transaction.non_atomic_requests
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
