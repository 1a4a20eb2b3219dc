"""RSS 2.0 and Atom feeds → records, through feedparser.

A feed is read whole (feeds hold the latest few dozen items; files over 50 MB are
refused) and handed to feedparser as a stream, never as a URL or file name, so nothing
else is fetched or opened.
feedparser does not resolve external entities, but its XML parser would expand
internal ones, so a document whose DOCTYPE declares entities is refused before parsing.
feedparser's own HTML sanitising is off: every body goes through the newsroom's one
sanitiser in the shared step, like the other formats.

Each entry becomes a published article: the content (or the summary), the authors, the
categories as tags, the largest `media:content` or image enclosure as lead image with its
`media:credit`, the guid/id as external id (the link when there is none) and the
published/updated dates with their own offsets. feedparser folds `media:description` and
`media:title` into the entry's summary and title, so feed images carry no caption.
"""

import io
import re
from pathlib import Path

import feedparser

from .fields import (
    html_to_text,
    language_tag,
    parse_feed_datetime,
    plain_text_to_html,
    source_from_url,
    split_byline,
    teaser_from,
    video_from_url,
)
from .records import (
    PUBLISHED,
    ArticleRecord,
    AuthorRecord,
    ImageRecord,
    ImportFileError,
    RefusedItem,
    VideoRecord,
)

MAX_FEED_BYTES = 50 * 1024 * 1024
_PROLOG_BYTES = 64 * 1024
_COMMENT_OR_PI = re.compile(rb"<!--.*?-->|<\?.*?\?>", re.DOTALL)
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_IMAGE_URL = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)", re.IGNORECASE)
_MEDIA_URL = re.compile(r"\.(?:mp3|m4a|ogg|oga|wav|mp4|m4v|webm|ogv|mov)(?:[?#]|$)", re.IGNORECASE)
_CREDIT_PREFIX = re.compile(r"^(?:photograph|photo|foto|bild|image)\s*:\s*", re.IGNORECASE)
_BLOCK_TAG = re.compile(
    r"<(?:p|div|ul|ol|table|blockquote|h[1-6]|figure|pre|section)\b", re.IGNORECASE
)
_PLACE_SUFFIX = re.compile(r"\s+in\s+\S.*$")  # The Guardian's "David Smith in Washington"


def parse(path, *, source=None):
    """Yield an ArticleRecord (or a RefusedItem) for each entry of the feed at `path`."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FEED_BYTES + 1)
    except OSError as error:
        raise ImportFileError(f"Cannot read {path}: {error.strerror or error}.") from None
    if len(data) > MAX_FEED_BYTES:
        raise ImportFileError(
            f"{path.name} is larger than {MAX_FEED_BYTES // 1024 // 1024} MB, too large for a "
            "feed. Archives belong in a WordPress export (--format wxr) or JSON."
        )
    if declares_entities(data):
        raise ImportFileError(
            f"{path.name} was refused: its DOCTYPE declares XML entities, which can expand "
            "without bound (billion laughs) or read other files (XXE). Feeds never need them."
        )
    # A stream, not bytes: feedparser tries bytes as a file name first, so a "feed" holding
    # a path would make it read that local file instead.
    feed = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=True)
    problem = feed.get("bozo_exception")
    if not feed.entries:
        if feed.bozo:
            raise ImportFileError(f"{path.name} is not a readable RSS or Atom feed ({problem}).")
        if not feed.get("version"):  # an empty file gives no version at all
            raise ImportFileError(f"{path.name} is not an RSS or Atom feed.")
        return
    site = feed.feed
    source = source or source_from_url("feed", site.get("link"), path.stem)
    feed_notes = []
    if feed.bozo:
        feed_notes.append(f"the feed is not well-formed ({problem}); it was read leniently")
    for index, entry in enumerate(feed.entries):
        yield _entry(entry, site, source, feed_notes, index)


def declares_entities(data):
    """Whether the document's prolog has a DOCTYPE that declares entities."""
    head = data[:_PROLOG_BYTES].replace(b"\x00", b"")  # UTF-16 text, read byte-wise
    prolog = _COMMENT_OR_PI.sub(b"", head)
    first = _FIRST_ELEMENT.search(prolog)
    prolog = prolog[: first.start()] if first else prolog
    upper = prolog.upper()
    return b"<!DOCTYPE" in upper and b"<!ENTITY" in upper


