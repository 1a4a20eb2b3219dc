"""The shared import step: neutral records in, sanitised articles upserted, one item at a time.

Every importer yields `importers.records` items; `import_records()` validates, sanitises and
writes each article in its own transaction, keyed by (source, external_id), so that running
the same file again changes nothing and a run killed half-way can simply be run again.
Statuses change only through `workflow.transition`, as the dedicated "importer" user.
"""

import hashlib
import json
import operator
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from pathlib import Path
from urllib.parse import unquote, urlsplit

import reversion
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from . import workflow
from .caching import purge_public_pages
from .fetch import FetchError, fetch_image
from .images import accept_upload
from .importers.records import (
    DRAFT,
    PUBLISHED,
    REVIEW,
    SCHEDULED,
    WITHDRAWN,
    ArticleRecord,
    RefusedItem,
    SkippedItem,
)
from .models import (
    Article,
    ArticleUpdate,
    Author,
    Byline,
    Image,
    Section,
    Video,
    web_url_validator,
)
from .sanitize import clean_html, text_of

IMPORTER_USERNAME = "importer"
# What the importer may do: the transitions an import needs, nothing else. The account has
# no usable password and no staff flag, so nobody can log in with it.
IMPORTER_PERMISSIONS = [
    "change_article", "edit_any_article", "approve_article", "publish_article",
    "withdraw_article",
]
# `--status` caps downward along this order; withdrawn is never public and never capped.
STATUS_RANK = {DRAFT: 0, REVIEW: 1, SCHEDULED: 2, PUBLISHED: 3}
UNSAFE_MARKUP = re.compile(
    r"<\s*(?:script|iframe|object|embed|style)\b|\son[a-z]+\s*=|javascript:", re.IGNORECASE
)
HEADLINE_MAX = Article._meta.get_field("headline").max_length
KICKER_MAX = Article._meta.get_field("kicker").max_length


class Refused(Exception):
    """This item cannot be imported; the message is the reason in the summary."""


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)  # external ids
    refused: list[tuple[str, str]] = field(default_factory=list)  # (external id, reason)
    skipped: Counter = field(default_factory=Counter)  # kind -> count
    # (external id, text): what an operator should check, e.g. an image left out.
    warnings: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # the parsers' remarks

    @property
    def written(self):
        return self.created + self.updated

    def line(self, *, dry_run=False):
        skipped = sum(self.skipped.values())
        text = (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.conflicts)} conflicts, {len(self.refused)} refused, {skipped} skipped"
        )
        return f"Dry run, nothing written: {text} would be." if dry_run else text + "."


def import_records(
    records,
    *,
    source=None,
    section_override=None,
    status_cap=None,
    media_dir=None,
    fetch=None,
    dry_run=False,
    limit=None,
    now=None,
    progress=None,
    summary=None,
):
    """Upsert `records` (items from an importer's `parse`) and return an ImportSummary.

    One transaction per article. `progress(outcome)` is called after each item. Pass an
    existing `summary` to add several files' results together.
    """
    step = ImportStep(
        source=source,
        section_override=section_override,
        status_cap=status_cap,
        media_dir=media_dir,
        fetch=fetch or fetch_image,
        dry_run=dry_run,
        now=now or timezone.now(),
        summary=summary or ImportSummary(),
    )
    articles = 0
    try:
        for item in records:
            if limit is not None and articles >= limit:
                break
            if isinstance(item, SkippedItem):
                step.summary.skipped[item.kind] += 1
                outcome = "skipped"
            elif isinstance(item, RefusedItem):
                step.summary.refused.append((item.external_id, item.reason))
                outcome = "refused"
            elif isinstance(item, ArticleRecord):
                articles += 1
                outcome = step.run(item)
            else:
                raise TypeError(f"not an import item: {item!r}")
            if progress:
                progress(outcome)
    finally:
        if step.wrote:
            purge_public_pages()
    return step.summary


