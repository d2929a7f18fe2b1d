"""REST API v1 viewsets, one module per aggregate: declarative lists, writes through one
service each, reads through selectors. This package re-exports them for the URLconf."""

from .actions import ActionItemViewSet
from .auth import (
    DocsView,
    TokenObtainView,
    TokenRevokeAllView,
    TokenRevokeView,
    UserViewSet,
    not_found,
)
from .clauses import ClauseViewSet, RequiredClauseViewSet
from .credits import CreditPolicyViewSet, CreditStatementViewSet, VendorSLAComplianceView
from .escalation import EscalationContactViewSet
from .goals import GoalCheckInViewSet, GoalViewSet
from .inbox import AgendaProposalViewSet, InboxViewSet
from .incidents import IncidentViewSet, SLATargetViewSet
from .meetings import MeetingViewSet
from .occurrences import DecisionViewSet, MeetingOccurrenceViewSet
from .reminders import ReminderViewSet
from .reviews import ReviewViewSet
from .snoozes import SnoozeViewSet
from .vendors import ContactViewSet, VendorViewSet

__all__ = [
    "ActionItemViewSet",
    "AgendaProposalViewSet",
    "ClauseViewSet",
    "ContactViewSet",
    "CreditPolicyViewSet",
    "CreditStatementViewSet",
    "DecisionViewSet",
    "DocsView",
    "EscalationContactViewSet",
    "GoalCheckInViewSet",
    "GoalViewSet",
    "InboxViewSet",
    "IncidentViewSet",
    "MeetingOccurrenceViewSet",
    "MeetingViewSet",
    "ReminderViewSet",
    "RequiredClauseViewSet",
    "ReviewViewSet",
    "SLATargetViewSet",
    "SnoozeViewSet",
    "TokenObtainView",
    "TokenRevokeAllView",
    "TokenRevokeView",
    "UserViewSet",
    "VendorSLAComplianceView",
    "VendorViewSet",
    "not_found",
]
