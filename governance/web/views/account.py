"""The user's preferences: time zone, reminders, and the calendar feed URL."""

from copy import copy

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from governance import selectors, services
from governance.domain import access
from governance.web.forms import PreferencesForm
from governance.web.views.base import account_view


@account_view
def preferences(request):
    profile = access.profile_of(request.user)
    form = PreferencesForm(
        request.POST or None, profile=profile, internal=access.is_internal(request.user)
    )
    saved = request.method == "POST" and form.save_with(
        lambda: services.profile_update(copy(profile), **form.profile_data())
    )
    if saved:
        messages.success(request, "Your preferences were saved.")
        return redirect("governance:preferences")
    # Per-vendor feeds of the vendors this user owns (a portfolio can hold thousands).
    vendors = (
        selectors.vendors_for(request.user)
        .filter(owner=request.user)
        .order_by("name")
        .only("pk", "name")
    )
    return render(
        request,
        "governance/account/preferences.html",
        {
            "form": form,
            "profile": profile,
            # Feeds are internal (governance.web.views.calendar): none for vendor reps.
            "show_calendar": access.is_internal(request.user),
            "feed_url": request.build_absolute_uri(
                reverse("governance:user-feed", args=[profile.calendar_token])
            ),
            "vendor_feeds": [
                (
                    vendor,
                    request.build_absolute_uri(
                        reverse("governance:vendor-feed", args=[profile.calendar_token, vendor.pk])
                    ),
                )
                for vendor in vendors
            ],
        },
    )


@require_POST
@account_view
def regenerate_calendar_token(request):
    """Give the user a new feed secret; every URL with the old one stops working at once."""
    services.profile_regenerate_calendar_token(access.profile_of(request.user))
    messages.success(request, "Your calendar feed has a new address; the old one no longer works.")
    return redirect(reverse("governance:preferences") + "#calendar")
