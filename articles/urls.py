from django.urls import path, re_path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    re_path(r"^news/(?P<slug>[-\w]*)-(?P<pk>\d+)\.html$", views.article_detail, name="detail"),
    re_path(r"^-(?P<pk>\d+)$", views.short_link, name="short"),
    path("share/mastodon/", views.share_mastodon, name="share-mastodon"),
    path("section/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/rss/", feeds.LatestArticlesFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.LatestArticlesFeed(atom=True), name="feed-atom"),
    path("feeds/section/<slug:slug>/rss/", feeds.SectionFeed(), name="feed-section-rss"),
    path(
        "feeds/section/<slug:slug>/atom/", feeds.SectionFeed(atom=True), name="feed-section-atom"
    ),
    path("feeds/tag/<slug:slug>/rss/", feeds.TagFeed(), name="feed-tag-rss"),
    path("feeds/tag/<slug:slug>/atom/", feeds.TagFeed(atom=True), name="feed-tag-atom"),
    path("feeds/author/<slug:slug>/rss/", feeds.AuthorFeed(), name="feed-author-rss"),
    path("feeds/author/<slug:slug>/atom/", feeds.AuthorFeed(atom=True), name="feed-author-atom"),
    path("preview/<str:token>/", views.preview_link, name="preview"),
    re_path(
        r"^media/r/(?P<image_id>\d+)/(?P<spec>[a-z0-9]+-\d+)-(?P<token>[0-9a-f]{10})"
        r"\.(?P<ext>avif|webp|jpg|png)$",
        views.rendition,
        name="rendition",
    ),
]
