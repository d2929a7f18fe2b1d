"""webhooks/ in the API: administrators only; a private target, an unknown event or a bad
secret is a 400 on its field with nothing written; the secret is returned once; the delivery
log and redelivery."""

import pytest
from standardwebhooks.webhooks import Webhook

from governance.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from tests.api.conftest import client_for
from tests.webhooks_doors.conftest import PRIVATE_URL, PUBLIC_URL, deliveries, subscription

pytestmark = pytest.mark.django_db

HOOKS = "/api/v1/webhooks/"


def body(**overrides):
    return {"url": PUBLIC_URL, "events": ["incident.created", "review.completed"], **overrides}


@pytest.mark.parametrize("role", ["manager", "viewer", "auditor", "rep"])
def test_only_administrators_use_the_webhooks_api(people, role):
    hook = subscription()
    [delivery] = deliveries(hook, 1)
    api = client_for(people[role])
    one = f"{HOOKS}{hook.pk}/"
    calls = [
        api.get(HOOKS),
        api.get(one),
        api.get(f"{one}deliveries/"),
        api.get(f"{one}deliveries/{delivery.pk}/"),
        api.post(HOOKS, body(), format="json"),
        api.patch(one, {"url": "https://93.184.216.35/"}, format="json"),
        api.post(f"{one}rotate-secret/"),
        api.post(f"{one}deliveries/{delivery.pk}/redeliver/"),
        api.delete(one),
    ]
    secret = hook.secret

    assert {response.status_code for response in calls} == {403}
    hook.refresh_from_db()
    assert (hook.url, hook.secret) == (PUBLIC_URL, secret)
    assert WebhookDelivery.objects.get().status == "failed"


def test_a_created_webhook_returns_its_secret_once(admin_api, admin_person):
    response = admin_api.post(HOOKS, body(), format="json")

    assert response.status_code == 201
    created = response.json()
    hook = WebhookSubscription.objects.get()
    assert created["signing_secret"] == hook.secret
    assert created["owner"] == admin_person.pk
    assert created["events"] == ["incident.created", "review.completed"]
    assert "secret" not in created
    for later in (admin_api.get(f"{HOOKS}{hook.pk}/").json(), admin_api.get(HOOKS).json()):
        assert hook.secret not in str(later)


def test_a_given_secret_is_used_and_a_malformed_one_refused(admin_api):
    secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    good = admin_api.post(HOOKS, body(secret=secret), format="json")
    bad = admin_api.post(HOOKS, body(secret="hunter2"), format="json")

    assert good.status_code == 201 and good.json()["signing_secret"] == secret
    assert bad.status_code == 400 and "secret" in bad.json()
    assert WebhookSubscription.objects.count() == 1


