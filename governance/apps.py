from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "governance"
    verbose_name = "Vendor governance"

    def ready(self):
        # Make the project's Celery app the current one in every Django process (web, shell,
        # tests), so shared tasks are sent through the configured broker. It is imported here
        # rather than in config/__init__.py so that importing config.wsgi does not pick the
        # local settings before wsgi.py picks production.
        import config.celery  # noqa: F401
        from governance import figures

        figures.connect()
