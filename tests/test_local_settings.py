"""config.settings.local: what `make run` writes stays under var/, which git ignores."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SHOW_BROKER_FOLDERS = """
import json
from config.settings import local
print(json.dumps(local.CELERY_BROKER_TRANSPORT_OPTIONS))
"""


def test_every_folder_of_the_filesystem_broker_is_under_var():
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("CELERY_BROKER_TRANSPORT_OPTIONS", "DJANGO_SETTINGS_MODULE")
    }
    result = subprocess.run(
        [sys.executable, "-c", SHOW_BROKER_FOLDERS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    options = json.loads(result.stdout.splitlines()[-1])
    folders = {name: value for name, value in options.items() if "folder" in name}
    # kombu's default control folder is ./control, beside the code, which once got committed.
    assert set(folders) == {
        "data_folder_in",
        "data_folder_out",
        "processed_folder",
        "control_folder",
    }
    for name, folder in folders.items():
        assert Path(folder).is_relative_to(ROOT / "var"), name
