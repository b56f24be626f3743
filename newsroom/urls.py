from django.urls import path

from newsroom import api, sitemaps, views

app_name = "newsroom"
urlpatterns = [
    path("", views.front, name="front"),
    path("feed/", views.LatestFeed(), name="feed"),
    path("section/<str:slug>/", views.section, name="section"),
    path("section/<str:slug>/feed/", views.SectionFeed(), name="section-feed"),
    path("tag/<str:slug>/", views.tag, name="tag"),
    path("author/<str:slug>/", views.author, name="author"),
    path("articles/<str:slug>/", views.article, name="article"),
    path("api/v1/articles/", api.articles, name="api-articles"),
    path("api/v1/articles/<str:slug>/", api.article, name="api-article"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-news.xml", sitemaps.news, name="sitemap-news"),  # before the sections' pattern
    path("sitemap-<str:section>.xml", sitemaps.part, name="sitemap-section"),
]
