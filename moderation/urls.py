from django.urls import path

from core.params import register_id_converter
from moderation import views

app_name = "moderation"
register_id_converter()  # <id:pk>: a row id, else 404
urlpatterns = [
    path("", views.queue, name="queue"),
    path("log/", views.log, name="log"),
    path("search/", views.search, name="search"),
    path("comments/<id:pk>/", views.act, name="act"),
    path("comments/<id:pk>/history/", views.history, name="history"),
    path("bulk/", views.bulk, name="bulk"),
    path("members/<id:pk>/ban/", views.ban_member, name="ban"),
    path("bans/<id:pk>/lift/", views.lift_ban, name="lift-ban"),
    path("cases/<id:pk>/", views.case, name="case"),
]
