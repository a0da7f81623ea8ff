from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting"),
    path("programs/<slug:slug>/", views.program, name="program"),
    path("health/", views.health, name="health"),
]
