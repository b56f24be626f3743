from django.urls import path

from core.params import register_id_converter
from discussion import api, feeds, views

app_name = "discussion"
register_id_converter()  # <id:pk>: a row id, else 404
urlpatterns = [
    path("articles/<str:slug>/comments/", views.post_comment, name="post"),
    path("articles/<str:slug>/comments/preview/", views.preview, name="preview"),
    path("articles/<str:slug>/thread/", views.thread_fragment, name="thread"),
    path("comments/<id:pk>/", views.comment_actions, name="actions"),
    path("comments/<id:pk>/reply/", views.reply, name="reply"),
    path("comments/<id:pk>/edit/", views.edit, name="edit"),
    path("comments/<id:pk>/delete/", views.delete, name="delete"),
    path("comments/<id:pk>/vote/", views.vote, name="vote"),
    path("api/v1/articles/<str:slug>/comments/", api.comments, name="api-comments"),
    path("articles/<str:slug>/comments/feed/", feeds.ArticleCommentsFeed(), name="article-feed"),
    path("members/<str:login>/comments/feed/", feeds.MemberCommentsFeed(), name="member-feed"),
    path("comments/feed/", feeds.LatestCommentsFeed(), name="feed"),
]
