"""REST API v1 viewsets: declarative lists, writes through services, reads through selectors."""

from django.contrib.auth import get_user_model, user_logged_in, user_logged_out
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularSwaggerSplitView
from knox.models import get_token_model
from knox.settings import knox_settings
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from simple_history.models import HistoricalRecords

from governance import selectors, services
from governance.domain import access
from governance.infra.credentials import LOCKED_OUT
from governance.models import (
    Contact,
    Goal,
    GoalCheckIn,
    Incident,
    Meeting,
    Reminder,
    Review,
    SecurityClause,
    SLATarget,
    Vendor,
)
from governance.selectors import history as audit

from . import filters, serializers
from .auth import TokenAuthentication
from .exceptions import Conflict
from .permissions import HistoryPermission, IsInternalUser, RolePermission
from .scoping import VendorScopedQuerysetMixin, reminder_visibility, scoped_to, visible_vendors
from .throttling import AnonRateThrottle

# --- auth ----------------------------------------------------------------------------------


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


# --- resources -----------------------------------------------------------------------------


class GovernanceAPIMixin:
    """Every resource: role checks (``governance.domain.access``), history naming the user.

    simple-history takes the user from the request its middleware saw, when a token
    request was still anonymous (DRF authenticates later, in ``initial``): the authenticated
    user is put on that request here, so every change made through the API is theirs.
    """

    permission_classes = [RolePermission]
    filter_backends = filters.BACKENDS

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        http_request = request._request
        http_request.user = request.user
        self._history_context_owned = not hasattr(HistoricalRecords.context, "request")
        HistoricalRecords.context.request = http_request

    def finalize_response(self, request, response, *args, **kwargs):
        if getattr(self, "_history_context_owned", False):
            # Set here, not by the middleware: never leave it behind for the next request.
            del HistoricalRecords.context.request
            self._history_context_owned = False
        return super().finalize_response(request, response, *args, **kwargs)

    def check_vendor_editable(self, vendor):
        """403 unless the user may change ``vendor``'s records (a write's target vendor)."""
        if not access.can_edit_vendor(self.request.user, vendor):
            raise PermissionDenied("You may read this vendor's records but not change them.")


class VendorScopedViewSet(GovernanceAPIMixin, VendorScopedQuerysetMixin, viewsets.ModelViewSet):
    """CRUD on objects of visible vendors; the response shows the object as the list would."""

    def perform_create(self, serializer):
        vendor = serializer.validated_data.get("vendor")
        if vendor is not None:
            self.check_vendor_editable(vendor)
        serializer.save()
        serializer.instance = self.refetch(serializer.instance)

    def perform_update(self, serializer):
        serializer.save()
        serializer.instance = self.refetch(serializer.instance)

    def refetch(self, instance):
        """The saved object re-read with the list's annotations and fresh prefetches."""
        return self.get_queryset().get(pk=instance.pk)


