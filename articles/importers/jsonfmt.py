"""Read our own export format ("newsroom-export", written by `export_articles`).

The format is documented in articles/exporting.py. The file is read with ijson, one article
at a time, so an export of the whole archive needs no more memory than one article. Fields
only this format carries (slug, section details, author details, desk editor, translation,
updates, focal point) ride along in `ExportedArticleRecord.extras` for the shared step.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import ijson

from .fields import parse_iso_datetime
from .records import (
    SCHEDULED,
    STATUSES,
    ArticleRecord,
    AuthorRecord,
    ImageRecord,
    ImportFileError,
    RefusedItem,
    VideoRecord,
)

FORMAT = "newsroom-export"
VERSIONS = {1}


@dataclass(slots=True)
class ExportedArticleRecord(ArticleRecord):
    extras: dict = field(default_factory=dict)


def parse(path, *, source=None):
    """Yield a record for each article in the export at `path`."""
    path = Path(path)
    check_header(path)
    try:
        with path.open("rb") as handle:
            for index, item in enumerate(ijson.items(handle, "articles.item")):
                yield record(item, path, index, source)
    except OSError as error:
        raise ImportFileError(f"Cannot read {path}: {error.strerror or error}.") from None
    except ijson.JSONError as error:
        raise ImportFileError(
            f"{path.name} is not valid JSON ({error}); the articles before the error were "
            "imported, run the command again once the file is repaired."
        ) from None


def check_header(path):
    found = {}
    try:
        with path.open("rb") as handle:
            for prefix, event, value in ijson.parse(handle):
                if prefix in ("format", "version") and event in ("string", "number"):
                    found[prefix] = value
                if prefix == "articles" or len(found) == 2:
                    break
    except OSError as error:
        raise ImportFileError(f"Cannot read {path}: {error.strerror or error}.") from None
    except ijson.JSONError as error:
        raise ImportFileError(f"{path.name} is not valid JSON ({error}).") from None
    if found.get("format") != FORMAT:
        raise ImportFileError(
            f"{path.name} is not a newsroom export (no \"format\": \"{FORMAT}\"); for other "
            "JSON name the format, e.g. --format ninjs."
        )
    if found.get("version") not in VERSIONS:
        raise ImportFileError(
            f"{path.name} is export version {found.get('version')}; this newsroom reads "
            f"version {', '.join(map(str, sorted(VERSIONS)))}."
        )


def record(item, path, index, source):
    if not isinstance(item, dict):
        return RefusedItem(f"{path.name}[{index}]", "not a JSON object")
    external_id = text(item.get("external_id"))
    if not external_id:
        return RefusedItem(text(item.get("headline")) or f"{path.name}[{index}]",
                           "no external_id")
    status = text(item.get("status")) or "draft"
    if status not in STATUSES:
        return RefusedItem(external_id, f"unknown status {status!r}")
    try:
        published_at = moment(item.get("published_at"))
        first_published_at = moment(item.get("first_published_at"))
    except ValueError as error:
        return RefusedItem(external_id, str(error))
    authors = [a for a in item.get("authors") or [] if isinstance(a, dict)]
    image = item.get("lead_image")
    extras = {
        "slug": text(item.get("slug")),
        "section": item.get("section") if isinstance(item.get("section"), dict) else None,
        "authors": authors,
        "desk_editor": item.get("desk_editor"),
        "translation_of": translation_key(item.get("translation_of")),
        "original_url": text(item.get("original_url")),
        "original_language": text(item.get("original_language")),
        "translation_method": text(item.get("translation_method")),
        "updates": [
            {"kind": update.get("kind") or "update", "text": text(update.get("text")),
             "created_at": moment(update.get("created_at"))}
            for update in item.get("updates") or []
            if isinstance(update, dict)
        ],
        "first_published_at": first_published_at,
    }
    if isinstance(image, dict):
        extras["lead_image_focal"] = (number(image.get("focal_x")), number(image.get("focal_y")))
    section = extras["section"]
    try:
        return ExportedArticleRecord(
            source=source or text(item.get("source")) or f"json:{path.stem}",
            external_id=external_id,
            headline=text(item.get("headline")),
            version=text(item.get("updated_at")) or None,
            teaser=text(item.get("teaser")),
            body_html=text(item.get("body")),
            kicker=text(item.get("kicker")),
            language=text(item.get("language")) or None,
            section=text(section.get("name")) if section else None,
            tags=[text(tag) for tag in item.get("tags") or []],
            authors=[AuthorRecord(name=text(a.get("name")), login=text(a.get("login")) or None)
                     for a in authors],
            status=SCHEDULED if status == SCHEDULED else status,
            published_at=published_at,
            updated_at=moment(item.get("updated_at")),
            lead_image=ImageRecord(
                path=text(image.get("path")) or None,
                url=text(image.get("source_url")) or None,
                alt_text=text(image.get("alt_text")),
                caption=text(image.get("caption")),
                credit=text(image.get("credit")),
            ) if isinstance(image, dict) else None,
            videos=[
                VideoRecord(url=text(v.get("url")), provider=text(v.get("provider")),
                            title=text(v.get("title")))
                for v in item.get("videos") or [] if isinstance(v, dict)
            ],
            extras=extras,
        )
    except ValueError as error:
        return RefusedItem(external_id, str(error))


def text(value):
    return value if isinstance(value, str) else ""


def number(value):
    return float(value) if isinstance(value, int | float | Decimal) else 0.5


def moment(value):
    if not value:
        return None
    parsed = parse_iso_datetime(value)
    if parsed is None or parsed.utcoffset() is None:
        raise ValueError(f"{value!r} is not a time with a time zone")
    return parsed


def translation_key(value):
    if isinstance(value, dict) and value.get("external_id"):
        return (text(value.get("source")), text(value.get("external_id")))
    return None
