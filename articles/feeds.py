from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Article

FEED_SIZE = 30


class LatestArticlesFeed(Feed):
    link = reverse_lazy("articles:home")

    def title(self):
        return settings.NEWSROOM_NAME

    def description(self):
        return settings.NEWSROOM_NAME

    def items(self):
        return (
            Article.objects.live()
            .for_lists()
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return item.teaser

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.byline_authors()) or None

    def item_categories(self, item):
        return [item.section.name] if item.section else []


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description
