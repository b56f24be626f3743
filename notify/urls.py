from django.urls import path
from django.views.decorators.cache import never_cache

from core.params import register_id_converter
from notify import views

register_id_converter()  # <id:article_id>: a row id, else 404

app_name = "notify"
urlpatterns = [
    path("notifications/", never_cache(views.page), name="page"),
    path("notifications/read/", never_cache(views.read), name="read"),
    path("notifications/unread.json", never_cache(views.unread_json), name="unread"),
    path("notifications/settings/", never_cache(views.preferences), name="preferences"),
    path("notifications/confirm/", never_cache(views.send_confirmation), name="send-confirmation"),
    path("notifications/confirm/<str:token>/", never_cache(views.confirm), name="confirm"),
    path("notifications/unsubscribe/<str:token>/", never_cache(views.unsubscribe), name="unsubscribe"),
    path("notifications/unfollow/<str:token>/", never_cache(views.unfollow_link), name="unfollow-link"),
    path("follow/<id:article_id>/", never_cache(views.follow), name="follow"),
    path("api/v1/logins/", never_cache(views.logins), name="logins"),
]
