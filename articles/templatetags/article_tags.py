"""What the article page needs beyond plain fields: structured data, social meta tags, share
and follow links."""

import json
from datetime import timedelta
from urllib.parse import quote, quote_plus

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from .. import renditions
from ..dates import iso_datetime, reader_datetime
from ..links import public_url
from ..markup import escaped, markup

register = template.Library()

UPDATE_GRACE = timedelta(minutes=1)

# Escapes that keep a JSON document inert inside <script> (as Django's json_script does).
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
SHARE_PAGES = {
    "linkedin": "https://www.linkedin.com/sharing/share-offsite/?",
    "facebook": "https://www.facebook.com/sharer/sharer.php?",
    "bluesky": "https://bsky.app/intent/compose?",
}
FOLLOW_NETWORKS = ["facebook", "linkedin", "mastodon", "bluesky"]
NETWORK_NAMES = {
    "facebook": "Facebook", "linkedin": "LinkedIn", "mastodon": "Mastodon", "bluesky": "Bluesky",
}


@register.simple_tag(takes_context=True)
def absolute(context, path):
    return context["request"].build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def article_json_ld(context, article, authors, original=None):
    """A schema.org NewsArticle for search engines, as an inert <script> data block.

    authors: in byline order; original: the live article this one translates, if any (the
    page has both already).
    """
    request = context["request"]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.teaser,
        "mainEntityOfPage": request.build_absolute_uri(article.get_absolute_url()),
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.modified_at.isoformat() if article.published_at else None,
        "inLanguage": article.language,
        "isAccessibleForFree": True,
        "author": [
            {
                "@type": "Person",
                "name": author.name,
                "url": request.build_absolute_uri(author.get_absolute_url()),
            }
            for author in authors
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": settings.NEWSROOM_NAME,
            "url": request.build_absolute_uri("/"),
            "logo": {
                "@type": "ImageObject",
                "url": request.build_absolute_uri(static("favicon.ico")),
            },
        },
    }
    if article.lead_image:
        # The social card (1200×630) and the largest uncropped rendition.
        data["image"] = [
            request.build_absolute_uri(renditions.social_card(article.lead_image).url),
            request.build_absolute_uri(renditions.single_url(article.lead_image, width=1600)),
        ]
    if article.section:
        data["articleSection"] = article.section.name
    original_data = original_work(article, original, request)
    if original_data:
        data["translationOfWork"] = original_data
    document = json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(document.translate(JSON_SCRIPT_ESCAPES)),  # escaped for <script> above
    )


register.filter("iso_datetime", iso_datetime)
register.filter("reader_datetime", reader_datetime)  # |date:"DATETIME_FORMAT", kept


@register.filter
def tag_url(tag):
    """{% url "articles:tag" tag.slug %}, worked out once per process (links.py)."""
    return public_url("articles:tag", slug=tag.slug)


@register.filter
def was_updated(article):
    """Changed noticeably after publication: worth an "Updated" line for readers."""
    return article.published_at and article.updated_at - article.published_at > UPDATE_GRACE


def original_work(article, original, request):
    if original is not None:
        url = request.build_absolute_uri(original.get_absolute_url())
    elif article.original_url:
        url = article.original_url
    else:
        return None
    return {"@type": "CreativeWork", "@id": url, "inLanguage": article.original_language or None}


