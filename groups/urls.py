from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("", views.home, name="home"),
    path("programs/<slug:slug>/", views.program, name="program"),
    path("health/", views.health, name="health"),
]