class ImportStep:
    def __init__(self, *, source, section_override, status_cap, media_dir, fetch, dry_run,
                 now, summary):
        if status_cap is not None and status_cap not in STATUS_RANK:
            raise ValueError(f"unknown status cap {status_cap!r}")
        self.source = source
        self.section_override = section_override
        self.status_cap = status_cap
        self.media_dir = Path(media_dir).resolve() if media_dir else None
        self.fetch = fetch
        self.dry_run = dry_run
        self.now = now
        self.summary = summary
        self.wrote = False
        self._user = None
        # Sections, authors and tags met earlier in this run, by lower-case key. A row enters
        # only once its item's transaction has committed (`remember`): a row created by an
        # item that then rolled back no longer exists and must not be handed to the next one.
        self._sections = {}
        self._authors = {}
        self._tags = {}

    # One item.

    def run(self, record):
        if self.source:
            record.source = self.source
        key = record.external_id
        try:
            outcome = self.upsert(record)
        except Refused as error:
            self.summary.refused.append((key, str(error)))
            return "refused"
        except workflow.WorkflowError as error:
            self.summary.refused.append((key, f"the workflow refused it: {error}"))
            return "refused"
        except (ValidationError, DatabaseError, ValueError) as error:
            reason = "; ".join(getattr(error, "messages", None) or [str(error)])
            self.summary.refused.append((key, f"{type(error).__name__}: {reason}"))
            return "refused"
        for note in record.notes:
            self.summary.notes.append((key, note))
        return outcome

    def upsert(self, record):
        fields = self.validate(record)
        digest = fingerprint(record, self.section_override, self.status_cap)
        version = record.version or digest
        existing = self.existing(record)
        if existing is not None:
            if existing.external_version == version:
                self.summary.unchanged += 1
                return "unchanged"
            if is_older(record.version, existing.external_version):
                self.summary.unchanged += 1
                self.summary.notes.append((record.external_id, "unchanged (older version)"))
                return "unchanged"
            if self.edited_in_newsroom(existing):
                self.summary.conflicts.append(record.external_id)
                return "conflict"
        # Fetching and decoding a picture can take seconds: do it before taking any lock.
        picture = self.picture(record)
        stored = []  # files this item wrote to storage
        try:
            with transaction.atomic():
                created = self.write(record, fields, picture, version, existing, stored)
                if self.dry_run:
                    transaction.set_rollback(True)
        except BaseException:
            # Django has no on-rollback hook: a file stored by an item whose rows rolled back
            # would be left behind with no image pointing at it, so remove it here.
            delete_files(stored)
            raise
        if not self.dry_run:
            self.wrote = True
        if created:
            self.summary.created += 1
            return "created"
        self.summary.updated += 1
        return "updated"

    def existing(self, record):
        return Article.objects.filter(
            source=record.source, external_id=record.external_id
        ).first()

    def edited_in_newsroom(self, article):
        """True if an editor saved or moved the article since the last import."""
        if article.imported_version is None or article.version != article.imported_version:
            return True
        return article.status_log.filter(created_at__gt=article.imported_at).exclude(
            user__username=IMPORTER_USERNAME
        ).exists()

    def validate(self, record):
        headline = " ".join(plain_text(record.headline).split())
        if not headline:
            raise Refused("no headline")
        if not record.external_id:
            raise Refused("no identifier")
        if len(record.external_id) > Article._meta.get_field("external_id").max_length:
            raise Refused("the identifier is longer than 500 characters")
        if len(headline) > HEADLINE_MAX:
            self.warn(record, f"headline cut to {HEADLINE_MAX} characters")
            headline = headline[: HEADLINE_MAX - 1] + "…"
        raw_body = record.body_html or ""
        if UNSAFE_MARKUP.search(raw_body):
            self.warn(record, "removed scripts or other unsafe markup from the body")
        return {
            "headline": headline,
            "kicker": " ".join(record.kicker.split())[:KICKER_MAX],
            "teaser": plain_text(record.teaser),
            "body": clean_html(raw_body),
            "language": self.language(record),
        }

    def language(self, record):
        codes = [code for code, _name in settings.LANGUAGES]
        primary = (record.language or "").replace("_", "-").split("-")[0].lower()
        if primary in codes:
            return primary
        default = settings.LANGUAGE_CODE.split("-")[0]
        if record.language:
            self.warn(
                record, f"language {record.language!r} is not one of the site's; set to {default}"
            )
        return default

    # Writing, inside the item's transaction.

    def write(self, record, fields, picture, version, existing, stored):
        user = self.user()
        article = existing and Article.objects.select_for_update().filter(pk=existing.pk).first()
        created = article is None
        if created:
            # No lock to take for a new row: should a concurrent run create the same item
            # meanwhile, the unique (source, external_id) constraint refuses this one, and a
            # re-run updates it.
            article = Article(source=record.source, external_id=record.external_id,
                              created_by=user)
        extras = getattr(record, "extras", None) or {}
        for name, value in fields.items():
            setattr(article, name, value)
        article.section = self.section(record, extras)
        article.lead_image = self.lead_image(record, picture, stored) or (
            None if created else article.lead_image
        )
        article.updated_by = user
        apply_extras(article, extras, created)
        if isinstance(extras.get("desk_editor"), dict):
            desk = extras["desk_editor"]
            article.desk_editor = self.author(desk.get("name"), desk.get("login"), desk)
        if not created:
            article.version += 1
        # What the next run compares against, written with the row rather than afterwards:
        # no transition below changes `version`.
        article.external_version = version[:100]
        article.imported_at = self.now
        article.imported_version = article.version
        article.save()
        self.bylines(article, record, extras, created)
        if "updates" in extras:
            if not created:
                article.updates.all().delete()
            ArticleUpdate.objects.bulk_create(
                ArticleUpdate(article=article, kind=u["kind"], text=clean_html(u["text"]),
                              created_at=u["created_at"])
                for u in extras["updates"]
            )
        self.set_tags(article, record.tags, created)
        videos = [video for video in record.videos if web_url(video.url)]
        for video in record.videos:
            if video not in videos:
                self.warn(record, f"video {video.url[:100]!r} left out: not a web address")
        if videos or not created:
            article.videos.set([self.video(video) for video in videos])
        self.save_revision(article, user)
        self.move(article, record, extras)
        if extras.get("first_published_at") and article.first_published_at:
            Article.objects.filter(pk=article.pk).update(
                first_published_at=extras["first_published_at"]
            )
        return created

    def save_revision(self, article, user):
        """Keep the article as imported in its history: one revision, a handful of queries.

        Editors compare their edits against this revision and can restore it; without it the
        first revision would be their own edit and the imported text could not be recovered
        from the admin. It is taken after the byline and updates are written so that it
        holds them too, and outside the save so that the row is serialised once.
        """
        # The byline's authors come with it: each version names its byline by author.
        prefetch_related_objects(
            [article], Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )
        with reversion.create_revision(manage_manually=True, atomic=False):
            reversion.set_user(user)
            reversion.set_comment("Imported")
            reversion.add_to_revision(article)

    def user(self):
        if self._user is not None:
            return self._user
        user, made = User.objects.get_or_create(
            username=IMPORTER_USERNAME,
            defaults={"is_active": True, "is_staff": False, "first_name": "Importer"},
        )
        if made:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.user_permissions.set(Permission.objects.filter(
                content_type__app_label="articles", codename__in=IMPORTER_PERMISSIONS
            ))
            user = User.objects.get(pk=user.pk)  # no stale permission cache
        if not self.dry_run:  # a dry run's user vanishes with each item's rollback
            self._user = user
        return user

    def section(self, record, extras):
        name = " ".join((self.section_override or record.section or "").split())[:100]
        if not name:
            return None
        if name.lower() in self._sections:
            return self._sections[name.lower()]
        found = Section.objects.filter(name__iexact=name).first()
        if not found:
            details = extras.get("section") or {}
            slug = free_slug(Section, details.get("slug") or slugify(name)[:90] or "section")
            found = Section.objects.create(
                name=name, slug=slug, description=details.get("description", ""),
                order=details.get("order", 0),
            )
        remember(self._sections, name.lower(), found)
        return found

    def bylines(self, article, record, extras, created):
        details = extras.get("authors") or [{} for _author in record.authors]
        authors = []
        for author, detail in zip(record.authors, details, strict=False):
            found = self.author(author.name, author.login, detail)
            if found and found not in authors:
                authors.append(found)
        current = [] if created else [byline.author_id for byline in article.bylines.all()]
        if current != [author.pk for author in authors]:
            if current:
                article.bylines.all().delete()
            Byline.objects.bulk_create(
                Byline(article=article, author=author, position=position)
                for position, author in enumerate(authors)
            )

    def author(self, name, login, detail=None):
        detail = detail or {}
        name = " ".join((name or "").split())[:150]
        login = (login or "").strip()[:150]
        keys = [key for key in (("login", login), ("name", name.lower())) if key[1]]
        for key in keys:
            if key in self._authors and (key[0] == "login" or not login
                                         or self._authors[key].login == login):
                return self._authors[key]
        found = self.find_or_create_author(name, login, detail)
        for key in keys:
            if found:
                remember(self._authors, key, found)
        return found

    def find_or_create_author(self, name, login, detail):
        if login:
            found = Author.objects.filter(login=login).first()
            if found:
                return found
        if not name:
            return None
        slug = slugify(name)[:140] or "author"
        found = Author.objects.filter(name__iexact=name).first() or Author.objects.filter(
            slug=detail.get("slug") or slug
        ).first()
        if found:
            if login and not found.login:
                found.login = login
                found.save(update_fields=["login"])
            return found
        code = detail.get("short_code")
        if not code or Author.objects.filter(short_code=code).exists():
            code = free_short_code(name)
        return Author.objects.create(
            name=name,
            slug=free_slug(Author, detail.get("slug") or slug),
            short_code=code,
            login=login,
            **{key: detail[key] for key in AUTHOR_DETAILS if detail.get(key)},
            **{key: web_url(detail.get(key)) for key in AUTHOR_LINKS},
        )

    def set_tags(self, article, names, created):
        tags = self.tags(names)
        if created:
            # A new article has no tags to compare with: one INSERT for all of them, where
            # taggit's add() runs a get_or_create per tag.
            article.tags.through.objects.bulk_create(
                article.tags.through(content_object=article, tag=tag) for tag in tags
            )
        else:
            article.tags.set(tags)

    def tags(self, names):
        """Tag rows for `names`, one per name whatever its case (TAGGIT_CASE_INSENSITIVE).

        Runs at most one query for the names this run has not met yet, plus one INSERT per
        new tag.
        """
        wanted = {}
        for name in names:
            name = " ".join(name.split())[:100]
            if name:
                wanted.setdefault(name.lower(), name)
        missing = [key for key in wanted if key not in self._tags]
        found = {}
        if missing:
            query = reduce(operator.or_, (Q(name__iexact=wanted[key]) for key in missing))
            for tag in Tag.objects.filter(query).order_by("pk"):
                found.setdefault(tag.name.lower(), tag)
        tags = []
        for key, name in wanted.items():
            tag = self._tags.get(key) or found.get(key)
            if tag is None:
                tag = Tag.objects.create(name=name)
            if key not in self._tags:
                remember(self._tags, key, tag)
            tags.append(tag)
        return tags

    def video(self, video):
        found = Video.objects.filter(url=video.url).first()
        return found or Video.objects.create(
            url=video.url, provider=video.provider, title=(video.title or video.url)[:200]
        )

    def move(self, article, record, extras):
        """Take the workflow's transitions from the article's status to the record's."""
        target, publish_at = self.target(record)
        user = self.user()
        note = f"Imported from {record.source}"

        def take(action):
            workflow.transition(
                article, action, user, note, now=self.now, checklist=False,
                publish_at=publish_at if action in ("publish", "publish_directly") else None,
            )

        if target == WITHDRAWN:
            was_published = extras.get("first_published_at")
            if article.status == Article.Status.DRAFT and was_published and publish_at:
                # Our own export of a withdrawn article: it was public once, so it keeps
                # its 410 page. Both steps happen in this item's transaction.
                take("publish_directly")
            if article.status == Article.Status.PUBLISHED and article.is_live:
                take("withdraw")
            elif article.status == Article.Status.PUBLISHED:  # scheduled: call it off
                take("unschedule")
                take("request_changes")
            elif article.status == Article.Status.REVIEW:
                take("request_changes")
            return
        if target in (DRAFT, REVIEW):
            if article.status == Article.Status.PUBLISHED:
                take("unschedule" if article.is_scheduled else "withdraw")
            if article.status == Article.Status.WITHDRAWN:
                take("reopen")
            if target == REVIEW and article.status == Article.Status.DRAFT:
                take("submit")
            elif target == DRAFT and article.status == Article.Status.REVIEW:
                take("request_changes")
            return
        # Published or scheduled.
        if article.status == Article.Status.WITHDRAWN:
            take("reopen")
        if article.status == Article.Status.PUBLISHED:
            if article.is_scheduled and article.published_at != publish_at:
                take("unschedule")  # a moved embargo
            else:
                return
        take("publish_directly" if article.status == Article.Status.DRAFT else "publish")

    def target(self, record):
        status = record.status
        publish_at = record.published_at
        if status == SCHEDULED and (publish_at is None or publish_at <= self.now):
            status = PUBLISHED  # its time has come
        if status == PUBLISHED and publish_at is None:
            publish_at = self.now
        if self.status_cap and status != WITHDRAWN and (
            STATUS_RANK[status] > STATUS_RANK[self.status_cap]
        ):
            status = self.status_cap
        if status in (PUBLISHED, SCHEDULED):
            return status, publish_at
        return status, publish_at if status == WITHDRAWN else None

    # Pictures.

    def picture(self, record):
        """The lead image's bytes checked by the upload door: (data, AcceptedImage|None, url).

        Returns None, with a warning, when the picture cannot be had; the article is
        imported without it.
        """
        wanted = record.lead_image
        if wanted is None:
            return None
        try:
            data, name = self.picture_bytes(wanted)
        except (Refused, FetchError, OSError) as error:
            self.warn(record, f"lead image not imported: {error}")
            return None
        checksum = hashlib.sha256(data).hexdigest()
        if Image.objects.filter(checksum=checksum).exists():
            return {"checksum": checksum, "accepted": None, "record": wanted}
        try:
            accepted = accept_upload(ContentFile(data, name=name))
        except ValidationError as error:
            self.warn(record, f"lead image not imported: {' '.join(error.messages)}")
            return None
        return {"checksum": checksum, "accepted": accepted, "record": wanted}

    def picture_bytes(self, wanted):
        if wanted.path and self.media_dir:
            path = self.media_file(wanted.path)
            if path.is_file():
                return self.read_media_file(path, wanted.path)
            if not wanted.url:
                raise Refused(f"{wanted.path} is not in --media-dir")
        elif wanted.url and self.media_dir:
            # An address without a path (ninjs, feeds): the file may sit in --media-dir
            # under the end of the address, e.g. images/2025/05/harbour.jpg of
            # https://news.example.org/media/images/2025/05/harbour.jpg.
            parts = [unquote(part) for part in urlsplit(wanted.url).path.split("/") if part]
            for start in range(len(parts)):
                relative = "/".join(parts[start:])
                path = self.media_file(relative)
                if path.is_file():
                    return self.read_media_file(path, relative)
        if wanted.url:
            fetched = self.fetch(wanted.url, max_bytes=settings.IMAGE_MAX_BYTES)
            return fetched.content, Path(fetched.url.split("?")[0]).name or "image"
        if wanted.path:
            raise Refused(f"{wanted.path} needs --media-dir")
        raise Refused("the image has neither a file nor an address")

    def media_file(self, relative):
        path = (self.media_dir / relative).resolve()  # follows symlinks, then checks
        if not path.is_relative_to(self.media_dir):
            raise Refused(f"{relative} is outside --media-dir")
        return path

    def read_media_file(self, path, relative):
        if path.stat().st_size > settings.IMAGE_MAX_BYTES:
            raise Refused(f"{relative} is larger than the image limit")
        return path.read_bytes(), path.name

    def lead_image(self, record, picture, stored):
        if picture is None:
            return None
        found = Image.objects.filter(checksum=picture["checksum"]).first()
        if found:
            return found
        accepted, wanted = picture["accepted"], picture["record"]
        if accepted is None:
            return None
        extras = getattr(record, "extras", None) or {}
        focal = extras.get("lead_image_focal") or (0.5, 0.5)
        image = Image(
            alt_text=plain_text(wanted.alt_text)[:300],
            caption=plain_text(wanted.caption),
            credit=plain_text(wanted.credit)[:200],
            source_url=web_url(wanted.url)[:200],
            checksum=picture["checksum"],
            focal_x=focal[0],
            focal_y=focal[1],
            uploaded_by=self.user(),
        )
        accepted.apply_to(image)
        if not image.alt_text:
            image.alt_text = record.headline[:300]
        if self.dry_run:
            return None  # validated, never stored: a dry run writes no file
        try:
            image.save()
        finally:
            # The files are stored before the row is inserted, which may still fail (a focal
            # point out of range): name them for removal either way.
            stored.extend(f for f in (image.file, image.original) if f and f._committed)
        return image

    def warn(self, record, text):
        self.summary.warnings.append((record.external_id, text))


