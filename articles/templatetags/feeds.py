from django import template
from django.conf import settings
from django.utils.safestring import SafeString

from articles.links import public_url
from articles.markup import markup

register = template.Library()

FORMATS = [("rss", "application/rss+xml", "RSS"), ("atom", "application/atom+xml", "Atom")]


@register.simple_tag
def feed_links(section=None, tag=None, author=None):
    """Autodiscovery links: the page's own feeds first, then the site-wide ones."""
    feeds = [
        (f"{obj.name} – {settings.NEWSROOM_NAME}", f"articles:feed-{kind}", {"slug": obj.slug})
        for kind, obj in [("section", section), ("tag", tag), ("author", author)]
        if obj
    ]
    feeds.append((settings.NEWSROOM_NAME, "articles:feed", {}))
    link = '<link rel="alternate" type="{}" title="{} ({})" href="{}">'
    return SafeString("\n".join(
        markup(link, mime_type, title, label, public_url(f"{name}-{suffix}", **kwargs))
        for title, name, kwargs in feeds
        for suffix, mime_type, label in FORMATS
    ))
