"""The client's address, the one key every limiter counts by (throttles, login lockouts).

``TRUSTED_PROXY_COUNT`` says how many proxies in front of the app append to
X-Forwarded-For. Each appends the address it received the request from, so the Nth entry
from the right was written by the outermost trusted proxy: the client as the edge saw it.
Entries further left are whatever the client sent and are never trusted.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    """The address the outermost trusted proxy saw (REMOTE_ADDR with no proxies).

    REMOTE_ADDR is also the answer when X-Forwarded-For has fewer entries than there are
    trusted proxies, or when the entry found is not an IP address: one shared key for
    misconfigured traffic limits it together instead of letting each request pick its own.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(entries) < count:
        return remote
    return _address(entries[-count]) or remote


def _address(entry):
    """``entry`` as a normalised IP address (a port some proxies add dropped), or None."""
    text = entry.strip()
    if text.startswith("["):  # [2001:db8::1]:443
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # 203.0.113.5:443
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None
