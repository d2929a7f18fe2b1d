"""The kinds are described once, in the registry, and everything that lists them reads it."""

import dataclasses
import os
import subprocess
import sys

from django.template.loader import get_template

from governance import reminders
from governance.models import Reminder
from governance.reminders import registry
from governance.web.forms import PreferencesForm


def test_every_kind_of_the_outbox_has_its_module_and_its_three_templates():
    assert [kind.code for kind in registry.kinds()] == list(Reminder.Kind.values)
    for kind in registry.kinds():
        for part in ("subject.txt", "body.txt", "body.html"):
            get_template(f"emails/{kind.template}-{part}")


def test_the_kinds_with_lead_times_are_those_people_may_set_lead_times_for():
    assert [kind.code for kind in registry.lead_time_kinds()] == list(Reminder.LEAD_TIME_KINDS)


def test_the_preferences_page_offers_to_mute_every_kind_but_the_digest_and_escalations(db, owner):
    form = PreferencesForm(profile=owner.profile)

    offered = [code for code, _label in form.fields["emailed_kinds"].choices]
    unmutable = {
        Reminder.Kind.DIGEST,
        Reminder.Kind.SECURITY_ESCALATION,
        Reminder.Kind.ACTION_ITEM_OVERDUE,
    }
    assert offered == [kind.code for kind in registry.kinds() if kind.code not in unmutable]
    assert [field.name for field in form.lead_time_fields] == [
        f"lead_{kind.code}" for kind in registry.lead_time_kinds()
    ]


def test_a_kind_is_registered_once_and_only_as_a_value_of_the_outbox_column():
    review = registry.get(Reminder.Kind.REVIEW_UPCOMING)

    for code in (review.code, "birthday"):
        try:
            registry.register(dataclasses.replace(review, code=code))
        except ValueError:
            continue
        raise AssertionError(f"{code!r} was registered")


def test_the_engine_publishes_tasks_by_name_and_never_imports_them():
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); import sys; from governance import reminders; "
            "print('governance.tasks' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )

    assert loaded.stdout.strip() == "False"
    assert (reminders.SEND_TASK, reminders.SWEEP_TASK) == (
        "governance.tasks.send_reminders",
        "governance.tasks.sweep_reminders",
    )
