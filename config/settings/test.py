"""Test settings: PostgreSQL and Redis when DATABASE_URL / CELERY_BROKER_URL point to them."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

# The demo data and the benchmark are tested too (tests/test_seed_demo.py, test_bench.py).
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]

SECRET_KEY = env("SECRET_KEY", default="test-key-not-for-production-use-0123456789abcdefghij")
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Serve static files from the finders: tests run without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Most tests log in with the test client, which authenticates without a request; the
# brute-force tests turn django-axes on for themselves.
AXES_ENABLED = False
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],  # noqa: F405
        "anon": "100000/minute",
        "user": "100000/minute",
    },
}
