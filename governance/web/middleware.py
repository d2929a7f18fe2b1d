"""Request-wide behaviour: the user's time zone, and what is refused before any view runs."""

import re
import zoneinfo
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone

from governance.domain.access import profile_of
from governance.infra.busy import RETRY_AFTER_SECONDS, is_database_busy
from governance.infra.request_limits import body_limit_bytes


class UserTimezoneMiddleware:
    """Activate the user's time zone (``UserProfile.time_zone``) for the whole request.

    Templates, form fields and ``timezone.localdate()`` then all speak the user's local time;
    anonymous requests stay on the site default.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.profile = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Kept on the user too, so role checks later in the request cost no query.
            request.profile = profile_of(user)
            try:
                timezone.activate(zoneinfo.ZoneInfo(request.profile.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def refusal(request, status, title, message):
    """A short answer to a request turned away outside any view: JSON for the API (as its
    own errors are), a small self-contained page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    page = render_to_string("request_refused.html", {"title": title, "message": message})
    return HttpResponse(page, status=status)


# C0 control characters and DEL: none belongs in a path or a query value, and NUL in
# particular is refused by PostgreSQL only once a query is already running (a 500).
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


class RefuseControlCharactersMiddleware:
    """400 for a path or query string that holds a control character, raw or %-encoded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = unquote(request.META.get("QUERY_STRING", ""), errors="replace")
        if CONTROL_CHARACTER.search(request.path) or CONTROL_CHARACTER.search(query):
            return refusal(request, 400, "Bad request", "The address contains a control character.")
        return self.get_response(request)


class RequestBodyLimitMiddleware:
    """413 for a request body over ``MAX_REQUEST_BODY_MB``, decided before it is read.

    The declared Content-Length decides at once. A form is also parsed here, ahead of the
    CSRF check that would otherwise read it first, so that an upload stopped on the way
    (``governance.infra.request_limits.BodyLimitUploadHandler``) or form fields over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` get the same 413.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads no body at all then
        if declared > body_limit_bytes():
            return self.too_large(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.content_type not in (
            "multipart/form-data",
            "application/x-www-form-urlencoded",
        ):
            return None
        try:
            request.POST  # noqa: B018 -- parsed now, inside this try
        except RequestDataTooBig:
            return self.too_large(request)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return self.too_large(request)
        return None

    @staticmethod
    def too_large(request):
        return refusal(
            request,
            413,
            "Too large",
            f"The request is too large for this site (uploads up to "
            f"{settings.MAX_REQUEST_BODY_MB} MB).",
        )


class DatabaseBusyMiddleware:
    """503 with Retry-After when a view's database stayed locked past its timeout (SQLite)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_busy(exception):
            return None
        response = refusal(request, 503, "Busy", "The database is busy; try again in a moment.")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
