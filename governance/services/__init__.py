"""Every use case a person or a system can perform: one function each, called alike by the web UI,
the portal, the API, the admin, the tasks and the commands.

Each function is keyword-only after its subject, validates through ``full_clean()`` (the rules
live in ``governance.domain``) and runs in a transaction, so a rejected write changes nothing.
One module per aggregate; this package re-exports them: ``services.vendor_create(...)``.

Every service that changes data is a ``use_case`` (``services.saving``): one transaction, and
the derived figures of each vendor it touched refreshed once, at its end (``services.figures``).
"""

from governance.services.actions import (
    ACTION_ITEM_FIELDS,
    action_item_save,
    action_item_status_set,
)
from governance.services.clauses import (
    clause_delete,
    clause_save,
    clause_verify,
    required_clause_save,
)
from governance.services.credits import (
    credit_policy_save,
    credit_statement_compute,
    credit_statement_status_set,
)
from governance.services.escalation import (
    ESCALATION_FIELDS,
    escalation_contact_save,
)
from governance.services.goals import (
    GOAL_FIELDS,
    goal_check_in_add,
    goal_check_in_delete,
    goal_check_in_save,
    goal_measures,
    goal_refresh_current_value,
    goal_save,
    goals_missed_refresh,
)
from governance.services.inbox import (
    activities_mark_read,
    activity_mark_read,
    activity_record,
    inbox_mark_all_read,
    review_dispute_answer,
)
from governance.services.incidents import (
    incident_acknowledge,
    incident_due_times,
    incident_resolve,
    incident_save,
    incident_upsert,
    sla_target_delete,
    sla_target_save,
)
from governance.services.meetings import (
    MEETING_FIELDS,
    agenda_proposal_decide,
    agenda_propose,
    meeting_save,
)
from governance.services.occurrences import (
    OCCURRENCE_FIELDS,
    decision_add,
    minutes_share,
    minutes_sign_off,
    occurrence_cancel,
    occurrence_move,
    occurrence_of,
    occurrence_record,
    occurrence_restore,
    occurrence_save,
)
from governance.services.people import (
    NEW_USER_ROLES,
    PROFILE_FIELDS,
    check_new_user_role,
    profile_create,
    profile_for,
    profile_regenerate_calendar_token,
    profile_role_set,
    profile_update,
    user_role_set,
)
from governance.services.reviews import (
    RowErrors,
    review_acknowledge,
    review_complete,
    review_completion,
    review_refresh_overall_score,
    review_save,
    review_save_and_complete,
    review_save_to_complete,
    review_score_delete,
    review_score_save,
)
from governance.services.saving import (
    CONFLICT_MESSAGE,
    Conflict,
    assign_fields,
    record_delete,
    validated_save,
)
from governance.services.snoozes import snooze_end, snooze_set
from governance.services.vendors import (
    VENDOR_FIELDS,
    contact_save,
    vendor_check_deletable,
    vendor_create,
    vendor_delete,
    vendor_history_counts,
    vendor_managers_set,
    vendor_update,
)

__all__ = [
    "ACTION_ITEM_FIELDS",
    "CONFLICT_MESSAGE",
    "ESCALATION_FIELDS",
    "GOAL_FIELDS",
    "MEETING_FIELDS",
    "NEW_USER_ROLES",
    "OCCURRENCE_FIELDS",
    "PROFILE_FIELDS",
    "VENDOR_FIELDS",
    "Conflict",
    "RowErrors",
    "action_item_save",
    "action_item_status_set",
    "activities_mark_read",
    "activity_mark_read",
    "activity_record",
    "agenda_proposal_decide",
    "agenda_propose",
    "assign_fields",
    "check_new_user_role",
    "clause_delete",
    "clause_save",
    "clause_verify",
    "contact_save",
    "credit_policy_save",
    "credit_statement_compute",
    "credit_statement_status_set",
    "decision_add",
    "escalation_contact_save",
    "goal_check_in_add",
    "goal_check_in_delete",
    "goal_check_in_save",
    "goal_measures",
    "goal_refresh_current_value",
    "goal_save",
    "goals_missed_refresh",
    "inbox_mark_all_read",
    "incident_acknowledge",
    "incident_due_times",
    "incident_resolve",
    "incident_save",
    "incident_upsert",
    "meeting_save",
    "minutes_share",
    "minutes_sign_off",
    "occurrence_cancel",
    "occurrence_move",
    "occurrence_of",
    "occurrence_record",
    "occurrence_restore",
    "occurrence_save",
    "profile_create",
    "profile_for",
    "profile_regenerate_calendar_token",
    "profile_role_set",
    "profile_update",
    "record_delete",
    "required_clause_save",
    "review_acknowledge",
    "review_complete",
    "review_completion",
    "review_dispute_answer",
    "review_refresh_overall_score",
    "review_save",
    "review_save_and_complete",
    "review_save_to_complete",
    "review_score_delete",
    "review_score_save",
    "sla_target_delete",
    "sla_target_save",
    "snooze_end",
    "snooze_set",
    "user_role_set",
    "validated_save",
    "vendor_check_deletable",
    "vendor_create",
    "vendor_delete",
    "vendor_history_counts",
    "vendor_managers_set",
    "vendor_update",
]