@pytest.mark.parametrize(
    "url, words",
    [
        (PRIVATE_URL, "private"),
        ("http://127.0.0.2:8080/hook", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[fe80::1]/hook", "link-local"),
    ],
)
def test_a_private_target_is_a_400_on_url_and_nothing_is_written(admin_api, url, words):
    response = admin_api.post(HOOKS, body(url=url), format="json")

    assert response.status_code == 400
    assert words in " ".join(response.json()["url"])
    assert not WebhookSubscription.objects.exists()


def test_a_change_to_a_private_target_is_a_400_and_changes_nothing(admin_api):
    hook = subscription()

    response = admin_api.patch(f"{HOOKS}{hook.pk}/", {"url": PRIVATE_URL}, format="json")

    assert response.status_code == 400 and "url" in response.json()
    hook.refresh_from_db()
    assert hook.url == PUBLIC_URL


def test_a_host_the_setting_allows_is_accepted(admin_api, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = "10.1.2.3"

    assert admin_api.post(HOOKS, body(url=PRIVATE_URL), format="json").status_code == 201


@pytest.mark.parametrize("events", [[], ["incident.eaten"], "incident.created", None])
def test_events_must_be_a_list_of_known_event_types(admin_api, events):
    response = admin_api.post(HOOKS, body(events=events), format="json")

    assert response.status_code == 400
    assert "events" in response.json()
    assert not WebhookSubscription.objects.exists()


def test_an_event_named_twice_is_refused(admin_api):
    response = admin_api.post(
        HOOKS, body(events=["incident.created", "incident.created"]), format="json"
    )

    assert response.status_code == 400
    assert response.json()["events"] == ["Name each event once."]


def test_the_vendor_filter_is_a_vendor_id(admin_api, vendor):
    made = admin_api.post(HOOKS, body(vendor=vendor.pk), format="json")
    unknown = admin_api.post(HOOKS, body(vendor=vendor.pk + 1000), format="json")

    assert made.status_code == 201 and made.json()["vendor"] == vendor.pk
    assert unknown.status_code == 400 and "vendor" in unknown.json()


def test_read_only_fields_are_not_written(admin_api):
    hook = subscription()

    admin_api.patch(
        f"{HOOKS}{hook.pk}/",
        {"consecutive_failures": 99, "disabled_reason": "x", "owner": 1},
        format="json",
    )

    hook.refresh_from_db()
    assert (hook.consecutive_failures, hook.disabled_reason, hook.owner) == (0, "", None)


def test_enabling_a_disabled_webhook_starts_its_failures_afresh(admin_api):
    hook = subscription(is_active=False, consecutive_failures=20, disabled_reason="Failing")

    response = admin_api.patch(f"{HOOKS}{hook.pk}/", {"is_active": True}, format="json")

    assert response.status_code == 200
    assert response.json()["consecutive_failures"] == 0
    assert response.json()["disabled_reason"] == ""


def test_rotate_secret_returns_the_new_secret_once(admin_api):
    hook = subscription()
    old = hook.secret

    response = admin_api.post(f"{HOOKS}{hook.pk}/rotate-secret/")

    hook.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["signing_secret"] == hook.secret != old
    assert hook.secret not in str(admin_api.get(f"{HOOKS}{hook.pk}/").json())


def test_the_list_counts_deliveries_by_status_and_names_the_last(admin_api):
    hook = subscription()
    deliveries(hook, 2)
    deliveries(hook, 1, status=WebhookDelivery.Status.SUCCEEDED)

    [row] = admin_api.get(HOOKS).json()["results"]

    assert (row["failed_count"], row["succeeded_count"], row["pending_count"]) == (2, 1, 0)
    assert row["last_status"] == "succeeded"


def test_the_delivery_log_lists_newest_first_with_the_last_answer(admin_api):
    hook = subscription()
    made = deliveries(hook, 3)

    page = admin_api.get(f"{HOOKS}{hook.pk}/deliveries/").json()

    assert page["count"] == 3
    assert [row["id"] for row in page["results"]] == [d.pk for d in reversed(made)]
    row = page["results"][0]
    assert row["event_id"] == made[-1].event.message_id
    assert row["type"] == "incident.created"
    assert (row["status"], row["attempts"], row["last_status_code"]) == ("failed", 2, 503)
    assert (row["last_latency_ms"], row["last_response_excerpt"]) == (120, "still busy")
    assert admin_api.get(f"{HOOKS}{hook.pk}/deliveries/?status=succeeded").json()["count"] == 0
    assert admin_api.get(f"{HOOKS}{hook.pk}/deliveries/?status=lost").status_code == 400


def test_a_delivery_shows_its_attempts(admin_api):
    hook = subscription()
    [delivery] = deliveries(hook, 1)

    detail = admin_api.get(f"{HOOKS}{hook.pk}/deliveries/{delivery.pk}/").json()

    assert [a["response_excerpt"] for a in detail["attempts_log"]] == ["still busy", "busy"]


def test_a_delivery_of_another_webhook_is_not_found(admin_api):
    mine, theirs = subscription(), subscription(url="https://93.184.216.35/")
    [delivery] = deliveries(theirs, 1)

    assert admin_api.get(f"{HOOKS}{mine.pk}/deliveries/{delivery.pk}/").status_code == 404
    assert (
        admin_api.post(f"{HOOKS}{mine.pk}/deliveries/{delivery.pk}/redeliver/").status_code == 404
    )
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_redeliver_sends_again_and_records_who_asked(
    admin_api, admin_person, receiver, django_capture_on_commit_callbacks
):
    hook = subscription(url=receiver.url("/hook"))
    [delivery] = deliveries(hook, 1)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(f"{HOOKS}{hook.pk}/deliveries/{delivery.pk}/redeliver/")

    assert response.status_code == 200
    assert response.json()["status"] == "pending"  # as it was answered, before the worker ran
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)
    newest = WebhookAttempt.objects.filter(delivery=delivery).order_by("-at", "-id").first()
    assert (newest.requested_by, newest.status_code) == (admin_person, 200)
    [(_path, headers, text)] = receiver.received()
    Webhook(hook.secret).verify(text, headers)


def test_redeliver_of_a_disabled_webhook_is_a_400(admin_api):
    hook = subscription(is_active=False)
    [delivery] = deliveries(hook, 1)

    response = admin_api.post(f"{HOOKS}{hook.pk}/deliveries/{delivery.pk}/redeliver/")

    assert response.status_code == 400
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_delete_removes_the_webhook_and_its_log(admin_api):
    hook = subscription()
    deliveries(hook, 2)

    assert admin_api.delete(f"{HOOKS}{hook.pk}/").status_code == 204
    assert not WebhookSubscription.objects.exists()
    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize("count", [2, 30])
def test_the_lists_run_a_bounded_number_of_queries(admin_api, count, django_assert_max_num_queries):
    for n in range(count):
        deliveries(subscription(url=f"https://93.184.216.{n + 1}/"), 1)
    hook = WebhookSubscription.objects.order_by("pk").first()
    deliveries(hook, count)

    # Token and user, the count, the page (the counts and the last delivery in it).
    with django_assert_max_num_queries(6):
        listed = admin_api.get(HOOKS)
    # The same, and the subscription itself.
    with django_assert_max_num_queries(7):
        log = admin_api.get(f"{HOOKS}{hook.pk}/deliveries/")

    assert len(listed.json()["results"]) == count
    assert len(log.json()["results"]) == count + 1