def _entry(entry, site, source, feed_notes, index):
    external_id = (entry.get("id") or entry.get("link") or "").strip()
    headline = html_to_text(entry.get("title", ""))
    if not external_id:
        return RefusedItem(headline or f"entry {index + 1}", "no guid, id or link")
    if not headline:
        return RefusedItem(external_id, "no title")
    notes = list(feed_notes)
    body_html, summary = _body(entry)
    # dict.get: feedparser's own get("updated") falls back to "published" with a warning.
    updated = dict.get(entry, "updated")
    published_at = parse_feed_datetime(entry.get("published")) or parse_feed_datetime(updated)
    updated_at = parse_feed_datetime(updated) or published_at
    return ArticleRecord(
        source=source,
        external_id=external_id,
        version=updated_at.isoformat() if updated_at else None,
        headline=headline,
        teaser=teaser_from(summary, body_html),
        body_html=body_html,
        language=_language(entry, site),
        tags=[tag.get("label") or tag.get("term") or "" for tag in entry.get("tags", [])],
        authors=_authors(entry, site),
        status=PUBLISHED,
        published_at=published_at,
        updated_at=updated_at,
        lead_image=_lead_image(entry),
        videos=_videos(entry),
        notes=notes,
        link=entry.get("link") or None,
    )


def _body(entry):
    """The entry's HTML body and, when it has both, the summary that becomes the teaser."""
    contents = entry.get("content") or []
    html = next((c for c in contents if "html" in (c.get("type") or "")), None)
    chosen = html or (contents[0] if contents else None)
    summary = entry.get("summary", "")
    if chosen is None:
        chosen, summary = entry.get("summary_detail") or {"value": summary}, ""
    value = (chosen.get("value") or "").strip()
    if chosen.get("type") == "text/plain":
        value = plain_text_to_html(value)
    elif value and not _BLOCK_TAG.search(value):
        value = f"<p>{value}</p>"  # many RSS descriptions are a bare run of text
    return value, summary if summary.strip() != value else ""


def _language(entry, site):
    for detail in [*entry.get("content", []), entry.get("title_detail") or {}]:
        if language_tag(detail.get("language")):
            return language_tag(detail["language"])
    return language_tag(site.get("language"))


def _authors(entry, site):
    people = entry.get("authors") or site.get("authors") or []
    names = []
    for person in people:
        name = (person.get("name") or "").strip()
        for part in split_byline(name, commas=False):
            names.append((_PLACE_SUFFIX.sub("", part), person.get("email")))
    seen = set()
    authors = []
    for name, email in names:
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            authors.append(AuthorRecord(name=name, email=email or None))
    return authors


def _lead_image(entry):
    candidates = []
    for media in entry.get("media_content", []):
        kind = (media.get("medium") or media.get("type") or "").lower()
        url = media.get("url") or ""
        if kind.startswith("image") or (not kind and url and not _MEDIA_URL.search(url)):
            candidates.append((_width(media), url))
    if not candidates:
        for link in entry.get("enclosures", []):
            kind = (link.get("type") or "").lower()
            url = link.get("href") or ""
            if kind.startswith("image/") or (not kind and _IMAGE_URL.search(url)):
                candidates.append((0, url))
    if not candidates:
        return None
    url = max(candidates, key=lambda candidate: candidate[0])[1]
    credits = entry.get("media_credit") or []
    credit = (credits[0].get("content") or "").strip() if credits else ""
    return ImageRecord(url=url, credit=_CREDIT_PREFIX.sub("", credit), external_id=url)


def _width(media):
    try:
        return int(media.get("width") or 0)
    except ValueError:
        return 0


def _videos(entry):
    videos = []
    links = [*entry.get("enclosures", []), *entry.get("media_content", [])]
    for link in links:
        url = link.get("href") or link.get("url") or ""
        kind = (link.get("type") or link.get("medium") or "").lower()
        video = video_from_url(url)
        if not video and kind.startswith("video") and url.startswith(("http://", "https://")):
            video = VideoRecord(url=url, provider="file")
        if video and all(known.url != video.url for known in videos):
            video.title = html_to_text(entry.get("title", ""))
            videos.append(video)
    return videos
