"""Production: switched by environment variables only (every one is listed in .env.example).

Required: ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and ``EMAIL_URL``; a missing
one stops the process at start-up instead of serving with a guessed value.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY")
# The loopback names are always accepted: the container health check and a monitor on the
# node itself reach /healthz as localhost, whatever public names the site has.
ALLOWED_HOSTS = list(dict.fromkeys([*env.list("ALLOWED_HOSTS"), "localhost", "127.0.0.1"]))
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Production data never lands in the embedded SQLite file that base.py falls back to.
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured("Set the DATABASE_URL environment variable")
# Reminders and password resets printed to a console nobody reads would be lost silently:
# base.py's console backend is for development only.
if not env("EMAIL_URL", default=""):
    raise ImproperlyConfigured("Set the EMAIL_URL environment variable")
# A connection kept across requests (CONN_MAX_AGE) is checked before reuse, so a restarted
# PostgreSQL costs one reconnect, not one failed request per web worker.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# TLS ends at the proxy in front of gunicorn, which says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Load balancers and container health checks probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# The worker and beat log through LOGGING (one line per record on stdout) instead of
# Celery's own root handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
