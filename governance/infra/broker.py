"""Liveness checks of the services the app depends on."""

from config.celery import app as celery_app


def broker_ok(timeout=2.0):
    """True when the Celery broker accepts a connection within ``timeout`` seconds."""
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
        return True
    except Exception:
        return False
