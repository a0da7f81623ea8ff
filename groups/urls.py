from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings.ics", views.meetings_ics, name="meetings_ics"),
    path("meetings.json", views.meetings_json, name="meetings_json"),
    path("meetings.csv", views.meetings_csv, name="meetings_csv"),
    path("meetings/<slug:slug>.ics", views.meeting_ics, name="meeting_ics"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting"),
    path("meetings/<slug:slug>/suggest/", views.suggest_change, name="suggest_change"),
    path("programs/<slug:slug>/", views.program, name="program"),
    path("suggest/", views.suggest_meeting, name="suggest_meeting"),
    path("suggest/thanks/", views.suggest_thanks, name="suggest_thanks"),
    path("choosing/", views.choosing, name="choosing"),
    path("health/", views.health, name="health"),
]
