"""The web UI's paths (the API is mounted separately under /api/)."""

from django.urls import include, path

from governance.infra import healthz as views
from governance.web.routes import record_paths
from governance.web.views import (
    account,
    actions,
    calendar,
    clauses,
    contacts,
    credits,
    dashboard,
    escalation,
    goals,
    history,
    imports,
    inbox,
    incidents,
    meetings,
    occurrences,
    portfolio,
    reminders,
    reviews,
    snoozes,
    vendors,
    webhooks,
)

app_name = "governance"

vendor_patterns = [
    path("", vendors.vendor_detail, name="vendor-detail"),
    path("edit/", vendors.vendor_form, name="vendor-edit"),
    path("delete/", vendors.vendor_delete, name="vendor-delete"),
    path("scorecard/", vendors.vendor_scorecard, name="vendor-scorecard"),
    path("history/", history.vendor_history, name="vendor-history"),
    *record_paths(
        "goal", index=goals.goal_list, form=goals.GoalFormView.as_view(), detail=goals.goal_detail
    ),
    *record_paths(
        "review",
        index=reviews.review_list,
        form=reviews.ReviewFormView.as_view(),
        detail=reviews.review_detail,
        actions={
            "complete": reviews.review_complete,
            "answer-dispute": reviews.review_answer_dispute,
        },
    ),
    *record_paths(
        "meeting",
        index=meetings.meeting_list,
        form=meetings.MeetingFormView.as_view(),
        detail=meetings.meeting_detail,
        actions={"ics": meetings.meeting_download},
    ),
    path(
        "meetings/<int:meeting_pk>/occurrences/<str:instance>/",
        occurrences.occurrence_detail,
        name="occurrence-detail",
    ),
    path(
        "meetings/<int:meeting_pk>/occurrences/<str:instance>/<str:verb>/",
        occurrences.occurrence_action,
        name="occurrence-action",
    ),
    path(
        "meetings/<int:meeting_pk>/proposals/<int:proposal_pk>/decide/",
        meetings.proposal_decide,
        name="proposal-decide",
    ),
    *record_paths(
        "incident",
        index=incidents.incident_list,
        form=incidents.IncidentFormView.as_view(),
        detail=incidents.incident_detail,
        actions={
            "acknowledge": incidents.incident_acknowledge,
            "resolve": incidents.incident_resolve,
            "close": incidents.incident_close,
        },
    ),
    *record_paths("sla-target", form=incidents.SLATargetFormView.as_view()),
    *record_paths(
        "clause",
        index=clauses.clause_list,
        form=clauses.ClauseFormView.as_view(),
        actions={"verify": clauses.clause_verify, "evidence": clauses.clause_evidence},
    ),
    *record_paths("contact", index=contacts.contact_list, form=contacts.ContactFormView.as_view()),
    path("reminders/", reminders.reminder_list, name="reminder-list"),
    path("escalation/", escalation.escalation_edit, name="escalation-edit"),
    path(
        "escalation/<int:escalation_pk>/delete/",
        escalation.escalation_delete,
        name="escalation-delete",
    ),
    path("credits/", credits.credit_list, name="credit-list"),
    path("credits/compute/", credits.credit_compute, name="credit-compute"),
    path("credits/policy/", credits.CreditPolicyFormView.as_view(), name="credit-policy-edit"),
    path(
        "credits/<int:credit_statement_pk>/status/",
        credits.CreditStatusFormView.as_view(),
        name="credit-statement-edit",
    ),
]

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("attention/", dashboard.attention_list, name="attention-list"),
    path("attention/set-aside/", dashboard.attention_set_aside, name="attention-set-aside"),
    path("attention/bring-back/", dashboard.attention_bring_back, name="attention-bring-back"),
    path("vendors/", vendors.vendor_list, name="vendor-list"),
    path("vendors/new/", vendors.vendor_form, name="vendor-create"),
    path("vendors/<int:pk>/", include(vendor_patterns)),
    path("imports/", include(imports.urlpatterns)),
    path("webhooks/", include(webhooks.urlpatterns)),
    path("action-items/", actions.action_item_list, name="action-item-list"),
    path("action-items/new/", actions.action_item_create, name="action-item-create"),
    path(
        "action-items/<int:action_item_pk>/status/",
        actions.action_item_status,
        name="action-item-status",
    ),
    # The portfolio-wide lists and the clause-gap matrix (issue 17).
    path("incidents/", portfolio.incident_list, name="portfolio-incidents"),
    path("reviews/", portfolio.review_list, name="portfolio-reviews"),
    path("clauses/", portfolio.clause_list, name="portfolio-clauses"),
    path("clauses/gaps/", portfolio.clause_gaps, name="clause-gaps"),
    path("goals/", portfolio.goal_list, name="portfolio-goals"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read/", inbox.inbox_mark_read, name="inbox-read"),
    path("inbox/read-all/", inbox.inbox_mark_all_read, name="inbox-read-all"),
    path("snooze/", snoozes.snooze, name="snooze"),
    path("account/snoozes/", snoozes.snooze_list, name="snooze-list"),
    path("account/snoozes/<int:snooze_pk>/end/", snoozes.snooze_end, name="snooze-end"),
    path("account/preferences/", account.preferences, name="preferences"),
    path(
        "account/preferences/calendar-token/",
        account.regenerate_calendar_token,
        name="calendar-token-regenerate",
    ),
    path("calendar/<str:token>.ics", calendar.user_feed, name="user-feed"),
    path("calendar/<str:token>/vendors/<int:pk>.ics", calendar.vendor_feed, name="vendor-feed"),
    path("portal/", include("governance.web.portal.urls")),
    path("healthz", views.healthz, name="healthz"),
]
