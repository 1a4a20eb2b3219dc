from datetime import timedelta
from urllib.parse import urljoin

from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from .models import Article, Author, Section

NEWS_WINDOW = timedelta(hours=48)


class ArticleSitemap(Sitemap):
    changefreq = "hourly"
    limit = 5000

    def items(self):
        return (
            Article.objects.live()
            .order_by("-published_at", "-id")
            .only("id", "slug", "published_at", "updated_at")
        )

    def lastmod(self, item):
        # A scheduled article was last saved before it went live.
        return max(item.published_at, item.updated_at)


def latest_change(articles):
    """The newest change among `articles`, as a subquery for one row per outer object."""
    return Subquery(
        articles.annotate(changed=Greatest("published_at", "updated_at"))
        .order_by("-changed")
        .values("changed")[:1]
    )


class ListPageSitemap(Sitemap):
    """Pages listing live articles, those without any left out; lastmod is their newest."""

    changefreq = "hourly"
    model = None
    articles_lookup = None

    def items(self):
        live = Article.objects.live().filter(**{self.articles_lookup: OuterRef("pk")})
        return (
            self.model.objects.annotate(lastmod=latest_change(live))
            .filter(lastmod__isnull=False)
            .order_by("slug")
        )

    def lastmod(self, item):
        return item.lastmod


class SectionSitemap(ListPageSitemap):
    model = Section
    articles_lookup = "section"


class TagSitemap(ListPageSitemap):
    # A tag only drafts or embargoed articles carry stays out: it could name their subject.
    model = Tag
    articles_lookup = "tags"

    def location(self, item):
        return reverse("articles:tag", kwargs={"slug": item.slug})


class AuthorSitemap(ListPageSitemap):
    model = Author
    articles_lookup = "authors"


class NewsSitemap(Sitemap):
    """Google News: live articles published in the last 48 hours, at most 1,000."""

    limit = 1000

    def __init__(self, now=None):
        self.now = now

    def items(self):
        now = self.now or timezone.now()
        return (
            Article.objects.live(now)
            .filter(published_at__gte=now - NEWS_WINDOW)
            .select_related("lead_image")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item):
        return max(item.published_at, item.updated_at)

    def get_urls(self, page=1, site=None, protocol=None):
        """Add what the news template writes: publication time and lead image address."""
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        root = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        newsroom_zone = timezone.get_default_timezone()
        for url in urls:
            article = url["item"]
            published = timezone.localtime(article.published_at, newsroom_zone)
            url["publication_date"] = published.isoformat(timespec="seconds")
            changed = timezone.localtime(url["lastmod"], newsroom_zone)
            url["modified"] = changed.isoformat(timespec="seconds")
            image = article.lead_image
            url["image_url"] = urljoin(root, image.file.url) if image and image.file else ""
        return urls
