"""Local development: ``make run``. Embedded defaults, no servers needed."""

from .base import *  # noqa: F403
from .base import BASE_DIR, INSTALLED_APPS, env

# seed_demo (`make run` seeds demo data) and bench; never in production's INSTALLED_APPS.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-development-key-not-for-production-use-0123456789")
# A broker that needs no server: kombu's filesystem transport, shared by web, worker and beat.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
_broker_dir = BASE_DIR / "var" / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS = env.json(
    "CELERY_BROKER_TRANSPORT_OPTIONS",
    default={
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        # The exchange bindings; kombu's default is ./control, beside the code.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    },
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The embedded SQLite database and the filesystem broker live here.
(BASE_DIR / "var").mkdir(exist_ok=True)
