"""The product's URLs plus ``/_bench/minimal/<resource>/``: benchmark settings only."""

from django.urls import include, path

from config.urls import urlpatterns as product_urlpatterns
from devtools.benchmark import minimal

urlpatterns = [
    path("_bench/minimal/", include(minimal.urlpatterns)),
    *product_urlpatterns,
]
