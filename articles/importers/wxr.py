"""WordPress eXtended RSS (WXR 1.0, 1.1, 1.2) → records, streamed.

The export is read twice with defusedxml's `iterparse`, DTDs, entities and external
references refused, each `<item>` freed as soon as it is read, so memory stays flat
however large the file:

1. The first pass checks the whole file is well-formed WXR before anything is yielded (a
   truncated export is refused whole, not half imported) and keeps what posts refer to:
   the `<wp:author>` list and, for each attachment, its id, URL, upload path, alt text,
   caption and credit, never a body. That map is the one thing that grows with the
   export, by a few hundred bytes per attachment.
2. The second pass yields a record for every item, in file order. A featured image
   (`_thumbnail_id`) resolves whether its attachment comes before or after the post,
   which in real exports it usually does: the image is uploaded after the post exists.

Mapping: posts become articles; pages, attachments, menu items and other types are
skipped. Status is an allow-list: publish → published (draft when password-protected),
future → scheduled at `post_date_gmt`, draft → draft, pending → review; private, trash
and anything else are skipped, never made public. The first category is the section,
further categories and tags become tags. The external id is `guid#post_id`: WordPress
reuses GUIDs across posts (the theme unit test data has two posts with one GUID).
"""

import re
from dataclasses import replace
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse

from . import wpcontent
from .fields import (
    first_paragraph_text,
    html_to_text,
    language_tag,
    parse_rfc822_datetime,
    source_from_url,
    truncate_words,
)
from .records import (
    DRAFT,
    PUBLISHED,
    REVIEW,
    SCHEDULED,
    ArticleRecord,
    AuthorRecord,
    ImageRecord,
    ImportFileError,
    RefusedItem,
    SkippedItem,
)

_WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")
_EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")
_CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
_DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"
_WP_FIELDS = frozenset(
    {
        "post_id",
        "post_date",
        "post_date_gmt",
        "post_modified_gmt",
        "status",
        "post_type",
        "post_password",
        "attachment_url",
        "wxr_version",
        "base_site_url",
        "base_blog_url",
    }
)
_WANTED_META = frozenset(
    {"_thumbnail_id", "_wp_attached_file", "_wp_attachment_image_alt", "_wp_attachment_metadata"}
)
_SKIPPED_TYPES = {
    "page": "WordPress page: only posts become articles",
    "attachment": "attachment: becomes an image where a post features it",
    "nav_menu_item": "navigation menu item",
}
_STATUSES = {"publish": PUBLISHED, "future": SCHEDULED, "draft": DRAFT, "pending": REVIEW}
_PHP_CREDIT = re.compile(r's:6:"credit";s:(\d+):"')


def parse(path, *, source=None):
    """Yield an ArticleRecord, SkippedItem or RefusedItem for each item of the export at `path`.

    Raises ImportFileError, before yielding anything, when the file is not WXR, is not
    well-formed, or declares a DTD or entities.
    """
    path = Path(path)
    site = _first_pass(path)
    source = source or source_from_url("wxr", site["link"], path.stem)
    for element in _channel_children(path):
        if _split(element.tag) == ("", "item"):
            yield _item(_fields(element), site, source)


def _first_pass(path):
    site = {"link": None, "language": None, "authors": {}, "attachments": {}, "wxr": False}
    for element in _channel_children(path):
        namespace, name = _split(element.tag)
        if name == "item" and not namespace:
            post_type = _post_type(element)
            site["wxr"] = site["wxr"] or post_type is not None
            if post_type == "attachment":
                fields = _fields(element)
                if fields.get("post_id"):
                    site["attachments"][fields["post_id"]] = _attachment(fields)
        elif _WP_NAMESPACE.match(namespace):
            site["wxr"] = True
            if name == "author":
                author = _author(element)
                site["authors"][author.login] = author
            elif name in ("base_blog_url", "base_site_url") and not site["link"]:
                site["link"] = (element.text or "").strip() or None
        elif not namespace and name == "link":
            site["link"] = (element.text or "").strip() or site["link"]
        elif not namespace and name == "language":
            site["language"] = language_tag(element.text)
    if not site["wxr"]:
        raise ImportFileError(
            f"{path.name} is not a WordPress export: it has no WordPress (wp:) elements. "
            "If it is an ordinary RSS feed, import it with --format rss."
        )
    return site


