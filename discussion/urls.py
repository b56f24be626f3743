from django.urls import path

from discussion import api, views

app_name = "discussion"
urlpatterns = [
    path("articles/<str:slug>/comments/", views.post_comment, name="post"),
    path("articles/<str:slug>/thread/", views.thread_fragment, name="thread"),
    path("comments/<int:pk>/reply/", views.reply, name="reply"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
    path("comments/<int:pk>/delete/", views.delete, name="delete"),
    path("comments/<int:pk>/vote/", views.vote, name="vote"),
    path("api/v1/articles/<str:slug>/comments/", api.comments, name="api-comments"),
]
