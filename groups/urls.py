from django.urls import path

from groups.views import exports, pages, suggestions

app_name = "groups"

urlpatterns = [
    path("", pages.home, name="home"),
    path("meetings/", pages.meeting_list, name="meeting_list"),
    path("meetings.ics", exports.meetings_ics, name="meetings_ics"),
    path("meetings.json", exports.meetings_json, name="meetings_json"),
    path("meetings.csv", exports.meetings_csv, name="meetings_csv"),
    path("meetings/<slug:slug>.ics", exports.meeting_ics, name="meeting_ics"),
    path("meetings/<slug:slug>/", pages.meeting_detail, name="meeting"),
    path("meetings/<slug:slug>/suggest/", suggestions.suggest_change, name="suggest_change"),
    path("places.json", pages.place_suggestions, name="place_suggestions"),
    path("manifest.webmanifest", pages.manifest, name="manifest"),
    path("programs/<slug:slug>/", pages.program, name="program"),
    path("groups/<slug:slug>/", pages.group, name="group"),
    path("locations/<int:pk>/", pages.location, name="location"),
    path("suggest/", suggestions.suggest_meeting, name="suggest_meeting"),
    path("suggest/thanks/", suggestions.suggest_thanks, name="suggest_thanks"),
    path("choosing/", pages.choosing, name="choosing"),
    path("health/", pages.health, name="health"),
]