@extend_schema_view(
    list=extend_schema(summary="List vendors", description="With their derived figures."),
    create=extend_schema(
        summary="Add a vendor",
        description="`owner` defaults to you; an empty `review_cadence` takes the tier's.",
    ),
    retrieve=extend_schema(summary="A vendor"),
    update=extend_schema(summary="Replace a vendor"),
    partial_update=extend_schema(summary="Change a vendor"),
    destroy=extend_schema(
        summary="Delete a vendor without history",
        description="A vendor with goals, reviews, meetings, incidents or clauses cannot be "
        "deleted (409): set its status to `ended` instead.",
    ),
)
class VendorViewSet(VendorScopedViewSet):
    """Vendors (the outsourcing relationships) with their derived health figures."""

    queryset = Vendor.objects.all()
    vendor_lookup = ""
    serializer_class = serializers.VendorSerializer
    filterset_class = filters.VendorFilter
    search_fields = ["name", "notes"]
    ordering_fields = [
        "name",
        "tier",
        "status",
        "contract_end",
        "next_review_date",
        "latest_score",
        "health_score",
        "created_at",
    ]
    ordering = ["name"]

    def get_queryset(self):
        # Without the selector's owner join: the API shows the owner's id, which the vendor
        # row holds, and building a user per row cost more than the rest of the query.
        return selectors.vendors_with_figures(super().get_queryset()).select_related(None)

    def check_may_assign(self, vendor):
        if not access.can_assign_vendor(self.request.user, vendor):
            raise PermissionDenied(
                "Only the vendor's owner or an administrator may hand it over or delete it."
            )

    def perform_update(self, serializer):
        owner = serializer.validated_data.get("owner")
        if owner is not None and owner.pk != serializer.instance.owner_id:
            self.check_may_assign(serializer.instance)
        super().perform_update(serializer)

    def perform_destroy(self, instance):
        self.check_may_assign(instance)
        try:
            services.vendor_delete(instance)
        except ValidationError as error:
            raise Conflict(" ".join(error.messages)) from error

    @extend_schema(
        summary="A vendor's change history",
        description="Every change to the vendor and to the records that belong to it (contacts, "
        "goals and their check-ins, reviews with their scores and action items, meetings and "
        "agenda proposals, SLA targets, incidents, security clauses), deleted records "
        "included, newest first: who made it, when, and each field's value before and after. "
        "For administrators, managers and auditors.",
        parameters=[
            OpenApiParameter(
                "kind",
                str,
                enum=list(audit.KINDS),
                description="Only changes to this kind of record.",
            )
        ],
        responses=serializers.HistoryEntrySerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        permission_classes=[RolePermission, HistoryPermission],
    )
    def history(self, request, pk=None):
        vendor = self.get_object()
        query = serializers.HistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = audit.vendor_history(vendor, kind=query.validated_data.get("kind", ""))
        page = self.paginate_queryset(rows)
        data = serializers.HistoryEntrySerializer(audit.entries(page), many=True).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="The managers assigned to a vendor",
        description="Managers who change the vendor's records besides its owner.",
        responses=serializers.VendorManagersSerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def managers(self, request, pk=None):
        vendor = self.get_object()
        return Response(serializers.VendorManagersSerializer(vendor).data)

    @extend_schema(
        summary="Assign a vendor's managers",
        description="Replaces the managers assigned to the vendor (user ids of managers or "
        "administrators). Only the vendor's owner or an administrator may.",
        request=serializers.VendorManagersSerializer,
        responses=serializers.VendorManagersSerializer,
    )
    @managers.mapping.put
    def set_managers(self, request, pk=None):
        vendor = self.get_object()
        self.check_may_assign(vendor)
        serializer = serializers.VendorManagersSerializer(vendor, data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.vendor_managers_set(vendor, managers=serializer.validated_data["managers"])
        except ValidationError as error:
            raise DRFValidationError(error.message_dict) from error
        return Response(serializers.VendorManagersSerializer(vendor).data)

    @extend_schema(
        summary="A vendor's scorecard",
        description="The health figure and every part it is made of, derived from reviews, "
        "SLA incidents, goals and security clauses.",
        responses=serializers.ScorecardSerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def scorecard(self, request, pk=None):
        scorecard = selectors.vendor_scorecard(self.get_object())
        return Response(serializers.ScorecardSerializer(scorecard).data)


@extend_schema_view(
    list=extend_schema(summary="List vendor contacts"),
    create=extend_schema(
        summary="Add a contact",
        description="Marking a contact primary unmarks the vendor's previous primary contact.",
    ),
)
class ContactViewSet(VendorScopedViewSet):
    """The vendors' representatives."""

    queryset = Contact.objects.all()
    serializer_class = serializers.ContactSerializer
    filterset_class = filters.ContactFilter
    search_fields = ["name", "email", "role"]
    ordering_fields = ["name", "is_primary", "vendor"]
    ordering = ["-is_primary", "name"]


@extend_schema_view(
    list=extend_schema(summary="List shared goals"),
    create=extend_schema(summary="Add a shared goal"),
)
class GoalViewSet(VendorScopedViewSet):
    """Goals agreed with a vendor, measured by a metric moving from baseline to target."""

    queryset = Goal.objects.all()
    serializer_class = serializers.GoalSerializer
    filterset_class = filters.GoalFilter
    search_fields = ["title", "metric", "description"]
    ordering_fields = ["due_date", "start_date", "title", "status", "vendor"]
    ordering = ["due_date"]


@extend_schema_view(
    list=extend_schema(summary="A goal's check-ins, latest first"),
    create=extend_schema(
        summary="Record progress on a goal",
        description="The goal's `current_value` becomes that of its latest check-in.",
    ),
)
class GoalCheckInViewSet(
    GovernanceAPIMixin,
    VendorScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Dated progress values of a goal."""

    queryset = GoalCheckIn.objects.all()
    vendor_lookup = "goal__vendor"
    serializer_class = serializers.CheckInSerializer
    filterset_class = filters.CheckInFilter
    search_fields = ["note"]
    ordering_fields = ["date", "value"]
    ordering = ["-date", "-id"]

    @cached_property
    def goal(self):
        """The goal in the URL; 404 when it does not exist or its vendor is not visible."""
        goals = scoped_to(Goal.objects.all(), "vendor", visible_vendors(self.request))
        return get_object_or_404(goals, pk=self.kwargs["goal_id"])

    def get_queryset(self):
        return super().get_queryset().filter(goal=self.goal)

    def perform_create(self, serializer):
        self.check_vendor_editable(self.goal.vendor_id)
        serializer.save(goal=self.goal, author=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="List performance reviews"),
    create=extend_schema(
        summary="Schedule or record a review",
        description="`scores` and `action_items` are written with the review, all or nothing.",
    ),
    update=extend_schema(description="Given `scores` / `action_items` replace the old ones."),
    partial_update=extend_schema(
        description="Given `scores` / `action_items` replace the old ones; omitted ones stay."
    ),
)
class ReviewViewSet(VendorScopedViewSet):
    """Periodic performance reviews with their criterion scores and action items."""

    queryset = Review.objects.prefetch_related("scores", "action_items")
    serializer_class = serializers.ReviewSerializer
    filterset_class = filters.ReviewFilter
    search_fields = ["vendor__name", "summary"]
    ordering_fields = ["scheduled_for", "period_start", "overall_score", "status", "vendor"]
    ordering = ["-scheduled_for"]

    @extend_schema(
        summary="Complete a review",
        description="Completes the review and schedules the next one, one cadence after this "
        "one's scheduled date (today if that has passed), covering the following period.",
        request=None,
        responses={
            200: serializers.ReviewCompletionSerializer,
            400: OpenApiResponse(description="The review is already completed or cancelled."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def complete(self, request, pk=None):
        review = self.get_object()
        next_review = services.review_complete(review)
        body = {"review": self.refetch(review), "next_review": self.refetch(next_review)}
        context = self.get_serializer_context()
        return Response(serializers.ReviewCompletionSerializer(body, context=context).data)


@extend_schema_view(
    list=extend_schema(summary="List meetings"),
    create=extend_schema(summary="Schedule a meeting"),
)
class MeetingViewSet(VendorScopedViewSet):
    """Meetings with a vendor, possibly recurring (RFC 5545 RRULE)."""

    queryset = Meeting.objects.prefetch_related("attendees", "contacts")
    serializer_class = serializers.MeetingSerializer
    filterset_class = filters.MeetingFilter
    search_fields = ["title", "agenda"]
    ordering_fields = ["starts_at", "title", "kind", "vendor"]
    ordering = ["starts_at"]

    @extend_schema(
        summary="A meeting's occurrences in a range",
        description="The recurrence expanded in the meeting's time zone (a 09:00 meeting "
        "stays at 09:00 local time across DST changes); times are in UTC.",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter(
                "end",
                OpenApiTypes.DATETIME,
                required=True,
                description="After start, at most 366 days later.",
            ),
        ],
        responses={
            200: serializers.OccurrenceSerializer(many=True),
            400: OpenApiResponse(description="Missing, invalid or too wide a range."),
        },
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def occurrences(self, request, pk=None):
        meeting = self.get_object()
        query = serializers.OccurrenceRangeSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        occurrences = services.meeting_occurrences(meeting, **query.validated_data)
        page = self.paginate_queryset(occurrences)
        return self.get_paginated_response(serializers.OccurrenceSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="List SLA targets"),
    create=extend_schema(
        summary="Set a vendor's target for a priority",
        description="The due times of the vendor's incidents of that priority follow.",
    ),
)
class SLATargetViewSet(VendorScopedViewSet):
    """Response and resolution targets per vendor and priority."""

    queryset = SLATarget.objects.all()
    serializer_class = serializers.SLATargetSerializer
    filterset_class = filters.SLATargetFilter
    search_fields = ["vendor__name"]
    ordering_fields = ["vendor", "priority", "response_minutes", "resolution_minutes"]
    ordering = ["vendor", "priority"]

    def perform_destroy(self, instance):
        services.sla_target_delete(instance)


@extend_schema_view(
    list=extend_schema(summary="List SLA incidents"),
    create=extend_schema(
        summary="Report an incident (idempotent by vendor + external_id)",
        description="When an incident with this `vendor` and `external_id` exists, it is "
        "updated with the fields given and the answer is 200; otherwise it is created (201). "
        "Safe to retry, and two concurrent identical requests still make one incident.",
        responses={
            201: serializers.IncidentSerializer,
            200: serializers.IncidentSerializer,
        },
    ),
)
class IncidentViewSet(VendorScopedViewSet):
    """SLA incidents, with due times and breach flags derived from the SLA targets."""

    queryset = Incident.objects.all()
    serializer_class = serializers.IncidentSerializer
    filterset_class = filters.IncidentFilter
    search_fields = ["title", "external_id", "description"]
    ordering_fields = [
        "opened_at",
        "priority",
        "status",
        "response_due_at",
        "resolution_due_at",
        "vendor",
    ]
    ordering = ["-opened_at"]

    def get_queryset(self):
        return selectors.incidents_with_breach_flags(super().get_queryset())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        self.check_vendor_editable(fields["vendor"])
        incident, created = services.incident_upsert(
            vendor=fields.pop("vendor"), external_id=fields.pop("external_id", ""), **fields
        )
        body = self.get_serializer(self.refetch(incident)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(summary="List security clauses"),
    create=extend_schema(summary="Add a security clause"),
)
class ClauseViewSet(VendorScopedViewSet):
    """Security clauses of the vendors' contracts."""

    queryset = SecurityClause.objects.all()
    serializer_class = serializers.ClauseSerializer
    filterset_class = filters.ClauseFilter
    search_fields = ["requirement", "clause_type"]
    ordering_fields = ["expires_on", "next_verification_due", "clause_type", "status", "vendor"]
    ordering = ["vendor", "clause_type"]

    def perform_destroy(self, instance):
        services.clause_delete(instance)


@extend_schema_view(
    list=extend_schema(
        summary="List reminders",
        description="What the reminder engine has scheduled, sent or failed to send.",
    ),
    retrieve=extend_schema(summary="A reminder"),
)
class ReminderViewSet(GovernanceAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Reminders the reminder engine has scheduled, sent or failed to send (read-only)."""

    queryset = Reminder.objects.select_related("content_type")
    serializer_class = serializers.ReminderSerializer
    filterset_class = filters.ReminderFilter
    ordering_fields = ["created_at", "occurrence", "sent_at", "status"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return super().get_queryset().filter(reminder_visibility(self.request))


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
