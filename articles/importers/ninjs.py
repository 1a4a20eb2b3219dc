"""IPTC ninjs (News in JSON) 1.x, 2.x and 3.x → records.

Agencies deliver ninjs one item per file, so a file is read with `json.load`, not
streamed: a file may hold one item or a JSON array of items, and arrays are expected to
stay small (a few hundred items at most). The three major versions are read alike:

- property names are compared in lower case (3.x writes `versionCreated`, `bodies[].contentType`);
- 1.x `headline`/`headline_*`, `body_*`, `description_*` and 2.x/3.x `headlines[]`,
  `bodies[]`, `descriptions[]` both work; renditions and associations may be objects keyed
  by name (1.x) or arrays (2.x, 3.x);
- `pubstatus` usable → published, withheld/canceled → withdrawn (the shared step only
  withdraws what was public); an `embargoed`/`embargoedUntil` time makes it scheduled then;
- pictures, graphics, audio, video, events and planning items are skipped: only text
  becomes an article. A picture association becomes the lead image;
- subjects and 1.x keywords become tags, except a subject with rel "section" (our export's),
  which names the section.

The external id is the item's `uri`; `version` (or `versioncreated`) tells newer from older.
"""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from .fields import (
    html_to_text,
    language_tag,
    parse_iso_datetime,
    plain_text_to_html,
    split_byline,
    teaser_from,
    truncate_words,
    video_from_url,
)
from .records import (
    PUBLISHED,
    SCHEDULED,
    WITHDRAWN,
    ArticleRecord,
    AuthorRecord,
    ImageRecord,
    ImportFileError,
    RefusedItem,
    SkippedItem,
    VideoRecord,
)

_TEXT_TYPES = frozenset({"text", "composite"})
_HTML_MARKERS = ("html", "xhtml", "richtext")
_TEASER_ROLES = ("summary", "teaser", "abstract", "lead", "text", "", "main")
_CAPTION_ROLES = ("caption", "text", "summary", "", "main")
_PREFERRED_RENDITIONS = ("original", "baseimage", "highres", "hires", "main", "supplied")
_DOCUMENT_BODY = re.compile(r"<body\b[^>]*>(.*)</body\s*>", re.DOTALL | re.IGNORECASE)
_HEADING_ONE = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.DOTALL | re.IGNORECASE)


def parse(path, *, source=None):
    """Yield a record for each ninjs item in the JSON file at `path`."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            document = json.load(handle)
    except OSError as error:
        raise ImportFileError(f"Cannot read {path}: {error.strerror or error}.") from None
    except UnicodeDecodeError:
        raise ImportFileError(f"{path.name} is not UTF-8 encoded JSON.") from None
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"{path.name} is not valid JSON ({error.msg}, line {error.lineno}, "
            f"column {error.colno}), so nothing was imported."
        ) from None
    if isinstance(document, dict):
        items = [document]
    elif isinstance(document, list):
        items = document
    else:
        raise ImportFileError(
            f"{path.name} is not ninjs: expected a JSON object or an array of objects."
        )
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            yield RefusedItem(f"{path.name}[{index}]", "not a JSON object")
            continue
        yield _item(_lower_keys(item), source, path, index)


def _lower_keys(value):
    if isinstance(value, dict):
        return {str(key).lower(): _lower_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_lower_keys(item) for item in value]
    return value


def _string(value):
    return value.strip() if isinstance(value, str) else ""


def _item(item, source, path, index):
    uri = _string(item.get("uri"))
    if not uri:
        label = _headline(item) or f"{path.name}[{index}]"
        return RefusedItem(label, "no uri")
    kind = _string(item.get("type")).lower() or "text"
    if kind not in _TEXT_TYPES:
        return SkippedItem(uri, kind=kind, reason=f"not a text item ({kind})")
    headline = _headline(item)
    if not headline:
        return RefusedItem(uri, "no headline")

    notes = []
    body_html = _HEADING_ONE.sub(
        lambda match: "" if html_to_text(match[1]) == headline else match[0], _body(item)
    )
    summary = _description(item, _TEASER_ROLES)
    if not html_to_text(body_html) and summary:
        body_html = plain_text_to_html(summary)
        notes.append("no body: the description is the text")
    if _string(item.get("ednote")):
        notes.append(f"note from the agency: {_string(item['ednote'])}")

    version_created = parse_iso_datetime(item.get("versioncreated"))
    published_at = parse_iso_datetime(item.get("firstcreated")) or version_created
    embargo = parse_iso_datetime(
        item.get("embargoeduntil") or item.get("embargoed") or item.get("embargoedate")
    )
    pubstatus = _string(item.get("pubstatus")).lower() or "usable"
    if pubstatus in ("withheld", "canceled", "cancelled"):
        status = WITHDRAWN
        notes.append(f"the agency marked it {pubstatus}")
    elif embargo:
        status, published_at = SCHEDULED, embargo
        notes.append(f"embargoed until {embargo.isoformat()}")
    else:
        status = PUBLISHED

    holder = _string(item.get("copyrightholder"))
    byline = _string(item.get("by")) or _string(item.get("byline"))
    lead_image, videos = _associations(item, notes)
    for video in videos:
        video.title = video.title or headline
    return ArticleRecord(
        source=source or _default_source(item, path),
        external_id=uri,
        version=_string(item.get("version")) or _string(item.get("versioncreated")) or None,
        headline=headline,
        teaser=teaser_from(summary, body_html),
        body_html=body_html,
        language=language_tag(item.get("language")),
        section=_section(item),
        tags=_tags(item),
        authors=[AuthorRecord(name=name) for name in split_byline(byline, drop=[holder])],
        status=status,
        published_at=published_at,
        updated_at=version_created,
        lead_image=lead_image,
        videos=videos,
        notes=notes,
    )


def _default_source(item, path):
    """ "ninjs:<provider>": the copyright holder, the uri's host or NewsML provider, or the file."""
    holder = _string(item.get("copyrightholder")).lower()
    if holder:
        return f"ninjs:{holder}"
    uri = _string(item.get("uri"))
    newsml = re.match(r"^urn:newsml:([^:]+):", uri, re.IGNORECASE)
    host = newsml[1] if newsml else urlsplit(uri).hostname
    return f"ninjs:{(host or path.stem).lower()}"