@register.simple_tag
def share_links(article, url):
    """Plain share links, one <li> each: each opens the network's own page, and nothing
    loads before a click. url: the article's absolute address."""
    text = article.headline
    # Each quoted once, as urlencode() would quote it ("+" for spaces; mail wants %20).
    query_url, query_text = quote_plus(url, safe=""), quote_plus(text, safe="")
    mail = f"subject={quote(text, safe='')}&body={quote(url, safe='')}"
    mastodon = public_url("articles:share-mastodon") + f"?url={query_url}&text={query_text}"
    targets = [
        ("email", _("E-mail"), f"mailto:?{mail}"),
        ("mastodon", "Mastodon", mastodon),
        ("linkedin", "LinkedIn", f"{SHARE_PAGES['linkedin']}url={query_url}"),
        ("facebook", "Facebook", f"{SHARE_PAGES['facebook']}u={query_url}"),
        ("bluesky", "Bluesky", f"{SHARE_PAGES['bluesky']}text={query_text}+{query_url}"),
    ]
    link = '<li><a class="share-{}" href="{}" rel="nofollow noopener">{}</a></li>'
    return SafeString("".join(markup(link, key, href, name) for key, name, href in targets))


@register.simple_tag(takes_context=True)
def social_meta(context, article, tags, url):
    """Open Graph and Twitter card <meta> tags: what a link to the article shows where it is
    shared. url: the article's absolute address. Built here rather than in the template:
    as two dozen template variables they took a tenth of a cold article page."""
    page = [
        ("property", "og:type", "article"),
        ("property", "og:site_name", settings.NEWSROOM_NAME),
        ("property", "og:title", article.headline),
        ("property", "og:description", article.teaser),
        ("property", "og:url", url),
        ("property", "og:locale", article.language),
    ]
    if article.published_at:
        page += [
            ("property", "article:published_time", iso_datetime(article.published_at)),
            ("property", "article:modified_time", iso_datetime(article.updated_at)),
        ]
    if article.section:
        page.append(("property", "article:section", article.section.name))
    page += [("property", "article:tag", tag.name) for tag in tags]
    image = article.lead_image
    if image:
        card = renditions.social_card(image)
        card_url = context["request"].build_absolute_uri(card.url)
        page += [
            ("property", "og:image", card_url),
            ("property", "og:image:width", card.width),
            ("property", "og:image:height", card.height),
            ("property", "og:image:alt", image.alt_text),
            ("name", "twitter:card", "summary_large_image"),
            ("name", "twitter:image", card_url),
            ("name", "twitter:image:alt", image.alt_text),
        ]
    else:
        page.append(("name", "twitter:card", "summary"))
    page += [
        ("name", "twitter:title", article.headline),
        ("name", "twitter:description", article.teaser),
    ]
    return SafeString("\n  ".join(
        f'<meta {attribute}="{key}" content="{escaped(value)}">' for attribute, key, value in page
    ))


@register.simple_tag
def follow_line():
    """“Don't miss any news – follow us on Facebook, LinkedIn or Mastodon.”"""
    profiles = [
        (settings.NEWSROOM_SOCIAL[network], NETWORK_NAMES[network])
        for network in FOLLOW_NETWORKS
        if settings.NEWSROOM_SOCIAL.get(network)
    ]
    if not profiles:
        return ""
    links = [format_html('<a href="{}" rel="me">{}</a>', url, name) for url, name in profiles]
    if len(links) > 1:
        joined = format_html(
            "{} {} {}", format_html_join(", ", "{}", ((link,) for link in links[:-1])),
            _("or"), links[-1],
        )
    else:
        joined = links[0]
    return format_html(
        '<p class="follow-line">{}</p>',
        format_html(_("Don't miss any news – follow us on {networks}."), networks=joined),
    )


@register.simple_tag
def translation_notice(article):
    """Where the article came from and how it was translated, in the reader's words."""
    if not article.translation_method or not article.original_language:
        return ""
    language = get_language_info(article.original_language)["name_translated"]
    if article.translation_method == article.TranslationMethod.MACHINE_ASSISTED:
        text = _(
            "This article was originally published in %(language)s. It was translated with "
            "technical assistance and editorially reviewed before publication."
        )
    else:
        text = _(
            "This article was originally published in %(language)s and translated by our "
            "editors."
        )
    return text % {"language": language}


@register.filter
def duration_label(duration):
    """A video's length as readers see it: "4:05" or "1:02:03"."""
    seconds = int(duration.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"
