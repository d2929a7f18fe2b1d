"""Show every date in the signed-in user's own time zone."""

import zoneinfo

from django.utils import timezone

from governance.access import profile_of


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
