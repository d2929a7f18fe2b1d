"""Gunicorn settings: ``gunicorn -c config/gunicorn.py config.wsgi``; tuned by the environment.

PORT (8000) and GUNICORN_BIND (``0.0.0.0:$PORT``) say where to listen, WEB_CONCURRENCY (2)
how many worker processes, GUNICORN_TIMEOUT (30 s) how long a request may take, and
FORWARDED_ALLOW_IPS which proxies may set X-Forwarded-* headers.
"""

import os

# What config/wsgi.py means to default to; set here first because importing the ``config``
# package (below, and again by the WSGI import) would default it to the local settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from config.settings.base import LOGGING

bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# Recycling workers now and then bounds the memory any slow leak can take.
max_requests = 1000
max_requests_jitter = 100
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No control socket: it defaults to one path per user ($HOME/.gunicorn), which two instances
# on one machine would fight over, and nothing here uses gunicornc.
control_socket_disable = True
# The heartbeat file lives in memory: a slow container disk cannot make workers look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Gunicorn's own lines (start-up, worker restarts, one per request) in the app's format.
accesslog = "-"
access_log_format = '%(m)s %(U)s%(q)s %(s)s %(B)s bytes %(M)s ms "%(a)s"'
_level = LOGGING["root"]["level"]
logconfig_dict = {
    **LOGGING,
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": _level, "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": _level, "propagate": False},
    },
}
