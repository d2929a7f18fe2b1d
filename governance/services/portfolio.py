"""The portfolio-wide lists' one write: the scope a person chose, remembered for next time."""

from django.core.exceptions import ValidationError

from governance.domain import access
from governance.models import ListScope, UserProfile


def profile_list_scope_set(user, scope):
    """Remember ``scope`` (a ``ListScope``) as the one ``user``'s lists open with; the
    profile cached on ``user`` says so too. Nothing is written when it is already the one
    remembered; a user without a profile has nothing to remember it in."""
    if scope not in ListScope.values:
        raise ValidationError({"list_scope": "Choose mine, my team or all."})
    profile = access.profile_of(user)
    if profile.pk is None or profile.list_scope == scope:
        return profile
    UserProfile.objects.filter(pk=profile.pk).update(list_scope=scope)
    profile.list_scope = scope
    return profile
