"""The vendor portal's paths, mounted at /portal/."""

from django.urls import path

from governance.web.portal import views
from governance.web.routes import record_paths

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    *record_paths("goal", index=views.goal_list, detail=views.goal_detail),
    *record_paths("review", index=views.review_list, detail=views.review_detail),
    *record_paths("meeting", index=views.meeting_list, detail=views.meeting_detail),
    path(
        "meetings/<int:meeting_pk>/minutes/<int:occurrence_pk>/",
        views.minutes_sign_off,
        name="minutes-sign-off",
    ),
    path("incidents/new/", views.incident_report, name="incident-report"),
    *record_paths(
        "incident",
        index=views.incident_list,
        detail=views.incident_detail,
        actions={"acknowledge": views.incident_acknowledge, "resolve": views.incident_resolve},
    ),
    *record_paths("credit", index=views.credit_list),
    path("escalation/", views.escalation, name="escalation"),
    *record_paths(
        "action-item", index=views.action_item_list, actions={"status": views.action_item_status}
    ),
]
