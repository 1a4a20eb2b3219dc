from django.urls import path, re_path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.LiveArticleListView.as_view(), name="home"),
    re_path(r"^news/(?P<slug>[-\w]*)-(?P<pk>\d+)\.html$", views.article_detail, name="detail"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/rss/", feeds.LatestArticlesFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("preview/<str:token>/", views.preview_link, name="preview"),
]
