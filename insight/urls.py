from django.urls import path

from insight import views

app_name = "insight"
urlpatterns = [
    path("", views.site, name="site"),
    path("charts/<str:name>.svg", views.site_chart, name="site-chart"),
    path("articles/<str:slug>/", views.article, name="article"),
    path("articles/<str:slug>/charts/<str:name>.svg", views.article_chart, name="article-chart"),
]
