"""Tokens, users and the interactive docs: what an integration needs before the resources."""

from django.contrib.auth import get_user_model, user_logged_in, user_logged_out
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularSwaggerSplitView
from knox.models import get_token_model
from knox.settings import knox_settings
from rest_framework import status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.domain import access
from governance.infra.credentials import LOCKED_OUT

from .. import serializers
from ..auth import TokenAuthentication
from ..permissions import IsInternalUser
from ..throttling import AnonRateThrottle
from .base import GovernanceAPIMixin

NOT_FOR_VENDOR_REPS = "Vendor representatives use the vendor portal, not the API."


class TokenObtainThrottle(AnonRateThrottle):
    """Slows down password guessing: a few attempts per minute per client address."""

    scope = "token_obtain"


class TokenObtainView(APIView):
    """Exchange a username and password for a new API token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenObtainThrottle]

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        auth=[],
        request=serializers.TokenObtainSerializer,
        responses={
            200: serializers.TokenSerializer,
            400: OpenApiResponse(description="Missing fields or wrong credentials."),
            403: OpenApiResponse(
                description="A vendor representative: the API is for internal users."
            ),
            429: OpenApiResponse(
                description="Too many attempts: throttled, or this username is locked out "
                "on this address after repeated failures."
            ),
        },
        summary="Obtain an API token",
        description="Returns a new token for the user. The token is shown only once: the "
        "server keeps just its digest. Revoke it with POST /api/v1/auth/logout/.",
    )
    def post(self, request):
        serializer = serializers.TokenObtainSerializer(
            data=request.data, context={"request": request}
        )
        # Answered, not raised: a raised error rolls the request's transaction back, and
        # with it django-axes' record of the failed attempt (there would never be a lockout).
        valid = serializer.is_valid()
        if getattr(request._request, "axes_locked_out", False):
            return Response({"detail": LOCKED_OUT}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if not valid:
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        user = serializer.validated_data["user"]
        if not access.is_internal(user):
            return Response({"detail": NOT_FOR_VENDOR_REPS}, status=status.HTTP_403_FORBIDDEN)
        instance, token = get_token_model().objects.create(
            user=user, expiry=knox_settings.TOKEN_TTL
        )
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        data = serializers.TokenSerializer({"token": token, "expiry": instance.expiry}).data
        return Response(data, status=status.HTTP_200_OK)


class TokenRevokeView(APIView):
    """Revoke the token this request is authenticated with."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_logout_create",
        tags=["auth"],
        request=None,
        responses={204: None},
        summary="Revoke the current token",
    )
    def post(self, request):
        request.auth.delete()
        user_logged_out.send(sender=request.user.__class__, request=request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenRevokeAllView(APIView):
    """Revoke every token of the requesting user (after a leak, or when leaving)."""

    permission_classes = [IsInternalUser]

    @extend_schema(
        operation_id="auth_logout_all_create",
        tags=["auth"],
        request=None,
        responses={200: serializers.TokensRevokedSerializer},
        summary="Revoke all of the user's tokens",
    )
    def post(self, request):
        revoked, _ = request.user.auth_token_set.all().delete()
        return Response({"revoked": revoked})


@extend_schema_view(
    list=extend_schema(summary="List users", description="Ids for owners, reviewers, attendees."),
    retrieve=extend_schema(summary="A user"),
)
class UserViewSet(GovernanceAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Active users: the ids to give as owners, reviewers and attendees."""

    queryset = get_user_model().objects.filter(is_active=True)
    serializer_class = serializers.UserSerializer
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering_fields = ["username", "last_name"]
    ordering = ["username"]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI, served from the sidecar package; anonymous visitors go to the login page.

    The split view serves its start-up script as a file, so the page runs under a
    Content-Security-Policy without inline scripts.
    """

    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.is_internal(request.user):
            raise PermissionDenied(NOT_FOR_VENDOR_REPS)
        return super().get(request, *args, **kwargs)


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Unknown paths under /api/ (``/api/v1/vendors/1.5/`` too) answer in JSON like the API."""
    return JsonResponse({"detail": "Not found."}, status=404)
