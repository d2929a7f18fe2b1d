"""REST API v1, the OpenAPI schema and its interactive docs (built by the API work)."""

urlpatterns = []
