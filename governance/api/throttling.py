"""DRF's rate throttles, counting anonymous callers by ``governance.infra.net.client_address``.

DRF's own ``get_ident`` uses X-Forwarded-For as the client sent it unless ``NUM_PROXIES``
is set, and even then falls back to the header's leftmost (client-written) entry: a fresh
header per request would be a fresh allowance. Here the address comes from the one function
the login lockouts use too.
"""

from rest_framework import throttling

from governance.infra.net import client_address


class ClientAddressMixin:
    def get_ident(self, request):
        return client_address(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    """Anonymous requests, per client address."""


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    """Signed-in requests per user; anonymous ones per client address."""
