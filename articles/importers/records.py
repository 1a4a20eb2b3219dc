"""The neutral records every importer yields, whatever the input format.

A parser turns one input item into exactly one of:

- `ArticleRecord`: something to create or update, keyed by (source, external_id);
- `SkippedItem`: counted and left out on purpose (a WordPress page, an attachment,
  a private post, an agency photo without text);
- `RefusedItem`: broken, reported with its reason (no identifier, no headline).

A file that cannot be read at all raises `ImportFileError`. Records hold raw HTML:
the shared import step sanitises it and decides what reaches the database.
"""

from dataclasses import dataclass, field
from datetime import datetime

PUBLISHED = "published"
SCHEDULED = "scheduled"  # published at a future moment: an embargo or a WordPress "future" post
DRAFT = "draft"
REVIEW = "review"
WITHDRAWN = "withdrawn"  # the source took it back; the shared step keeps it from readers
STATUSES = frozenset({PUBLISHED, SCHEDULED, DRAFT, REVIEW, WITHDRAWN})

VIDEO_PROVIDERS = frozenset({"youtube", "vimeo", "file"})


class ImportFileError(Exception):
    """A whole file cannot be imported; the message is meant for the operator."""


@dataclass(slots=True)
class AuthorRecord:
    name: str
    login: str | None = None
    email: str | None = None


@dataclass(slots=True)
class ImageRecord:
    url: str | None = None
    path: str | None = None  # relative to the export's media folder (WordPress uploads)
    alt_text: str = ""
    caption: str = ""
    credit: str = ""
    external_id: str | None = None


@dataclass(slots=True)
class VideoRecord:
    url: str
    provider: str
    title: str = ""

    def __post_init__(self):
        if self.provider not in VIDEO_PROVIDERS:
            raise ValueError(f"unknown video provider {self.provider!r}")


@dataclass(slots=True)
class ArticleRecord:
    source: str
    external_id: str
    headline: str
    version: str | None = None
    teaser: str = ""
    body_html: str = ""
    kicker: str = ""
    language: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    authors: list[AuthorRecord] = field(default_factory=list)
    status: str = DRAFT
    published_at: datetime | None = None
    updated_at: datetime | None = None
    lead_image: ImageRecord | None = None
    videos: list[VideoRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    link: str | None = None  # the item's address at the source, for redirects and reference

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        for name in ("published_at", "updated_at"):
            moment = getattr(self, name)
            if moment is not None and moment.utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware")
        self.tags = unique_names(self.tags)


@dataclass(slots=True)
class SkippedItem:
    external_id: str
    kind: str
    reason: str


@dataclass(slots=True)
class RefusedItem:
    external_id: str
    reason: str


Item = ArticleRecord | SkippedItem | RefusedItem


def unique_names(names):
    """Strip names and drop empty ones and case-insensitive repeats, keeping the first spelling."""
    seen = set()
    kept = []
    for name in names:
        name = " ".join(name.split())
        key = name.casefold()
        if name and key not in seen:
            seen.add(key)
            kept.append(name)
    return kept
