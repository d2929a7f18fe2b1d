"""The API's representations, one module per aggregate; this package re-exports them.

They map fields and errors only: the rules are the domain's (see ``base``).
"""

from .actions import ActionItemRecordSerializer
from .auth import TokenObtainSerializer, TokenSerializer, TokensRevokedSerializer, UserSerializer
from .clauses import ClauseSerializer, RequiredClauseSerializer
from .credits import (
    CreditComputeSerializer,
    CreditPolicySerializer,
    CreditStatementSerializer,
    PeriodSerializer,
    SLAComplianceSerializer,
)
from .escalation import EscalationContactSerializer
from .goals import CheckInSerializer, GoalSerializer
from .history import HistoryChangeSerializer, HistoryEntrySerializer, HistoryQuerySerializer
from .inbox import (
    ActivitiesReadSerializer,
    AgendaProposalAnswerSerializer,
    AgendaProposalSerializer,
    DisputeAnswerSerializer,
    VendorActivitySerializer,
)
from .incidents import IncidentSerializer, SLATargetSerializer
from .meetings import MeetingSerializer, OccurrenceRangeSerializer, OccurrenceSerializer
from .occurrences import DecisionSerializer, MeetingOccurrenceSerializer, OccurrenceMoveSerializer
from .reminders import ReminderSerializer
from .reviews import (
    ActionItemSerializer,
    ReviewCompletionSerializer,
    ReviewScoreSerializer,
    ReviewSerializer,
)
from .snoozes import SnoozeSerializer
from .vendors import (
    ContactSerializer,
    HealthPartsSerializer,
    ReviewHistoryEntrySerializer,
    ScorecardClausesSerializer,
    ScorecardGoalsSerializer,
    ScorecardSecuritySerializer,
    ScorecardSerializer,
    ScorecardSLASerializer,
    VendorManagersSerializer,
    VendorSerializer,
)

__all__ = [
    "ActionItemRecordSerializer",
    "ActionItemSerializer",
    "ActivitiesReadSerializer",
    "AgendaProposalAnswerSerializer",
    "AgendaProposalSerializer",
    "CheckInSerializer",
    "ClauseSerializer",
    "ContactSerializer",
    "CreditComputeSerializer",
    "CreditPolicySerializer",
    "CreditStatementSerializer",
    "DecisionSerializer",
    "DisputeAnswerSerializer",
    "EscalationContactSerializer",
    "GoalSerializer",
    "HealthPartsSerializer",
    "HistoryChangeSerializer",
    "HistoryEntrySerializer",
    "HistoryQuerySerializer",
    "IncidentSerializer",
    "MeetingOccurrenceSerializer",
    "MeetingSerializer",
    "OccurrenceMoveSerializer",
    "OccurrenceRangeSerializer",
    "OccurrenceSerializer",
    "PeriodSerializer",
    "ReminderSerializer",
    "RequiredClauseSerializer",
    "ReviewCompletionSerializer",
    "ReviewHistoryEntrySerializer",
    "ReviewScoreSerializer",
    "ReviewSerializer",
    "SLAComplianceSerializer",
    "SLATargetSerializer",
    "ScorecardClausesSerializer",
    "ScorecardGoalsSerializer",
    "ScorecardSLASerializer",
    "ScorecardSecuritySerializer",
    "ScorecardSerializer",
    "SnoozeSerializer",
    "TokenObtainSerializer",
    "TokenSerializer",
    "TokensRevokedSerializer",
    "UserSerializer",
    "VendorActivitySerializer",
    "VendorManagersSerializer",
    "VendorSerializer",
]
