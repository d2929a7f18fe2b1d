"""iCalendar feeds for calendar clients, reached through the user's secret URL token.

A calendar client cannot log in, so the URL itself is the credential: the token belongs to
one user, shows only what that user may see (``governance.domain.access``, as every page does),
and regenerating it revokes every old URL. Feeds are internal: a vendor representative's
token opens none.
"""

from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from governance import selectors
from governance.domain import access
from governance.domain import ical as ics
from governance.domain.text import file_slug
from governance.models import Meeting, UserProfile


def _user_for(token):
    profile = (
        UserProfile.objects.select_related("user")
        .filter(calendar_token=token, user__is_active=True)
        .first()
    )
    if profile is None or not access.is_internal(profile.user):
        raise Http404("Unknown or revoked calendar feed.")
    return profile.user


def _overrides(meetings):
    return {meeting.pk: selectors.overrides_of(meeting) for meeting in meetings}


def _calendar_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


@never_cache
def user_feed(request, token):
    """The meetings of the vendors the user owns or whose meetings the user attends."""
    user = _user_for(token)
    meetings = list(
        selectors.with_exceptions(
            Meeting.objects.filter(vendor__in=selectors.vendors_for(user))
            .filter(Q(attendees=user) | Q(vendor__owner=user))
            .distinct()
            .select_related("vendor")
            .prefetch_related("attendees", "contacts")
            .order_by("starts_at", "id")
        )
    )
    return _calendar_response(
        ics.calendar_ics(
            meetings,
            name=f"Vendor meetings of {user.get_username()}",
            overrides=_overrides(meetings),
        ),
        "meetings.ics",
    )


@never_cache
def vendor_feed(request, token, pk):
    """Every meeting of one vendor, if the token's user may see that vendor."""
    user = _user_for(token)
    vendor = get_object_or_404(selectors.vendors_for(user), pk=pk)
    meetings = list(
        selectors.with_exceptions(
            vendor.meetings.select_related("vendor")
            .prefetch_related("attendees", "contacts")
            .order_by("starts_at", "id")
        )
    )
    return _calendar_response(
        ics.calendar_ics(meetings, name=f"{vendor.name} meetings", overrides=_overrides(meetings)),
        f"{file_slug(vendor.name)}-meetings.ics",
    )
