"""What the pages of the internal UI and the portal share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator

from governance import services
from governance.models import Incident

PAGE_SIZE = 25


def paginate(request, items, per_page=PAGE_SIZE):
    """The requested page of ``items``; an out-of-range or junk page number gives the last/first."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def act(request, use_case, success):
    """Run ``use_case()``, the one service call behind a button, and say how it went.

    Returns its result, with ``success`` (a text, or a function of the result giving one) as
    the message; None when the service refused, with its reason as the message (its
    transaction rolled back: nothing changed).
    """
    try:
        result = use_case()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


def acknowledge_incident(request, incident):
    """The "Acknowledge" button of an incident, in the internal UI and the portal."""
    if incident.status != Incident.Status.OPEN:
        messages.info(request, "This incident was already acknowledged.")
        return
    act(
        request,
        lambda: services.incident_acknowledge(incident, by=request.user),
        f"Incident “{incident.title}” was acknowledged.",
    )
