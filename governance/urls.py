from django.urls import path

from governance import views

app_name = "governance"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("vendors/<int:pk>/", views.vendor_detail, name="vendor-detail"),
    path("healthz", views.healthz, name="healthz"),
]
