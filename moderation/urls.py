from django.urls import path

from moderation import views

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("log/", views.log, name="log"),
    path("comments/<int:pk>/", views.act, name="act"),
    path("bulk/", views.bulk, name="bulk"),
    path("members/<int:pk>/ban/", views.ban_member, name="ban"),
    path("bans/<int:pk>/lift/", views.lift_ban, name="lift-ban"),
    path("cases/<int:pk>/", views.case, name="case"),
]
