"""Settings of the benchmark's child processes: production's, on loopback, plus the devtools
app (``seed_demo`` seeds each size) and a URLconf with the minimal DRF endpoints
(``devtools.benchmark.urls``), which never ship in the product URLs.

The runner passes DATABASE_URL (one ``gov_bench_*`` database per size), CELERY_BROKER_URL
and EMAIL_URL; the rest defaults here to what a production deployment on this machine has.
"""

import os

# Production refuses to start without these; plain HTTP on loopback, quiet logs (a line per
# request would be measured along with the app).
os.environ.setdefault("SECRET_KEY", "benchmark-only-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from config.settings.production import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405
ROOT_URLCONF = "devtools.benchmark.urls"
# Static files from the finders: a benchmark run needs no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
# The per-user API throttle would cap the load test instead of measuring it. Set here as well
# as through the environment: gunicorn's config imports the base settings before these.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],  # noqa: F405
        "user": "1000000/minute",
    },
}
