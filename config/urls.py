from django.contrib import admin
from django.urls import include, path

from config import openapi

urlpatterns = [
    path("", include("newsroom.urls")),
    path("", include("discussion.urls")),
    path("", include("accounts.urls")),
    path("moderation/", include("moderation.urls")),
    path("", include("live.urls")),
    path("api/v1/openapi.json", openapi.document, name="openapi"),
    path("admin/", admin.site.urls),
]

handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
