from django.urls import path

from core.params import register_id_converter
from curation import views

app_name = "curation"
register_id_converter()  # <id:pk>: a row id, else 404
urlpatterns = [
    path("comments/<id:pk>/pick/", views.curate, name="curate"),
    path("members/<str:login>/ignore/", views.ignore, name="ignore"),
    path("account/ignored/", views.ignored_list, name="ignored"),
]
