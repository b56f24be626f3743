from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import signin
from config import openapi
from core.params import register_id_converter
from editorial import views as editorial_views
from moderation import views as moderation_views
from newsroom import sitemaps

register_id_converter()  # <id:pk>: a row id, else 404
urlpatterns = [
    path("robots.txt", sitemaps.robots, name="robots"),
    path("", include("search.urls")),
    path("", include("newsroom.urls")),
    path("", include("discussion.urls")),
    path("", include("accounts.urls")),
    path("", include("curation.urls")),
    path("auth/", include("social.urls")),  # signing in with other accounts (allauth's social part)
    path("moderation/", include("moderation.urls")),
    path("insight/", include("insight.urls")),  # editors' insight pages
    path("comments/<id:pk>/report/", moderation_views.report, name="report"),
    path("rules/", moderation_views.rules, name="moderation-rules"),
    path("", include("live.urls")),
    path("", include("notify.urls")),
    path("", include("ops.urls")),  # /healthz, /readyz, /metrics
    path("api/v1/openapi.json", openapi.document, name="openapi"),
    path("editorial/", include("editorial.urls")),
    # Uploaded images, when no proxy or bucket serves MEDIA_URL (VECHE_SERVE_MEDIA).
    path("media/<path:path>", editorial_views.media, name="media"),
    # The admin's sign-in is Veche's, with its limits and lock (found before the admin's own).
    path("admin/login/", signin.admin_sign_in, name="admin-signin"),
    # So is the password change: the admin's own checks the old password with no limit.
    path("admin/password_change/", RedirectView.as_view(pattern_name="accounts:password-change"),
         name="admin-password-change"),
    path("admin/", admin.site.urls),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.forbidden"
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
