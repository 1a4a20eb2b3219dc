"""RSS 2.0 and Atom feeds with full content: site-wide and per section, tag and author."""

import copy
import mimetypes
from datetime import UTC

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from taggit.models import Tag

from .links import public_url
from .models import Article, Author, Section, attach_byline_authors

FEED_SIZE = 30

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_NS = "http://search.yahoo.com/mrss/"


def add_media_content(handler, image):
    """Media RSS for the lead image: its size in bytes is unknown without a file stat."""
    attributes = {"url": image["url"], "medium": "image"}
    if image["type"]:
        attributes["type"] = image["type"]
    if image["width"] and image["height"]:
        attributes |= {"width": str(image["width"]), "height": str(image["height"])}
    handler.startElement("media:content", attributes)
    handler.addQuickElement("media:description", image["alt_text"], {"type": "plain"})
    if image["credit"]:
        handler.addQuickElement("media:credit", image["credit"])
    handler.endElement("media:content")


class NewsRssFeed(Rss201rev2Feed):
    """RSS 2.0 with content:encoded, one dc:creator per author and the lead image."""

    def rss_attributes(self):
        return super().rss_attributes() | {
            "xmlns:content": CONTENT_NS,
            "xmlns:dc": DC_NS,
            "xmlns:media": MEDIA_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _url in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        handler.addQuickElement("dc:language", item["language"])
        handler.addQuickElement("content:encoded", item["content"])
        if item["image"]:
            add_media_content(handler, item["image"])


class NewsAtomFeed(Atom1Feed):
    """Atom with the body as content, every author, the entry's language and the lead image."""

    def root_attributes(self):
        return super().root_attributes() | {"xmlns:media": MEDIA_NS}

    def item_attributes(self, item):
        return {"xml:lang": item["language"]}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, url in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", url)
            handler.endElement("author")
        handler.addQuickElement("content", item["content"], {"type": "html"})
        image = item["image"]
        if image:
            # Atom makes an enclosure's length optional, so no file stat is needed.
            attributes = {"rel": "enclosure", "href": image["url"]}
            if image["type"]:
                attributes["type"] = image["type"]
            handler.addQuickElement("link", "", attributes)
            add_media_content(handler, image)


class ArticleFeed(Feed):
    """The newest live articles, narrowed by `filter_articles()`, with full content.

    Instances live in the URLconf and serve every request; each request works on its own
    copy, which knows the request and so can write absolute URLs from the item methods.
    """

    feed_type = NewsRssFeed

    def __init__(self, atom=False):
        if atom:
            self.feed_type = NewsAtomFeed

    def __call__(self, request, *args, **kwargs):
        feed = copy.copy(self)
        feed.request = request
        response = Feed.__call__(feed, request, *args, **kwargs)
        # The feed generator writes the XML in thousands of small pieces, and a WSGI server
        # sends each piece on its own: joined, a 200 KB feed went from ~200 to thousands of
        # responses a second from the page cache.
        response.content = response.content
        return response

    @property
    def language(self):
        # The site's language, not the reader's Accept-Language; items carry their own.
        return settings.LANGUAGE_CODE

    def title(self, obj):
        return f"{obj.name} – {settings.NEWSROOM_NAME}" if obj else settings.NEWSROOM_NAME

    def link(self, obj):
        return obj.get_absolute_url() if obj else public_url("articles:home")

    def description(self, obj):
        return getattr(obj, "description", "") or self.title(obj)

    def subtitle(self, obj):
        return self.description(obj)

    def author_name(self):
        # Atom needs an author for every entry; the newsroom stands in where a byline is empty.
        return settings.NEWSROOM_NAME

    def filter_articles(self, articles, obj):
        return articles

    def items(self, obj):
        articles = self.filter_articles(Article.objects.live(), obj)
        newest = articles.for_lists().prefetch_related("tags").order_by("-published_at", "-id")
        return attach_byline_authors(newest[:FEED_SIZE])

    def item_title(self, item):
        # Plain text: the feed generator escapes it for XML once, which readers expect.
        return item.headline

    def item_description(self, item):
        # RSS descriptions and Atom summaries (type="html") are read as HTML.
        return escape(item.teaser)

    def item_guid(self, item):
        """A tag: URI from the id, so that a corrected slug does not make the item new."""
        host, _port = split_domain_port(self.request.get_host())
        first = (item.first_published_at or item.published_at).astimezone(UTC)
        return f"tag:{host},{first:%Y-%m-%d}:article-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return newsroom_time(item.published_at)

    def item_updateddate(self, item):
        # A scheduled article was last saved before it went live.
        return newsroom_time(max(item.published_at, item.updated_at))

    def item_categories(self, item):
        section = [item.section.name] if item.section else []
        return section + sorted(tag.name for tag in item.tags.all())

    def item_extra_kwargs(self, item):
        absolute = self.request.build_absolute_uri
        return {
            "content": item.body,
            "language": item.language,
            "authors": [
                (author.name, absolute(author.get_absolute_url()))
                for author in item.byline_authors()
            ],
            "image": lead_image_data(item.lead_image, absolute),
        }


def newsroom_time(moment):
    return timezone.localtime(moment, timezone.get_default_timezone()).replace(microsecond=0)


def lead_image_data(image, absolute):
    if image is None or not image.file:
        return None
    return {
        "url": absolute(image.file.url),
        "type": mimetypes.guess_type(image.file.name)[0],
        "width": image.width,
        "height": image.height,
        "alt_text": image.alt_text,
        "credit": image.credit,
    }


class LatestArticlesFeed(ArticleFeed):
    pass


class SectionFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def filter_articles(self, articles, obj):
        return articles.filter(section=obj)


class TagFeed(ArticleFeed):
    def get_object(self, request, slug):
        # Only tags readers can see on a live article: a tag given to an embargoed story
        # must not confirm that story's subject.
        used = Article.objects.live().values("tags")
        return get_object_or_404(Tag.objects.filter(pk__in=used), slug=slug)

    def link(self, obj):
        return public_url("articles:tag", slug=obj.slug)

    def filter_articles(self, articles, obj):
        return articles.filter(tags=obj)


class AuthorFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def description(self, obj):
        return obj.bio or self.title(obj)

    def filter_articles(self, articles, obj):
        return articles.filter(authors=obj)
