"""Small value cleaners the parsers share: text from HTML, dates, languages, bylines, videos."""

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from .records import VideoRecord

TEASER_LENGTH = 300

_BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
     "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
     "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
     "ul"}
)  # fmt: skip


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html):
    """Return the visible text of an HTML fragment, whitespace collapsed."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return " ".join(html.split())
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return " ".join("".join(extractor.parts).split())


def truncate_words(text, limit=TEASER_LENGTH):
    """Cut `text` at the last word boundary before `limit` characters, marking the cut with …"""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + "…"


_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p\s*>", re.IGNORECASE | re.DOTALL)


def first_paragraph_text(html):
    """The text of the first non-empty <p>, or of the whole fragment when it has none."""
    for match in _PARAGRAPH.finditer(html or ""):
        text = html_to_text(match[1])
        if text:
            return text
    return html_to_text(html)


def teaser_from(summary_html, body_html):
    """A plain-text teaser: the given summary, else the body's first paragraph, ~300 characters."""
    return truncate_words(html_to_text(summary_html) or first_paragraph_text(body_html))


def plain_text_to_html(text):
    """Escape plain text and make a paragraph of each non-empty line."""
    lines = (line.strip() for line in (text or "").splitlines())
    return "\n".join(f"<p>{escape(line, quote=False)}</p>" for line in lines if line)


def language_tag(value):
    """The BCP 47 primary language subtag, lower case ("de-DE" → "de"), or None."""
    primary = re.split(r"[-_]", (value or "").strip(), maxsplit=1)[0].lower()
    if re.fullmatch(r"[a-z]{2,3}", primary) and primary not in ("und", "mul", "zxx"):
        return primary
    return None


def parse_iso_datetime(value):
    """An ISO 8601 date-time as an aware datetime (UTC when the text gives no offset)."""
    if not value or not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_rfc822_datetime(value):
    """An RSS (RFC 822) date as an aware datetime, keeping its offset; None if unreadable."""
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_feed_datetime(value):
    """A date from a feed in either RFC 822 or ISO 8601 form."""
    if not value:
        return None
    return parse_iso_datetime(value) or parse_rfc822_datetime(value)


_YOUTUBE = re.compile(
    r"^https?://(?:www\.|m\.)?(?:youtube(?:-nocookie)?\.com/(?:watch\?(?:\S*&)?v=|embed/|shorts/"
    r"|live/)|youtu\.be/)[A-Za-z0-9_-]{11}\S*$"
)
_VIMEO = re.compile(
    r"^https?://(?:www\.|player\.)?vimeo\.com/(?:video/|channels/\w+/)?\d{4,12}\S*$"
)
_VIDEO_FILE = re.compile(r"^https?://\S+\.(?:mp4|m4v|webm|ogv|mov)(?:[?#]\S*)?$", re.IGNORECASE)


def video_from_url(url, title=""):
    """A VideoRecord when `url` is a YouTube or Vimeo page or a video file, else None."""
    url = (url or "").strip()
    if _YOUTUBE.match(url):
        return VideoRecord(url=url, provider="youtube", title=title)
    if _VIMEO.match(url):
        return VideoRecord(url=url, provider="vimeo", title=title)
    if _VIDEO_FILE.match(url):
        return VideoRecord(url=url, provider="file", title=title)
    return None


# Only words that never start a name: "de" or "di" would cut "De Niro" or "Di Maria".
_BYLINE_PREFIX = re.compile(r"^(?:by|von|av|af|par|door|por)\s+", re.IGNORECASE)
# Spanish "y" and Portuguese "e" also join surnames ("Ortega y Gasset"), so they do not split.
_BYLINE_SEPARATORS = r"\s*;\s*|\s+(?:and|und|og|och)\s+|\s*&\s*"


def split_byline(byline, *, commas=True, drop=()):
    """Names from a byline: "By A, B and C" → [A, B, C].

    `drop` holds names to leave out (an agency's own name after its reporters), unless
    nothing else would remain. Commas separate names only when `commas` is true: in feeds
    they often belong to a place ("Ashifa Kassam in Stanstead, Quebec").
    """
    text = _BYLINE_PREFIX.sub("", " ".join(unescape(byline or "").split()))
    pattern = _BYLINE_SEPARATORS + (r"|\s*,\s*" if commas else "")
    names = [name.strip(" .") for name in re.split(pattern, text) if name and name.strip(" .")]
    dropped = {name.casefold() for name in drop if name}
    kept = [name for name in names if name.casefold() not in dropped]
    return kept or names


def source_from_url(prefix, url, fallback):
    """A default source key such as "wxr:example.org", from a site address or a fallback name."""
    host = urlsplit((url or "").strip()).hostname if url else None
    return f"{prefix}:{host or fallback}"


def file_stem(path):
    return Path(path).stem
