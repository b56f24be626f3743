from django.urls import path

from core.params import register_id_converter
from editorial import views

register_id_converter()
app_name = "editorial"
urlpatterns = [
    path("", views.index, name="index"),
    path("articles/new/", views.edit, name="new"),
    path("articles/new/draft/discard/", views.discard_draft, name="discard-new-draft"),
    path("articles/<id:pk>/", views.edit, name="edit"),
    path("articles/<id:pk>/draft/discard/", views.discard_draft, name="discard-draft"),
    path("articles/<id:pk>/history/", views.history, name="history"),
    path("articles/<id:pk>/images/", views.article_images, name="images"),
    path("revisions/<id:pk>/restore/", views.restore, name="restore"),
    path("images/<id:pk>/", views.image_update, name="image-update"),
    path("images/<id:pk>/delete/", views.image_delete, name="image-delete"),
    path("preview/", views.preview, name="preview"),
    path("autosave/", views.autosave, name="autosave"),
]
