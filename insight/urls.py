from django.urls import path

from insight import views

app_name = "insight"
urlpatterns = [
    path("", views.site, name="site"),
    path("articles/<str:slug>/", views.article, name="article"),
]
