"""The site's addresses: English at /..., and the same pages in Spanish at /es/...

Every address keeps working without a prefix (in English), so the feed, calendars and links
that other sites and apps hold stay as they are.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from groups.admin.imports import import_meetings_view

urlpatterns = i18n_patterns(
    # Before admin/, which would otherwise answer for this path.
    path("admin/groups/import/", import_meetings_view, name="import_meetings"),
    path("admin/", admin.site.urls),
    path("", include("groups.urls")),
    prefix_default_language=False,
)

handler404 = "groups.views.pages.not_found"
