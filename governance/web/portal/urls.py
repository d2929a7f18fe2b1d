"""The vendor portal's paths, mounted at /portal/."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("goals/", views.goal_list, name="goal-list"),
    path("goals/<int:goal_pk>/", views.goal_detail, name="goal-detail"),
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/<int:review_pk>/", views.review_detail, name="review-detail"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/<int:meeting_pk>/", views.meeting_detail, name="meeting-detail"),
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/<int:incident_pk>/", views.incident_detail, name="incident-detail"),
    path(
        "incidents/<int:incident_pk>/acknowledge/",
        views.incident_acknowledge,
        name="incident-acknowledge",
    ),
    path("incidents/<int:incident_pk>/resolve/", views.incident_resolve, name="incident-resolve"),
    path("action-items/", views.action_item_list, name="action-item-list"),
    path(
        "action-items/<int:item_pk>/status/",
        views.action_item_status,
        name="action-item-status",
    ),
]
