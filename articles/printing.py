"""The print view: links numbered in the text and listed as endnotes with their full URL."""

from dataclasses import dataclass
from datetime import datetime
from html import escape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from .sanitize import ALLOWED_URL_SCHEMES, clean_html

# Elements without an end tag: serialised without one.
VOID_TAGS = {"br", "hr", "img", "wbr"}
# Elements whose text must not survive if one ever got this far.
DROP_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "template", "noscript"}


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
        serializer = _NumberingSerializer(self)
        serializer.feed(html)
        serializer.close()
        # The allowlist has the last word, whatever the serialiser above let through.
        return mark_safe(clean_html(serializer.output()))


class _NumberingSerializer(HTMLParser):
    """Re-serialises HTML with every text and attribute escaped, numbering links on the way."""

    def __init__(self, notes: LinkNotes):
        super().__init__(convert_charrefs=True)
        self.notes = notes
        self.parts: list[str] = []
        self.link_number: int | None = None  # of the link we are inside, if any
        self.dropping = 0

    def output(self) -> str:
        self.end_link()  # in case the input left a link open
        return "".join(self.parts)

    def handle_starttag(self, tag, attrs):
        if tag in DROP_CONTENT_TAGS:
            self.dropping += 1
            return
        if self.dropping:
            return
        if tag == "a":
            self.start_link(dict(attrs))
            return
        self.parts.append(f"<{tag}{_attributes(attrs)}>")

    def handle_startendtag(self, tag, attrs):
        if tag in DROP_CONTENT_TAGS or self.dropping:
            return
        if tag == "a":  # <a/> links nothing
            return
        self.parts.append(f"<{tag}{_attributes(attrs)}>")

    def handle_endtag(self, tag):
        if tag in DROP_CONTENT_TAGS:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag in VOID_TAGS:
            return
        if tag == "a":
            self.end_link()
            return
        self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.dropping:
            self.parts.append(escape(data, quote=False))

    def start_link(self, attrs):
        # A link inside a link ends the outer one first, as browsers parse it.
        self.end_link()
        url = self.notes.absolute(attrs.get("href") or "")
        if url is None:  # no usable href: the text stays, unlinked and unnumbered
            return
        self.link_number = self.notes.number_for(url)
        kept = [("href", url)] + [(name, value) for name, value in attrs.items() if name != "href"]
        self.parts.append(f"<a{_attributes(kept)}>")

    def end_link(self):
        if self.link_number is not None:
            self.parts.append(f"</a> [{self.link_number}]")
            self.link_number = None


def _attributes(attrs) -> str:
    return "".join(
        f' {escape(name)}="{escape(value or "", quote=True)}"'
        for name, value in attrs
        if name.replace("-", "").isalnum()
    )


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
