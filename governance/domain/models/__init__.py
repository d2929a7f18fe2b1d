"""The domain's models, one module per aggregate (Django finds them via ``governance.models``)."""

from governance.domain.models.actions import (
    ActionItem,
    ActionItemSource,
    ActionItemStatus,
)
from governance.domain.models.attention import AttentionDismissal
from governance.domain.models.clauses import (
    DEFAULT_REQUIRED_CLAUSES,
    ClauseType,
    RequiredClause,
    SecurityClause,
    SecurityClauseStatus,
)
from governance.domain.models.common import (
    Cadence,
    Service,
    TimeStamped,
    country_validator,
    currency_validator,
    time_zone_choices,
    validate_services,
    validate_time_zone,
)
from governance.domain.models.credits import (
    CreditPolicy,
    CreditStatement,
    CreditStatus,
    validate_bands,
    validate_per_breach,
)
from governance.domain.models.escalation import (
    EscalationContact,
    EscalationLevel,
    EscalationSide,
    EscalationTopic,
)
from governance.domain.models.figures import (
    CreditYearTotal,
    RowCount,
    VendorFigures,
)
from governance.domain.models.goals import (
    Goal,
    GoalCheckIn,
    GoalDirection,
    GoalStatus,
)
from governance.domain.models.imports import (
    IMPORT_MAX_BYTES,
    ImportJob,
    ImportKind,
    ImportStatus,
)
from governance.domain.models.inbox import (
    ActivityKind,
    VendorActivity,
)
from governance.domain.models.incidents import (
    Incident,
    IncidentStatus,
    Priority,
    SLATarget,
)
from governance.domain.models.meetings import (
    AgendaProposal,
    AgendaProposalStatus,
    Meeting,
    MeetingChannel,
    MeetingKind,
    validate_rrule,
)
from governance.domain.models.occurrences import (
    Decision,
    MeetingOccurrence,
    MinutesStatus,
    OccurrenceStatus,
)
from governance.domain.models.people import (
    ListScope,
    Role,
    UserProfile,
    Weekday,
    validate_lead_times,
    validate_muted_kinds,
)
from governance.domain.models.reminders import (
    MAX_SNOOZE_DAYS,
    SNOOZABLE_MODELS,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Snooze,
)
from governance.domain.models.reviews import (
    DisputeStatus,
    Review,
    ReviewScore,
    ReviewScoreCriterion,
    ReviewStatus,
)
from governance.domain.models.vendors import (
    Contact,
    Vendor,
    VendorStatus,
    VendorTier,
)
from governance.domain.models.webhooks import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEvent,
    WebhookEventType,
    WebhookSubscription,
    new_webhook_secret,
)

__all__ = [
    "DEFAULT_REQUIRED_CLAUSES",
    "IMPORT_MAX_BYTES",
    "MAX_SNOOZE_DAYS",
    "SNOOZABLE_MODELS",
    "ActionItem",
    "ActionItemSource",
    "ActionItemStatus",
    "ActivityKind",
    "AgendaProposal",
    "AgendaProposalStatus",
    "AttentionDismissal",
    "Cadence",
    "ClauseType",
    "Contact",
    "CreditPolicy",
    "CreditStatement",
    "CreditStatus",
    "CreditYearTotal",
    "Decision",
    "DisputeStatus",
    "EscalationContact",
    "EscalationLevel",
    "EscalationSide",
    "EscalationTopic",
    "Goal",
    "GoalCheckIn",
    "GoalDirection",
    "GoalStatus",
    "ImportJob",
    "ImportKind",
    "ImportStatus",
    "Incident",
    "IncidentStatus",
    "ListScope",
    "Meeting",
    "MeetingChannel",
    "MeetingKind",
    "MeetingOccurrence",
    "MinutesStatus",
    "OccurrenceStatus",
    "Priority",
    "Reminder",
    "ReminderKind",
    "ReminderStatus",
    "RequiredClause",
    "Review",
    "ReviewScore",
    "ReviewScoreCriterion",
    "ReviewStatus",
    "Role",
    "RowCount",
    "SLATarget",
    "SecurityClause",
    "SecurityClauseStatus",
    "Service",
    "Snooze",
    "TimeStamped",
    "UserProfile",
    "Vendor",
    "VendorActivity",
    "VendorFigures",
    "VendorStatus",
    "VendorTier",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookDeliveryStatus",
    "WebhookEvent",
    "WebhookEventType",
    "WebhookSubscription",
    "Weekday",
    "country_validator",
    "currency_validator",
    "new_webhook_secret",
    "time_zone_choices",
    "validate_bands",
    "validate_lead_times",
    "validate_muted_kinds",
    "validate_per_breach",
    "validate_rrule",
    "validate_services",
    "validate_time_zone",
]
