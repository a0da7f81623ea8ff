from django.contrib import admin
from django.urls import include, path

from groups.admin.imports import import_meetings_view

urlpatterns = [
    # Before admin/, which would otherwise answer for this path.
    path("admin/groups/import/", import_meetings_view, name="import_meetings"),
    path("admin/", admin.site.urls),
    path("", include("groups.urls")),
]