def _channel_children(path):
    """Yield each child of <channel> once complete, then drop it so memory stays flat."""
    depth = 0
    channel = None
    try:
        for event, element in iterparse(
            str(path),
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        ):
            if event == "start":
                depth += 1
                if depth == 1 and _split(element.tag)[1] != "rss":
                    raise ImportFileError(
                        f"{path.name} is not a WordPress export: its root element is "
                        f"<{_split(element.tag)[1]}>, not <rss>."
                    )
                if depth == 2:
                    channel = element
                continue
            depth -= 1
            if depth == 2:
                yield element
                del channel[:]
    except DTDForbidden:
        raise ImportFileError(
            f"{path.name} was refused: it declares a document type (DTD). WordPress exports "
            "never do, and a DTD can carry entity-expansion (billion laughs) or external-file "
            "(XXE) attacks."
        ) from None
    except EntitiesForbidden:
        raise ImportFileError(
            f"{path.name} was refused: it declares XML entities, which can expand without "
            "bound (billion laughs) or read other files (XXE)."
        ) from None
    except ExternalReferenceForbidden:
        raise ImportFileError(
            f"{path.name} was refused: it refers to an external resource, which is never fetched."
        ) from None
    except ParseError as error:
        raise ImportFileError(_malformed_message(path, error)) from None
    except OSError as error:
        raise ImportFileError(f"Cannot read {path}: {error.strerror or error}.") from None


def _malformed_message(path, error):
    line, column = getattr(error, "position", (0, 0))
    reason = str(error).split(":")[0]
    message = (
        f"{path.name} is not well-formed XML ({reason}, line {line}, column {column}), so "
        "nothing was imported. Export the site again (Tools → Export in WordPress) or repair "
        "the file at that place."
    )
    text = _line_at(path, line)
    if text:
        message += f" The line reads: {truncate_words(text.strip(), 160)}"
    if "]]>" in text:
        message += (
            ' A CDATA section ends at its first "]]>"; WordPress writes a "]]>" inside '
            'content as "]]]]><![CDATA[>", so this file was not written by WordPress as is.'
        )
    return message


def _line_at(path, number):
    try:
        with path.open(encoding="utf-8", errors="replace") as lines:
            for index, text in enumerate(lines, start=1):
                if index == number:
                    return text
    except OSError:
        pass
    return ""


_SPLIT_TAGS = {}


def _split(tag):
    """("namespace", "name") of an ElementTree tag; memoised, as a file has few distinct tags."""
    split = _SPLIT_TAGS.get(tag)
    if split is None:
        namespace, _, name = tag[1:].rpartition("}") if tag[:1] == "{" else ("", "", tag)
        split = _SPLIT_TAGS[tag] = (namespace, name)
    return split


def _post_type(item):
    """The item's wp:post_type ("post" when a WXR item omits it), or None without wp: fields."""
    found = None
    for child in item:
        namespace, name = _split(child.tag)
        if _WP_NAMESPACE.match(namespace):
            if name == "post_type":
                return (child.text or "").strip() or "post"
            found = "post"
    return found


def _fields(item):
    """The parts of an <item> the import uses, as plain strings."""
    fields = {"categories": [], "meta": {}, "has_wp": False}
    for child in item:
        namespace, name = _split(child.tag)
        text = (child.text or "").strip()
        if not namespace:
            if name == "category":
                fields["categories"].append(
                    (child.get("domain"), child.get("nicename"), unescape(text))
                )
            elif name in ("title", "link", "guid", "pubDate", "description"):
                fields[name] = text
        elif namespace == _CONTENT_NAMESPACE and name == "encoded":
            fields["content"] = child.text or ""
        elif namespace == _DC_NAMESPACE and name == "creator":
            fields["creator"] = text
        elif _EXCERPT_NAMESPACE.match(namespace) and name == "encoded":
            fields["excerpt"] = text
        elif _WP_NAMESPACE.match(namespace):
            fields["has_wp"] = True
            if name == "postmeta":
                key = value = ""
                for meta in child:
                    meta_name = _split(meta.tag)[1]
                    if meta_name == "meta_key":
                        key = (meta.text or "").strip()
                    elif meta_name == "meta_value":
                        value = (meta.text or "").strip()
                if key in _WANTED_META:
                    fields["meta"][key] = value
            elif name in _WP_FIELDS:
                fields[name] = text
    return fields


def _author(element):
    values = {_split(child.tag)[1]: (child.text or "").strip() for child in element}
    login = values.get("author_login", "")
    display = values.get("author_display_name", "")
    full = " ".join(filter(None, (values.get("author_first_name"), values.get("author_last_name"))))
    # WordPress shows the login as display name until someone sets one.
    name = full if (not display or display == login) and full else display or login
    return AuthorRecord(name=name, login=login, email=values.get("author_email") or None)


def _attachment(fields):
    meta = fields["meta"]
    credit = ""
    found = _PHP_CREDIT.search(meta.get("_wp_attachment_metadata", ""))
    if found:
        serialised = meta["_wp_attachment_metadata"][found.end() :].encode()
        credit = serialised[: int(found[1])].decode(errors="ignore").strip()
    return ImageRecord(
        url=fields.get("attachment_url") or fields.get("guid") or None,
        path=meta.get("_wp_attached_file") or None,
        alt_text=meta.get("_wp_attachment_image_alt", ""),
        caption=html_to_text(fields.get("excerpt", "")),
        credit=credit,
        external_id=f"attachment:{fields['post_id']}",
    )


