"""Outbound webhook HTTP: which addresses we may call, and one signed POST to one of them.

The address rule (``resolve``) runs when a subscription is saved and again before every
send: DNS can change in between. The POST connects to the very address that was checked
(``post(..., address=...)``), with the URL's host name in the Host header and, for https, in
SNI and certificate checking, so a name that resolves differently a moment later (DNS
rebinding) cannot steer the connection elsewhere. Redirects are never followed: a 3xx is an
answer like any other, and the caller counts it as a failure.

Nothing here knows the app's models; the caller passes URLs, secrets and bodies.
"""

import datetime as dt
import http.client
import ipaddress
import socket
import ssl
import time
from typing import NamedTuple
from urllib.parse import urlsplit

from standardwebhooks.webhooks import Webhook

USER_AGENT = "governance-webhooks/1"
EXCERPT_MAX = 1000
# A response is read up to this many bytes: enough for the excerpt, never a whole download.
READ_MAX = 64 * 1024

# Cloud instance metadata endpoints: refused even when WEBHOOK_ALLOWED_HOSTS lists them (a
# listed test receiver never needs them, and they hand out the host's credentials).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(text)
    for text in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
    )
)
SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")


class Refused(Exception):
    """The target may not be called; the message says why, for a person to read."""


def parse_allowed(text):
    """The set of lower-case host names and normalised addresses in a comma-separated list."""
    allowed = set()
    for item in str(text or "").split(","):
        item = item.strip().lower().strip("[]")
        if not item:
            continue
        try:
            allowed.add(str(ipaddress.ip_address(item)))
        except ValueError:
            allowed.add(item.rstrip("."))
    return frozenset(allowed)


def forbidden_reason(address):
    """Why ``address`` (an ``ipaddress`` address) may not be called, or None when it may."""
    if address.version == 6 and address.ipv4_mapped is not None:
        return forbidden_reason(address.ipv4_mapped)
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    checks = (
        (address.is_loopback, "a loopback address"),
        (address.is_unspecified, "an unspecified address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.version == 4 and address in SHARED_ADDRESS_SPACE, "a shared (CGNAT) address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private address"),
        (not address.is_global, "a non-public address"),
    )
    for failed, reason in checks:
        if failed:
            return reason
    return None


def resolve(url, *, allowed=frozenset(), resolver=None):
    """The address to connect to for ``url``: the first one its host resolves to.

    Raises ``Refused`` when the host does not resolve, or when any of its addresses is not
    public (loopback, private, link-local, multicast, reserved, unspecified, shared, cloud
    metadata), unless the host name or that address is in ``allowed``. Every address must
    pass, not just one: which one a client picks is not ours to predict.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise Refused("The URL has no host.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = _addresses(host, port, resolver or socket.getaddrinfo)
    if not addresses:
        raise Refused(f"The host {host} does not resolve to any address.")
    host_allowed = host in allowed
    for address in addresses:
        if address in METADATA_ADDRESSES or (
            address.version == 6 and address.ipv4_mapped in METADATA_ADDRESSES
        ):
            raise Refused(f"{host} resolves to {address}, a cloud metadata address.")
        if host_allowed or str(address) in allowed:
            continue
        reason = forbidden_reason(address)
        if reason:
            raise Refused(
                f"{host} resolves to {address}, {reason}; webhooks call public addresses only "
                "(an administrator can allow a host with WEBHOOK_ALLOWED_HOSTS)."
            )
    return str(addresses[0])


def _addresses(host, port, resolver):
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = resolver(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Refused(f"The host {host} does not resolve ({error}).") from None
    found = []
    for info in infos:
        # The scope of an IPv6 link-local address ("fe80::1%eth0") is not part of the address.
        text = str(info[4][0]).partition("%")[0]
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            continue
        if address not in found:
            found.append(address)
    return found


# --- sending --------------------------------------------------------------------------------


def signed_headers(*, secret, message_id, body, at):
    """The Standard Webhooks headers for ``body`` (text) sent as ``message_id`` at ``at``."""
    at = at.astimezone(dt.UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }


class Response(NamedTuple):
    """What one POST got: a status code (None when no answer came), the start of the body,
    an error for a person to read (empty on any answer), and how long it took."""

    status_code: int | None
    excerpt: str
    error: str
    latency_ms: int

    @property
    def ok(self):
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url, *, address, body, headers, timeout):
    """POST ``body`` to ``url`` over a connection to ``address`` (already checked), without
    following redirects. Never raises for network trouble: it is in ``Response.error``."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.hostname
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if parts.port is None else f"[{host}]:{parts.port}"
    if parts.scheme == "https":
        connection = _PinnedHTTPS(host, port, address=address, timeout=timeout)
    else:
        connection = _PinnedHTTP(host, port, address=address, timeout=timeout)
    started = time.monotonic()
    try:
        connection.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host_header)
        data = body.encode()
        for name, value in {**headers, "Content-Length": str(len(data))}.items():
            connection.putheader(name, value)
        connection.endheaders(data)
        answer = connection.getresponse()
        text = _read(answer, deadline=started + 2 * timeout).decode("utf-8", errors="replace")
        status, error = answer.status, ""
        if 300 <= status < 400:
            error = f"Redirect to {answer.getheader('Location', '?')[:200]} not followed."
    except (OSError, http.client.HTTPException) as failure:
        status, text = None, ""
        error = _describe(failure)
    finally:
        connection.close()
    latency = int((time.monotonic() - started) * 1000)
    return Response(status, text[:EXCERPT_MAX], error, latency)


def _read(answer, *, deadline):
    """Up to ``READ_MAX`` bytes of the answer's body, read until ``deadline``: the socket's
    timeout bounds each read, this bounds them all (a receiver sending a byte a second)."""
    chunks, size = [], 0
    while size < READ_MAX and time.monotonic() < deadline:
        chunk = answer.read1(min(8192, READ_MAX - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _describe(failure):
    if isinstance(failure, TimeoutError):
        return "Timed out."
    if isinstance(failure, ssl.SSLError):
        return f"TLS error: {failure}"[:500]
    if isinstance(failure, ConnectionRefusedError):
        return "Connection refused."
    return f"{type(failure).__name__}: {failure}"[:500]


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to ``address`` for a URL whose host is ``host``."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to ``address``, with SNI and the certificate checked for ``host``."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
