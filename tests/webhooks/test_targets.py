"""Which addresses a webhook may call: refused when a target resolves to loopback, private,
link-local, multicast, reserved, shared or cloud metadata addresses (at save time and again
at send time), unless WEBHOOK_ALLOWED_HOSTS allows the host or the address."""

import socket

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance import services
from governance.infra import webhook_http
from governance.models import Incident, WebhookDelivery, WebhookEventType, WebhookSubscription
from governance.services import webhooks

pytestmark = pytest.mark.django_db


def resolver_to(*addresses):
    """A stand-in for ``socket.getaddrinfo`` answering ``addresses`` for every name."""

    def resolve(host, port, type=0, **kwargs):
        family = {4: socket.AF_INET, 6: socket.AF_INET6}
        return [
            (family[6 if ":" in a else 4], socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]

    return resolve


@pytest.fixture
def nothing_allowed(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ""
    return settings


@pytest.mark.parametrize(
    ("url", "what"),
    [
        ("http://127.0.0.1/hook", "loopback"),
        ("http://127.8.9.10:8080/hook", "loopback"),
        ("http://10.1.2.3/hook", "private"),
        ("http://172.16.0.1/hook", "private"),
        ("https://192.168.1.10/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://169.254.10.1/", "link-local"),
        ("http://[::1]/hook", "loopback"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://[fd00:ec2::254]/", "metadata"),
        ("http://[fc00::5]/", "private"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://100.64.0.7/", "shared"),
        ("http://224.0.0.1/", "multicast"),
        ("http://240.0.0.1/", "reserved"),
        ("http://localhost:8000/hook", "loopback"),
    ],
)
def test_a_non_public_target_is_refused(url, what, nothing_allowed):
    with pytest.raises(ValidationError) as error:
        webhooks.check_target(url)

    assert what in error.value.messages[0]


def test_a_public_address_is_accepted(nothing_allowed):
    assert webhooks.check_target("https://93.184.216.34/hook") == "93.184.216.34"


def test_a_name_with_one_private_address_among_public_ones_is_refused(nothing_allowed):
    resolver = resolver_to("93.184.216.34", "10.0.0.8")

    with pytest.raises(webhook_http.Refused, match=r"10\.0\.0\.8, a private address"):
        webhook_http.resolve("https://hooks.example.com/x", resolver=resolver)


def test_a_name_that_does_not_resolve_is_refused(nothing_allowed):
    with pytest.raises(ValidationError, match="does not resolve"):
        webhooks.check_target("https://no-such-host.invalid/hook")


def test_allowed_hosts_allow_a_listed_address_or_name(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1, siem.internal"

    assert webhooks.check_target("http://127.0.0.1:9000/hook") == "127.0.0.1"
    with pytest.raises(ValidationError):
        webhooks.check_target("http://10.0.0.1/hook")  # not listed
    allowed = webhooks.allowed_hosts()
    assert webhook_http.resolve(
        "http://SIEM.internal./in", allowed=allowed, resolver=resolver_to("10.9.9.9")
    ) == ("10.9.9.9")


def test_allowed_hosts_never_open_the_cloud_metadata_address(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = "169.254.169.254,metadata.internal"

    with pytest.raises(ValidationError, match="metadata"):
        webhooks.check_target("http://169.254.169.254/latest/")
    with pytest.raises(webhook_http.Refused, match="metadata"):
        webhook_http.resolve(
            "http://metadata.internal/",
            allowed=webhooks.allowed_hosts(),
            resolver=resolver_to("169.254.169.254"),
        )


def test_saving_a_subscription_to_a_private_target_is_refused_on_the_url_and_saves_nothing(
    nothing_allowed, owner
):
    subscription = WebhookSubscription(
        url="http://192.168.0.20/hook", events=[WebhookEventType.INCIDENT_CREATED]
    )

    with pytest.raises(ValidationError) as error:
        webhooks.save_subscription(subscription, by=owner)

    assert list(error.value.message_dict) == ["url"]
    assert "private address" in error.value.message_dict["url"][0]
    assert WebhookSubscription.objects.count() == 0


def test_a_subscription_whose_target_is_refused_can_still_be_disabled(nothing_allowed, owner):
    subscription = WebhookSubscription.objects.create(
        url="http://10.0.0.9/hook", events=[WebhookEventType.INCIDENT_CREATED], owner=owner
    )
    subscription.is_active = False

    webhooks.save_subscription(subscription, by=owner)

    assert not WebhookSubscription.objects.get().is_active
    subscription.is_active = True
    with pytest.raises(ValidationError, match="private address"):
        webhooks.save_subscription(subscription, by=owner)


def test_a_target_that_later_resolves_privately_is_refused_at_send_time(
    nothing_allowed, owner, vendor, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(socket, "getaddrinfo", resolver_to("93.184.216.34"))
    subscription = webhooks.save_subscription(
        WebhookSubscription(
            url="https://hooks.example.com/in", events=[WebhookEventType.INCIDENT_CREATED]
        ),
        by=owner,
    )
    posts = []
    monkeypatch.setattr(webhook_http, "post", lambda *a, **k: posts.append(a))
    monkeypatch.setattr(socket, "getaddrinfo", resolver_to("127.0.0.1"))  # DNS rebinding

    with django_capture_on_commit_callbacks(execute=True):
        services.incident_save(
            Incident(vendor=vendor, title="Down", priority="P1", opened_at=timezone.now())
        )

    assert posts == []
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.status == WebhookDelivery.Status.PENDING  # retried: DNS may change back
    assert delivery.last_status_code is None
    assert "127.0.0.1, a loopback address" in delivery.last_error
    assert delivery.attempt_log.get().error.startswith("Refused:")


def test_the_connection_goes_to_the_checked_address_with_the_name_in_the_host_header(
    monkeypatch, receiver
):
    connected = []
    real = socket.create_connection

    def spy(address, *args, **kwargs):
        connected.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", spy)

    response = webhook_http.post(
        f"http://hooks.example.com:{receiver.port}/in?x=1",
        address="127.0.0.1",
        body="{}",
        headers={"Content-Type": "application/json"},
        timeout=5,
    )

    assert response.ok
    assert connected == [("127.0.0.1", receiver.port)]
    [(path, headers, body)] = receiver.received()
    assert path == "/in?x=1"
    assert headers["Host"] == f"hooks.example.com:{receiver.port}"
    assert body == "{}"


def test_a_receiver_that_does_not_answer_in_time_is_a_timeout(monkeypatch):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        response = webhook_http.post(
            f"http://127.0.0.1:{listener.getsockname()[1]}/",
            address="127.0.0.1",
            body="{}",
            headers={},
            timeout=0.5,
        )
    finally:
        listener.close()

    assert response.status_code is None
    assert response.error == "Timed out."
    assert 400 <= response.latency_ms < 3000
