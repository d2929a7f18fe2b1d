"""OpenAPI generation: every operation documents the errors it can really return."""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import ResolvedComponent


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "governance.api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'An API token with the prefix "Token", e.g. `Token 9944b09199c6...`; '
            "obtain one from POST /api/v1/auth/token/.",
        }


ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}

VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Each key is a field name (or `non_field_errors`, or `detail` for a body "
    "that is not valid JSON) mapped to its messages; nested fields nest the same way.",
    "additionalProperties": {},
    "example": {"time_zone": ["Mars/Olympus is not an IANA time zone name."]},
}

WRITE_METHODS = ("POST", "PUT", "PATCH")


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema plus the error responses of each operation."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in self._error_codes().items():
            responses.setdefault(code, {"description": description})
        for code, response in responses.items():
            if code >= "400" and "content" not in response:
                if code == "400":
                    schema = self._component("ValidationError", VALIDATION_ERROR_SCHEMA)
                else:
                    schema = self._component("Error", ERROR_SCHEMA)
                response["content"] = {"application/json": {"schema": schema}}
        return responses

    def _error_codes(self):
        """The error statuses this operation can answer with, and what each means."""
        codes = {}
        has_body = self.method in WRITE_METHODS and self.get_request_serializer() is not None
        # Any operation: an address holding a control character (governance.web.middleware).
        codes["400"] = "Invalid input: messages per field (or a control character in the URL)."
        if has_body:
            codes["413"] = "The body is larger than the site accepts."
            codes["415"] = "The body is not JSON."
        if self.get_auth():
            codes["401"] = "No valid credentials."
            codes["403"] = "Not allowed, or a session request without its CSRF token."
        if "{" in self.path or self._is_list_view():
            codes["404"] = "No such object (or page) visible to you."
        if self.method in (*WRITE_METHODS, "DELETE") and hasattr(self.view, "get_queryset"):
            # A constraint decided a concurrent write (see exceptions.exception_handler).
            codes["409"] = "Conflicts with the current state; see the message."
        if getattr(self.view, "throttle_classes", None):
            codes["429"] = "Too many attempts; retry after the time in Retry-After."
        return codes

    def _component(self, name, schema):
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component.ref


def allow_empty_query_values(result, generator, request, public):
    """Document what the lists do with ``?status=``: an empty optional parameter is ignored
    (HTML forms, including the browsable API's filter form, send empty fields)."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result
