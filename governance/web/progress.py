"""Recording progress on a shared goal: the same form and use case in the internal UI and
in the portal."""

from django.contrib import messages

from governance import services
from governance.models import GoalCheckIn
from governance.web.forms import CheckInForm


def check_in_form(request, goal):
    """The check-in form of ``goal``, bound to the POST if there is one."""
    return CheckInForm(request.POST or None, instance=GoalCheckIn(goal=goal, author=request.user))


def record_progress(request, form):
    """Record the check-in a valid POST of ``form`` carries (``services.goal_check_in_add``);
    True when it was recorded, else the errors are on the form."""
    if request.method != "POST":
        return False
    check_in = form.instance
    recorded = form.save_with(
        lambda: services.goal_check_in_add(
            goal=check_in.goal, author=check_in.author, **form.cleaned_data
        )
    )
    if recorded is None:
        return False
    messages.success(request, "Progress recorded; the current value is updated.")
    return True
