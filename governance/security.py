"""Responses of the brute-force protection (django-axes)."""

from django.http import JsonResponse
from django.shortcuts import render

LOCKED_OUT = "Too many failed login attempts; try again later."


def lockout_response(request, original_response=None, credentials=None):
    """429 for a locked-out login: JSON for the API, the explanatory page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKED_OUT}, status=429)
    return render(request, "registration/locked_out.html", status=429)
