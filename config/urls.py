from django.contrib import admin
from django.urls import include, path

from governance.web.views.password_reset import PasswordResetView

urlpatterns = [
    path("admin/", admin.site.urls),
    # Ahead of django.contrib.auth.urls, which has a view of the same name: reset links are
    # built from SITE_URL, not from the request's Host header.
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("governance.api.urls")),
    path("", include("governance.web.urls")),
]
