"""The print view: links numbered in the text and listed as endnotes with their full URL."""

import re
from dataclasses import dataclass
from datetime import datetime
from html import escape, unescape
from urllib.parse import urljoin, urlsplit

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from .sanitize import ALLOWED_URL_SCHEMES, clean_html

# A link in sanitised HTML, and its href (attribute values are always double-quoted there).
LINK = re.compile(r"""<a\b((?:[^>"']|"[^"]*"|'[^']*')*)>(.*?)</a>""", re.DOTALL)
HREF = re.compile(r'\shref="([^"]*)"')


@dataclass(frozen=True)
class Endnote:
    number: int
    url: str


class LinkNotes:
    """Numbers the links of one or more HTML fragments; one numbering for the whole page.

    Fragments must be passed in the order the page shows them, so that the numbers follow
    document order. The same URL always gets the number it got first.
    """

    def __init__(self, base_url: str):
        self.base_url = base_url
        self._numbers: dict[str, int] = {}

    @property
    def endnotes(self) -> list[Endnote]:
        return [Endnote(number, url) for url, number in self._numbers.items()]

    def number_for(self, url: str) -> int:
        return self._numbers.setdefault(url, len(self._numbers) + 1)

    def absolute(self, href: str) -> str | None:
        """`href` resolved against the article's URL, or None if it is no URL we print."""
        href = href.strip()
        if not href:
            return None
        # mailto: and tel: are listed as written; urljoin leaves them unchanged too.
        url = urljoin(self.base_url, href)
        if urlsplit(url).scheme.lower() not in ALLOWED_URL_SCHEMES:
            return None
        return url

    def number_links(self, html: str) -> SafeString:
        """Return `html` (sanitised) with " [n]" after each link and every href absolute."""
        if not html:
            return mark_safe("")
        # Sanitised first: then every link is <a …>…</a>, never nested, with double-quoted
        # attributes, and one linear regular-expression pass numbers them (html.parser took
        # seconds on bodies with 100,000 tags).
        return mark_safe(LINK.sub(self._numbered, clean_html(html)))

    def _numbered(self, match) -> str:
        attributes, text = match.groups()
        href = HREF.search(attributes)
        url = self.absolute(unescape(href.group(1))) if href else None
        if url is None:  # no usable href: the text stays, unlinked and unnumbered
            return text
        others = HREF.sub("", attributes, count=1)
        return f'<a href="{escape(url, quote=True)}"{others}>{text}</a> [{self.number_for(url)}]'


@dataclass
class PrintEdition:
    """What the print view shows beyond the article's own fields."""

    url: str
    published_at: datetime | None
    updated_at: datetime | None  # None unless it differs from published_at as displayed
    updates: list  # (ArticleUpdate, its text with numbered links) pairs, as the page orders them
    body: SafeString
    endnotes: list[Endnote]


def print_edition(article, url: str) -> PrintEdition:
    """Number the links of the updates and the body, in the order the print view shows them.

    `url` is the article's absolute canonical URL; relative links resolve against it as a
    browser resolves them on the article page.
    """
    notes = LinkNotes(url)
    updates = [(update, notes.number_links(update.text)) for update in article.updates.all()]
    body = notes.number_links(article.body)
    return PrintEdition(
        url=url,
        published_at=article.published_at,
        updated_at=_shown_update_time(article.published_at, article.updated_at),
        updates=updates,
        body=body,
        endnotes=notes.endnotes,
    )


def _shown_update_time(published_at, updated_at):
    """The last change, if it lies at least a displayed minute after publication."""
    if not published_at or not updated_at:
        return None

    def minute(moment):
        return timezone.localtime(moment).replace(second=0, microsecond=0)

    return updated_at if minute(updated_at) > minute(published_at) else None
