"""Write articles out, one at a time, as our own JSON format or as IPTC ninjs.

Our format ("newsroom-export", version 1) is what `import_articles --format json` reads back
(importers/jsonfmt.py); an export imported into an empty database reproduces the articles,
their authors, sections, tags, lead images, translations, updates and statuses:

    {"format": "newsroom-export", "version": 1, "exported_at": "…", "articles": [
      {"source": "newsroom", "external_id": "article-12", "headline": "…", "slug": "…",
       "kicker": "", "teaser": "…", "body": "<p>…</p>", "language": "en",
       "section": {"name", "slug", "description", "order"} | null,
       "authors": [{"name", "slug", "short_code", "job_title", "bio", "login", "website_url",
                    "mastodon_url", "bluesky_url", "linkedin_url"}],
       "desk_editor": {…an author…} | null, "tags": ["…"],
       "lead_image": {"path": "images/7-harbour.jpg" | null, "source_url", "alt_text",
                      "caption", "credit", "focal_x", "focal_y"} | null,
       "videos": [{"url", "provider", "title"}],
       "translation_of": {"source", "external_id"} | null, "original_url",
       "original_language", "translation_method",
       "updates": [{"kind": "update" | "correction", "text": "<p>…</p>", "created_at"}],
       "status": "draft" | "review" | "scheduled" | "published" | "withdrawn",
       "published_at", "first_published_at", "updated_at": ISO 8601 times or null}, …]}

Image files are copied into the `media_dir` folder given to the export (the original as
uploaded where we kept it), and `path` is relative to that folder; without a folder `path`
is null and only `source_url` says where the picture came from.

ninjs items (schema 2.2) carry the lead image as an association of type "picture": caption
and alt text as descriptions (roles "caption" and "alt": ninjs has no alt-text field of its
own), the credit as `by` and `copyrightholder`, and one rendition with the absolute address
of the file we serve, its content type, width and height. With a `media_dir`, that file is
copied there under its path in the media storage, where `import_articles --media-dir` finds
it by the end of the address.
"""

import json
import mimetypes
import shutil
from pathlib import Path
from urllib.parse import urljoin

from django.db.models import Prefetch
from django.utils import timezone

from .models import Article, Byline

FORMAT = "newsroom-export"
VERSION = 1
OWN_SOURCE = "newsroom"
ITERATOR_CHUNK = 200


def articles_to_export(*, status=None, since=None, now=None):
    """The articles to write, originals before their translations.

    `status` "published" means live: what readers can see now (the one visibility rule).
    """
    now = now or timezone.now()
    queryset = Article.objects.all()
    if status == "published":
        queryset = queryset.live(now)
    elif status == "scheduled":
        queryset = queryset.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
    elif status:
        queryset = queryset.filter(status=status)
    if since:
        queryset = queryset.filter(updated_at__gte=since)
    return (
        queryset.select_related("section", "lead_image", "desk_editor", "translation_of")
        .prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            "tags", "videos", "updates",
        )
    )


def ordered(queryset):
    # Originals first, whatever the database's NULL ordering: a translation names its
    # original by key, and the import resolves that key when it reaches the translation.
    yield from queryset.filter(translation_of__isnull=True).order_by("pk").iterator(
        chunk_size=ITERATOR_CHUNK
    )
    yield from queryset.filter(translation_of__isnull=False).order_by("pk").iterator(
        chunk_size=ITERATOR_CHUNK
    )


