from django.contrib.sitemaps import Sitemap

from .models import Article


class ArticleSitemap(Sitemap):
    changefreq = "hourly"
    limit = 5000

    def items(self):
        return Article.objects.live().order_by("-published_at", "-id").only(
            "id", "slug", "updated_at"
        )

    def lastmod(self, item):
        return item.updated_at
