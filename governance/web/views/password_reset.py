"""The password reset request, with its emailed link built from ``SITE_URL``."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, except that the link's scheme and host come from ``SITE_URL``.

    Django takes them from the request, whose Host header the client writes: a reset asked
    for with a forged Host would mail the real user a working reset token on a link to
    someone else's site.
    """

    def save(self, **kwargs):
        site = urlsplit(settings.SITE_URL)
        kwargs.update(domain_override=site.netloc, use_https=site.scheme == "https")
        return super().save(**kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