AUTHOR_DETAILS = ("job_title", "bio")
AUTHOR_LINKS = ("website_url", "mastodon_url", "bluesky_url", "linkedin_url")
TRANSLATION_FIELDS = ("original_url", "original_language", "translation_method")


def apply_extras(article, extras, created):
    """Fields only our own JSON export carries (see importers/jsonfmt.py)."""
    if not extras:
        return
    if created and extras.get("slug"):
        article.slug = article.free_slug(extras["slug"])
    for name in TRANSLATION_FIELDS:
        if name in extras:
            value = extras[name] or ""
            setattr(article, name, web_url(value) if name == "original_url" else value)
    if "translation_of" in extras:
        key = extras["translation_of"]
        article.translation_of = (
            Article.objects.filter(source=key[0], external_id=key[1]).first() if key else None
        )
    if "top_story_rank" in extras:
        article.top_story_rank = extras["top_story_rank"]


def web_url(value):
    """`value` if it is an http(s) address, else "": readers' browsers open these links, and
    a `javascript:` address from an import would run on our pages."""
    try:
        web_url_validator(value or "")
    except ValidationError:
        return ""
    return value


def remember(cache, key, row):
    """Put `row` in a per-run cache once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: cache.__setitem__(key, row))


def delete_files(fields):
    """Remove stored files (FieldFiles) whose rows were rolled back."""
    for stored in fields:
        stored.storage.delete(stored.name)


def plain_text(value):
    """Teasers, captions and credits are plain text: markup removed, entities decoded."""
    value = value or ""
    if "<" in value:
        value = text_of(clean_html(value), separator="")
    return value.strip()


def fingerprint(record, section_override, status_cap):
    """A digest of everything an import writes, for sources that give no version."""
    data = {
        "headline": record.headline, "teaser": record.teaser, "body": record.body_html,
        "kicker": record.kicker, "language": record.language, "section": record.section,
        "tags": record.tags, "status": record.status,
        "authors": [(a.name, a.login) for a in record.authors],
        "published_at": record.published_at, "updated_at": record.updated_at,
        "image": (record.lead_image.url, record.lead_image.path) if record.lead_image else None,
        "videos": [v.url for v in record.videos],
        "options": (section_override, status_cap),
        "extras": getattr(record, "extras", None),
    }
    encoded = json.dumps(data, default=str, sort_keys=True).encode()
    return "sha256:" + hashlib.sha256(encoded).hexdigest()[:56]


def is_older(version, stored):
    """True if the source's `version` comes before the one imported last.

    Numbers compare as numbers (ninjs "version"); otherwise both must be ISO times
    (ninjs "versioncreated", a feed's updated time).
    """
    if not version or not stored:
        return False
    if version.isdigit() and stored.isdigit():
        return int(version) < int(stored)
    try:
        new, old = datetime.fromisoformat(version), datetime.fromisoformat(stored)
        return new < old
    except (ValueError, TypeError):
        return False


def free_slug(model, base):
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def free_short_code(name):
    """A free code of 2–5 lower-case letters from the name: initials first, then longer."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z]+", ascii_name) or ["x"]
    initials = "".join(word[0] for word in words)[:5]
    letters = "".join(words)
    candidates = [initials, letters[:3], initials[:1] + words[-1][:3], letters[:4], letters[:5]]
    candidates = [c.ljust(2, "x") for c in candidates if c]
    taken = set(
        Author.objects.filter(short_code__startswith=candidates[0][:1]).values_list(
            "short_code", flat=True
        )
    ) | set(Author.objects.filter(short_code__in=candidates).values_list("short_code", flat=True))
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    base = candidates[0][:3]
    for first in "abcdefghijklmnopqrstuvwxyz":
        for second in "abcdefghijklmnopqrstuvwxyz":
            candidate = f"{base}{first}{second}"[:5]
            if candidate not in taken and not Author.objects.filter(short_code=candidate).exists():
                return candidate
    raise Refused(f"no free short code for {name}")
