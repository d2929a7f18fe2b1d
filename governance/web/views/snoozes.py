"""Snoozes: holding one's reminders about a record until a date, and ending them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from governance import services
from governance.models import SNOOZABLE_MODELS, Snooze
from governance.web.forms.snoozes import SnoozeForm
from governance.web.pages import act, paginate
from governance.web.views.base import internal_view, next_url

LABELS = {label: name for name, label in SNOOZABLE_MODELS.items()}


@internal_view
def snooze(request):
    """The "Snooze" control of a row (POST), or its form on a page of its own (GET, and a
    POST with errors, shown on their fields: nothing was saved)."""
    if request.method != "POST":
        # Opened from a link naming what to snooze: not yet an attempt, so no errors shown.
        form = SnoozeForm(initial=request.GET.dict(), user=request.user)
    else:
        form = SnoozeForm(request.POST, user=request.user)
        saved = form.save_with(
            lambda: services.snooze_set(
                request.user,
                form.subject,
                until=form.cleaned_data["until"],
                note=form.cleaned_data["note"],
                today=timezone.localdate(),
            )
        )
        if saved is not None:
            messages.success(
                request, f"Your reminders about “{form.subject}” are snoozed until {saved.until}."
            )
            return redirect(next_url(request, reverse("governance:snooze-list")))
    return render(
        request,
        "governance/account/snooze_form.html",
        {"form": form, "next": next_url(request, "")},
    )


@internal_view
def snooze_list(request):
    """The signed-in user's snoozes, soonest to end first, each with an "End" button."""
    snoozes = (
        Snooze.objects.filter(user=request.user)
        .select_related("content_type", "vendor")
        .prefetch_related("subject")
        .order_by("until", "pk")
    )
    page = paginate(request, snoozes)
    rows = list(page.object_list)
    for row in rows:
        content_type = row.content_type
        row.kind = LABELS.get(f"{content_type.app_label}.{content_type.model}", "record")
    return render(
        request,
        "governance/account/snoozes.html",
        {"page": page, "rows": rows, "today": timezone.localdate()},
    )


@require_POST
@internal_view
def snooze_end(request, snooze_pk):
    snooze = get_object_or_404(Snooze.objects.filter(user=request.user), pk=snooze_pk)
    act(
        request,
        lambda: services.snooze_end(snooze),
        "The snooze ended: reminders resume at the next sweep.",
    )
    return redirect(next_url(request, reverse("governance:snooze-list")))
