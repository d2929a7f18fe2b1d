"""Account security: brute-force lockout responses (django-axes) and API token lifetime."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from knox.models import get_token_model

LOCKED_OUT = "Too many failed login attempts; try again later."


def lockout_response(request, original_response=None, credentials=None):
    """429 for a locked-out login: JSON for the API, the explanatory page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKED_OUT}, status=429)
    return render(request, "registration/locked_out.html", status=429)


def tokens_delete_expired(*, now=None):
    """Delete the API tokens whose expiry has passed; returns how many were deleted.

    An expired token already opens nothing (``governance.api.auth``); this only keeps the
    table from growing with every token an integration ever obtained.
    """
    deleted, _ = get_token_model().objects.filter(expiry__lt=now or timezone.now()).delete()
    return deleted


def connect():
    """Revoke a user's API tokens whenever their password changes, by whatever door: the
    password change and reset forms, the admin, ``changepassword``, ``set_password`` and
    ``save`` in code. A token outliving the password it was obtained with would let whoever
    learnt the old password keep the account."""
    user_model = get_user_model()
    pre_save.connect(_note_password_change, sender=user_model, dispatch_uid="token_revoke_pre")
    post_save.connect(_revoke_tokens, sender=user_model, dispatch_uid="token_revoke_post")


def _note_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._password_changed = False
    if raw or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return  # e.g. last_login at every login: no query
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    if stored.first() in (None, instance.password):
        return
    if getattr(instance, "_password", None) is None and update_fields is not None:
        # No set_password() before this save, and only the password saved: Django
        # upgrading the hash of the same password at login (its setter clears _password
        # to say so). Nothing an attacker could know has changed.
        return
    instance._password_changed = True


def _revoke_tokens(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_password_changed", False):
        instance._password_changed = False
        get_token_model().objects.filter(user=instance).delete()
