"""REST API v1 under /api/v1/, its OpenAPI schema at /api/schema/ and docs at /api/docs/."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views
from .permissions import IsInternalUser
from .views.imports import ImportJobViewSet
from .views.webhooks import WebhookSubscriptionViewSet

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False
router.register("vendors", views.VendorViewSet, basename="vendor")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("goals", views.GoalViewSet, basename="goal")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register(
    "meeting-occurrences", views.MeetingOccurrenceViewSet, basename="meeting-occurrence"
)
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register("agenda-proposals", views.AgendaProposalViewSet, basename="agenda-proposal")
router.register("inbox", views.InboxViewSet, basename="inbox")
router.register("sla-targets", views.SLATargetViewSet, basename="sla-target")
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register("clauses", views.ClauseViewSet, basename="clause")
router.register("action-items", views.ActionItemViewSet, basename="action-item")
router.register("credit-policies", views.CreditPolicyViewSet, basename="credit-policy")
router.register("credit-statements", views.CreditStatementViewSet, basename="credit-statement")
router.register(
    "escalation-contacts", views.EscalationContactViewSet, basename="escalation-contact"
)
router.register("reminders", views.ReminderViewSet, basename="reminder")
router.register("required-clauses", views.RequiredClauseViewSet, basename="required-clause")
router.register("snoozes", views.SnoozeViewSet, basename="snooze")
router.register("imports", ImportJobViewSet, basename="import")
router.register("users", views.UserViewSet, basename="user")
router.register("webhooks", WebhookSubscriptionViewSet, basename="webhook")

check_ins = views.GoalCheckInViewSet.as_view({"get": "list", "post": "create"})

urlpatterns = [
    path("v1/auth/token/", views.TokenObtainView.as_view(), name="token"),
    path("v1/auth/logout/", views.TokenRevokeView.as_view(), name="logout"),
    path("v1/auth/logout-all/", views.TokenRevokeAllView.as_view(), name="logout-all"),
    path("v1/goals/<int:goal_id>/check-ins/", check_ins, name="goal-check-ins"),
    path(
        "v1/vendors/<int:pk>/sla-compliance/",
        views.VendorSLAComplianceView.as_view(),
        name="vendor-sla-compliance",
    ),
    path("v1/", include(router.urls)),
    # Internal users only, like every operation it describes.
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[IsInternalUser]),
        name="schema",
    ),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"", views.not_found),
]