def _external_id(fields):
    guid = unescape(fields.get("guid") or fields.get("link") or "")
    post_id = fields.get("post_id")
    if guid and post_id:
        return f"{guid}#{post_id}"
    return guid or (f"post:{post_id}" if post_id else None)


def _item(fields, site, source):
    external_id = _external_id(fields)
    title = html_to_text(fields.get("title", ""))
    if not external_id:
        return RefusedItem(title or "(untitled item)", "no guid, link or post id")
    post_type = fields.get("post_type") or "post"
    if post_type != "post":
        reason = _SKIPPED_TYPES.get(post_type, f"post type '{post_type}' is not imported")
        return SkippedItem(external_id, kind=post_type, reason=reason)
    wp_status = fields.get("status")
    if not wp_status:
        wp_status = fields["status"] = "draft"  # never public unless WordPress said so
    if wp_status not in _STATUSES:
        return SkippedItem(
            external_id,
            kind="post",
            reason=f"'{wp_status}' post: not public in WordPress, so not imported",
        )

    notes = []
    converted = wpcontent.convert(fields.get("content", ""))
    notes.extend(converted.notes)
    status = _STATUSES[wp_status]
    published_at = _published_at(fields, notes)
    if status == PUBLISHED and fields.get("post_password"):
        status = DRAFT
        notes.append("password-protected in WordPress: imported as a draft, not public")
    if status == SCHEDULED and published_at is None:
        status = DRAFT
        notes.append("scheduled in WordPress without a date: imported as a draft")
    if not title:
        title = truncate_words(first_paragraph_text(converted.html), 80)
        if not title:
            return RefusedItem(external_id, "no title and no text")
        notes.append("no title in the export: the headline is the start of the text")
    if fields.get("excerpt"):
        teaser = html_to_text(fields["excerpt"])
    else:
        teaser = truncate_words(first_paragraph_text(converted.html))

    section, tags, language = _terms(fields["categories"])
    lead_image = None
    thumbnail_id = fields["meta"].get("_thumbnail_id")
    if thumbnail_id and thumbnail_id in site["attachments"]:
        lead_image = replace(site["attachments"][thumbnail_id])
    elif thumbnail_id:
        notes.append(f"the featured image (attachment {thumbnail_id}) is not in the export")
    updated_at = _wp_date(fields.get("post_modified_gmt"))
    for video in converted.videos:
        video.title = video.title or title
    return ArticleRecord(
        source=source,
        external_id=external_id,
        version=updated_at.isoformat() if updated_at else None,
        headline=title,
        teaser=teaser,
        body_html=converted.html,
        language=language or site["language"],
        section=section,
        tags=tags,
        authors=_authors(fields.get("creator"), site["authors"]),
        status=status,
        published_at=published_at,
        updated_at=updated_at,
        lead_image=lead_image,
        videos=converted.videos,
        notes=notes,
        link=fields.get("link") or None,
    )


def _wp_date(value):
    """WordPress's "YYYY-MM-DD HH:MM:SS" in UTC; "0000-00-00 00:00:00" (never set) is None."""
    try:
        moment = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _published_at(fields, notes):
    moment = _wp_date(fields.get("post_date_gmt"))
    if moment:
        return moment
    if fields.get("status") in ("draft", "pending"):
        return None
    moment = parse_rfc822_datetime(fields.get("pubDate"))
    if moment and moment.year > 1970:
        return moment
    moment = _wp_date(fields.get("post_date"))
    if moment:
        notes.append("the export gives no UTC date: the site's local post date was read as UTC")
    return moment


def _terms(categories):
    """Section, tags and language from an item's <category> elements."""
    has_domains = any(domain for domain, _, _ in categories)
    names = []
    tags = []
    language = None
    for domain, slug, name in categories:
        # WXR 1.0 repeats every category without a domain; exports without any domain
        # (hand-made or very old) list categories and tags alike.
        if domain == "category" or (domain is None and not has_domains):
            names.append(name)
        elif domain in ("post_tag", "tag"):
            tags.append(name)
        elif domain == "language":  # Polylang's per-post language
            language = language_tag(slug or name)
    names = [name for name in names if name]
    section = names[0] if names else None
    return section, names[1:] + tags, language


def _authors(login, known):
    if not login:
        return []
    login = login.strip("<> ")  # one real export has "themereviewteam>"
    author = known.get(login)
    return [replace(author) if author else AuthorRecord(name=login, login=login)]