def write_json(out, queryset, *, media_dir=None, now=None):
    """Write our export format to the text stream `out`, article by article; returns a count."""
    now = now or timezone.now()
    out.write(
        f'{{"format": "{FORMAT}", "version": {VERSION}, '
        f'"exported_at": "{now.isoformat()}", "articles": [\n'
    )
    count = 0
    for article in ordered(queryset):
        if count:
            out.write(",\n")
        out.write(json.dumps(article_data(article, media_dir, now), ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return count


def write_ninjs(out, queryset, *, site_url="", media_dir=None, now=None):
    """Write a JSON array of ninjs 2.2 items, article by article; returns a count.

    `site_url` (scheme and host) makes picture addresses absolute when MEDIA_URL is a path.
    """
    now = now or timezone.now()
    out.write("[\n")
    count = 0
    for article in ordered(queryset):
        if count:
            out.write(",\n")
        item = ninjs_item(article, now)
        if article.lead_image:
            item["associations"] = [ninjs_picture(article.lead_image, site_url, media_dir)]
        out.write(json.dumps(item, ensure_ascii=False))
        count += 1
    out.write("\n]\n")
    return count


def key(article):
    return article.source or OWN_SOURCE, article.external_id or f"article-{article.pk}"


def export_status(article, now):
    if article.status == Article.Status.PUBLISHED and article.published_at > now:
        return "scheduled"
    return article.status


def when(moment):
    return moment.isoformat() if moment else None


def author_data(author):
    if author is None:
        return None
    return {
        name: getattr(author, name)
        for name in ("name", "slug", "short_code", "job_title", "bio", "login", "website_url",
                     "mastodon_url", "bluesky_url", "linkedin_url")
    }


def article_data(article, media_dir, now):
    source, external_id = key(article)
    section = article.section
    original = article.translation_of
    return {
        "source": source,
        "external_id": external_id,
        "headline": article.headline,
        "slug": article.slug,
        "kicker": article.kicker,
        "teaser": article.teaser,
        "body": article.body,
        "language": article.language,
        "section": section and {
            "name": section.name, "slug": section.slug,
            "description": section.description, "order": section.order,
        },
        "authors": [author_data(byline.author) for byline in article.bylines.all()],
        "desk_editor": author_data(article.desk_editor),
        "tags": sorted(tag.name for tag in article.tags.all()),
        "lead_image": image_data(article.lead_image, media_dir),
        "videos": [
            {"url": video.url, "provider": video.provider, "title": video.title}
            for video in article.videos.all()
        ],
        "translation_of": original and dict(zip(("source", "external_id"), key(original),
                                                strict=True)),
        "original_url": article.original_url,
        "original_language": article.original_language,
        "translation_method": article.translation_method,
        "updates": [
            {"kind": update.kind, "text": update.text, "created_at": when(update.created_at)}
            for update in article.updates.all()
        ],
        "status": export_status(article, now),
        "published_at": when(article.published_at),
        "first_published_at": when(article.first_published_at),
        "updated_at": when(article.updated_at),
    }


def image_data(image, media_dir):
    if image is None:
        return None
    path = None
    if media_dir:
        stored = image.original if image.original else image.file
        path = f"images/{image.pk}-{Path(stored.name).name}"
        copy_file(stored, Path(media_dir) / path)
    return {
        "path": path,
        "source_url": image.source_url,
        "alt_text": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "focal_x": image.focal_x,
        "focal_y": image.focal_y,
    }


def copy_file(stored, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    with stored.open("rb") as source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy)


def ninjs_item(article, now):
    status = export_status(article, now)
    item = {
        "uri": ":".join(key(article)),
        "type": "text",
        "version": str(article.version),
        "versioncreated": when(article.updated_at),
        "firstcreated": when(article.first_published_at or article.created_at),
        "pubstatus": {"published": "usable", "scheduled": "usable"}.get(status, "withheld"),
        "language": article.language,
        "headlines": [{"role": "main", "value": article.headline}],
        "descriptions": [{"role": "summary", "contenttype": "text/plain",
                          "value": article.teaser}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": article.body}],
        "by": ", ".join(byline.author.name for byline in article.bylines.all()),
    }
    if status == "scheduled":
        item["embargoed"] = when(article.published_at)
    # ninjs 2 has no keywords: tags are subjects the article is about, beside its section.
    subjects = [{"name": article.section.name, "rel": "section"}] if article.section else []
    subjects += [{"name": name, "rel": "about"}
                 for name in sorted(tag.name for tag in article.tags.all())]
    if subjects:
        item["subjects"] = subjects
    return item


def ninjs_picture(image, site_url, media_dir):
    if media_dir:
        copy_file(image.file, Path(media_dir) / image.file.name)
    descriptions = [
        {"role": role, "contenttype": "text/plain", "value": value}
        for role, value in (("caption", image.caption), ("alt", image.alt_text))
        if value
    ]
    picture = {
        "name": "leadimage",
        "uri": f"{OWN_SOURCE}:image-{image.pk}",
        "type": "picture",
        "descriptions": descriptions,
        "renditions": [{
            "name": "baseimage",
            "href": urljoin(site_url + "/", image.file.url),
            "contenttype": mimetypes.guess_type(image.file.name)[0] or "image/jpeg",
            "width": image.width,
            "height": image.height,
        }],
    }
    if image.credit:
        picture["by"] = picture["copyrightholder"] = image.credit
    return picture
