"""The webhooks' doors (web form and buttons, API, admin) driven with more hostile values than
the quick run of every door gives them: never a server error, and the webhook pages render
what each accepted at once and after it is stored for good."""

import pytest

from tests.properties.doors import DOORS, clients_for, drive, read_back, store

pytestmark = pytest.mark.django_db

WEBHOOK_DOORS = [door for door in DOORS if "webhook" in door.name]


def test_every_webhook_door_is_driven():
    assert len(WEBHOOK_DOORS) == 14


def test_hostile_values_through_the_webhook_doors_never_fail(world):
    clients = clients_for(world)
    failed, accepted = [], []
    for door in WEBHOOK_DOORS:
        try:
            examples = drive(door, world, clients, max_examples=10, read_back_each=True)
        except AssertionError as error:
            failed.append(f"{door.name}: {error}"[:3000])
        else:
            accepted.append((door, examples))
    assert failed == [], "\n\n".join(failed)
    for door, examples in accepted:
        store(door, world, clients, examples)
    for door, examples in accepted:
        for example in examples[:1]:
            read_back(door, world, clients, example)
    assert all(examples for door, examples in accepted if door.name != "web webhook delete")
