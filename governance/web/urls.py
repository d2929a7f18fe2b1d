"""The web UI's paths (the API is mounted separately under /api/)."""

from django.urls import include, path

from governance.infra import healthz as views
from governance.web.views import (
    account,
    calendar,
    clauses,
    contacts,
    dashboard,
    goals,
    history,
    incidents,
    meetings,
    reminders,
    reviews,
    vendors,
)

app_name = "governance"

vendor_patterns = [
    path("", vendors.vendor_detail, name="vendor-detail"),
    path("edit/", vendors.vendor_edit, name="vendor-edit"),
    path("delete/", vendors.vendor_delete, name="vendor-delete"),
    path("scorecard/", vendors.vendor_scorecard, name="vendor-scorecard"),
    path("history/", history.vendor_history, name="vendor-history"),
    path("goals/", goals.goal_list, name="goal-list"),
    path("goals/new/", goals.goal_create, name="goal-create"),
    path("goals/<int:goal_pk>/", goals.goal_detail, name="goal-detail"),
    path("goals/<int:goal_pk>/edit/", goals.goal_edit, name="goal-edit"),
    path("reviews/", reviews.review_list, name="review-list"),
    path("reviews/new/", reviews.review_create, name="review-create"),
    path("reviews/<int:review_pk>/", reviews.review_detail, name="review-detail"),
    path("reviews/<int:review_pk>/edit/", reviews.review_edit, name="review-edit"),
    path("reviews/<int:review_pk>/complete/", reviews.review_complete, name="review-complete"),
    path("meetings/", meetings.meeting_list, name="meeting-list"),
    path("meetings/new/", meetings.meeting_create, name="meeting-create"),
    path("meetings/<int:meeting_pk>/", meetings.meeting_detail, name="meeting-detail"),
    path("meetings/<int:meeting_pk>/edit/", meetings.meeting_edit, name="meeting-edit"),
    path("meetings/<int:meeting_pk>/ics/", meetings.meeting_download, name="meeting-ics"),
    path(
        "meetings/<int:meeting_pk>/proposals/<int:proposal_pk>/decide/",
        meetings.proposal_decide,
        name="proposal-decide",
    ),
    path("incidents/", incidents.incident_list, name="incident-list"),
    path("incidents/new/", incidents.incident_create, name="incident-create"),
    path("incidents/<int:incident_pk>/edit/", incidents.incident_edit, name="incident-edit"),
    path(
        "incidents/<int:incident_pk>/acknowledge/",
        incidents.incident_acknowledge,
        name="incident-acknowledge",
    ),
    path(
        "incidents/<int:incident_pk>/resolve/",
        incidents.incident_resolve,
        name="incident-resolve",
    ),
    path("sla-targets/new/", incidents.sla_target_create, name="sla-target-create"),
    path("sla-targets/<int:target_pk>/edit/", incidents.sla_target_edit, name="sla-target-edit"),
    path("clauses/", clauses.clause_list, name="clause-list"),
    path("clauses/new/", clauses.clause_create, name="clause-create"),
    path("clauses/<int:clause_pk>/edit/", clauses.clause_edit, name="clause-edit"),
    path("clauses/<int:clause_pk>/verify/", clauses.clause_verify, name="clause-verify"),
    path("clauses/<int:clause_pk>/evidence/", clauses.clause_evidence, name="clause-evidence"),
    path("contacts/", contacts.contact_list, name="contact-list"),
    path("contacts/new/", contacts.contact_create, name="contact-create"),
    path("contacts/<int:contact_pk>/edit/", contacts.contact_edit, name="contact-edit"),
    path("reminders/", reminders.reminder_list, name="reminder-list"),
]

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("vendors/", vendors.vendor_list, name="vendor-list"),
    path("vendors/new/", vendors.vendor_create, name="vendor-create"),
    path("vendors/<int:pk>/", include(vendor_patterns)),
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