def _entries(item, plural, prefix):
    """(role, contenttype, value) of 2.x/3.x `plural[]` and 1.x `prefix` / `prefix_<role>`."""
    entries = []
    for entry in item.get(plural) or []:
        if isinstance(entry, dict) and _string(entry.get("value")):
            entries.append(
                (
                    _string(entry.get("role")).lower(),
                    _string(entry.get("contenttype")).lower(),
                    entry["value"].strip(),
                )
            )
    for key, value in item.items():
        if (key == prefix or key.startswith(prefix + "_")) and _string(value):
            role = key[len(prefix) + 1 :]
            entries.append((role, "text/html" if role in _HTML_MARKERS else "", value.strip()))
    return entries


def _is_html(role, contenttype):
    return any(marker in contenttype or marker == role for marker in _HTML_MARKERS)


def _headline(item):
    entries = _entries(item, "headlines", "headline")
    for wanted in ("main", "", "simple"):
        for role, contenttype, value in entries:
            if role == wanted:
                return html_to_text(value) if _is_html(role, contenttype) else value
    return html_to_text(entries[0][2]) if entries else ""


def _body(item):
    """The HTML body if there is one, else the plain-text body made into paragraphs."""
    entries = _entries(item, "bodies", "body")
    for role, contenttype, value in entries:
        if _is_html(role, contenttype):
            # Some agencies send a whole HTML document; the article is what <body> holds.
            document = _DOCUMENT_BODY.search(value)
            return (document[1] if document else value).strip()
    for _role, _contenttype, value in entries:
        return plain_text_to_html(value)
    return ""


def _description(item, roles):
    """Plain text of the first description whose role is in `roles`, in that order."""
    entries = _entries(item, "descriptions", "description")
    for wanted in roles:
        for role, contenttype, value in entries:
            if role == wanted:
                return html_to_text(value) if _is_html(role, contenttype) else value
    return ""


def _subjects(item):
    return [
        subject
        for key in ("subjects", "subject")
        for subject in item.get(key) or []
        if isinstance(subject, dict) and _string(subject.get("name"))
    ]


def _section(item):
    """The subject our export marks with rel "section", if any."""
    for subject in _subjects(item):
        if _string(subject.get("rel")).lower() == "section":
            return _string(subject["name"])
    return None


def _tags(item):
    names = [
        _string(subject["name"])
        for subject in _subjects(item)
        if _string(subject.get("rel")).lower() != "section"
    ]
    keywords = item.get("keywords") or []
    names.extend(_string(keyword) for keyword in keywords if isinstance(keyword, str))
    return names


def _named_list(value):
    """1.x keeps renditions and associations in an object keyed by name; 2.x/3.x in a list."""
    if isinstance(value, dict):
        return [{"name": name, **entry} for name, entry in value.items() if isinstance(entry, dict)]
    return [entry for entry in value or [] if isinstance(entry, dict)]


def _associations(item, notes):
    lead_image = None
    videos = []
    for association in _named_list(item.get("associations")):
        kind = _string(association.get("type")).lower()
        if kind == "picture" and lead_image is None:
            lead_image = _picture(association, notes)
        elif kind == "video":
            video = _video(association)
            if video:
                videos.append(video)
    return lead_image, videos


def _picture(association, notes):
    renditions = [
        rendition
        for rendition in _named_list(association.get("renditions"))
        if _string(rendition.get("href"))
        and _string(rendition.get("contenttype") or rendition.get("mimetype") or "image/")
        .lower()
        .startswith("image/")
    ]
    if not renditions:
        notes.append("the picture association has no rendition to fetch")
        return None
    caption = _description(association, _CAPTION_ROLES)
    credit = (
        _description(association, ("creditline",))
        or _string(association.get("by"))
        or _string(association.get("byline"))
        or _string(association.get("copyrightholder"))
        or _string(association.get("copyrightnotice"))
    )
    # ninjs has no alt-text field; our export writes it as a description with role "alt".
    alt_text = _description(association, ("alt",)) or _headline(association) or caption
    return ImageRecord(
        url=_string(_best_rendition(renditions)["href"]),
        alt_text=truncate_words(alt_text, 300),
        caption=caption,
        credit=credit,
        external_id=_string(association.get("uri")) or None,
    )


def _best_rendition(renditions):
    """The original if named so, else the largest by pixel count."""
    for wanted in _PREFERRED_RENDITIONS:
        for rendition in renditions:
            if _string(rendition.get("name")).lower() == wanted:
                return rendition

    def area(rendition):
        try:
            return int(rendition.get("width") or 0) * int(rendition.get("height") or 0)
        except (TypeError, ValueError):
            return 0

    return max(renditions, key=area)


def _video(association):
    for rendition in _named_list(association.get("renditions")):
        contenttype = _string(rendition.get("contenttype") or rendition.get("mimetype")).lower()
        href = _string(rendition.get("href"))
        if href and contenttype.startswith("video/"):
            return video_from_url(href) or VideoRecord(url=href, provider="file")
    return None
