from django.urls import path

from live import views

app_name = "live"
urlpatterns = [
    path("articles/<str:slug>/events/", views.events, name="events"),
]
