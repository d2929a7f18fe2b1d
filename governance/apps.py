from django.apps import AppConfig
from django.core import checks


class GovernanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "governance"
    verbose_name = "Vendor governance"

    def ready(self):
        # Make the project's Celery app the current one in every Django process (web, shell,
        # tests), so shared tasks are sent through the configured broker. It is imported here
        # rather than in config/__init__.py so that importing config.wsgi does not pick the
        # local settings before wsgi.py picks production.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        import config.celery  # noqa: F401
        from governance.infra import credentials as security
        from governance.services import figures

        figures.connect()
        # A password change by any door revokes the user's API tokens.
        security.connect()
        # Every door that creates an account (admin, createsuperuser, a script) gives it its
        # profile here, so the new user's role is decided once, at creation.
        post_save.connect(
            _profile_for_new_user, sender=get_user_model(), dispatch_uid="governance_profile"
        )
        checks.register(_new_user_role_check)


def _new_user_role_check(app_configs, **kwargs):
    from governance import services

    return services.check_new_user_role()


def _profile_for_new_user(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from governance import services

        services.profile_create(instance)
