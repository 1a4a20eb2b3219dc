"""export_articles writes what import_articles reads: the demo newsroom survives a round trip."""

import io
import json

import pytest
from django.core.management import call_command
from taggit.models import Tag

from articles.models import Article, ArticleUpdate, Author, Image, Section, Video
from tests.conftest import make_article, publish


def snapshot():
    """Everything an export should carry, keyed by headline, without database ids."""
    def author(a):
        return a and (a.name, a.slug, a.short_code, a.job_title, a.bio)

    data = {}
    for article in Article.objects.all():
        image = article.lead_image
        data[article.headline] = {
            "fields": [getattr(article, name) for name in (
                "slug", "kicker", "teaser", "body", "language", "original_url",
                "original_language", "translation_method", "status", "published_at",
                "first_published_at", "is_scheduled", "is_live",
            )],
            "section": article.section and (article.section.name, article.section.slug,
                                            article.section.description, article.section.order),
            "authors": [author(a) for a in article.byline_authors()],
            "desk": author(article.desk_editor),
            "tags": sorted(article.tags.names()),
            "image": image and (image.alt_text, image.caption, image.credit, image.focal_x,
                                image.focal_y, image.width, image.height),
            "translation_of": article.translation_of and article.translation_of.headline,
            "updates": sorted((u.kind, u.text, u.created_at) for u in article.updates.all()),
            "videos": sorted(v.url for v in article.videos.all()),
        }
    return data


@pytest.mark.django_db
def test_export_then_import_into_an_empty_newsroom_round_trips(settings, tmp_path):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    before = snapshot()
    statuses = {row["fields"][8] for row in before.values()}
    assert {"draft", "review", "published", "withdrawn"} <= statuses
    assert any(row["fields"][11] for row in before.values())  # a scheduled one
    assert any(row["translation_of"] for row in before.values())
    assert any(row["updates"] for row in before.values())

    export = tmp_path / "export" / "newsroom.json"
    call_command("export_articles", "--output", str(export),
                 "--media-dir", str(export.parent), stdout=io.StringIO())
    for model in (ArticleUpdate, Article, Author, Section, Image, Video, Tag):
        model.objects.all().delete()

    out = io.StringIO()
    call_command("import_articles", str(export), "--media-dir", str(export.parent), stdout=out)
    assert out.getvalue().strip().endswith("0 refused, 0 skipped.")
    assert snapshot() == before
    again = io.StringIO()
    call_command("import_articles", str(export), "--media-dir", str(export.parent), stdout=again)
    assert f"0 created, 0 updated, {len(before)} unchanged" in again.getvalue()


@pytest.mark.django_db
def test_published_export_holds_only_what_readers_see():
    live = publish(make_article(headline="Live"))
    make_article(headline="Draft")
    scheduled = make_article(headline="Later")
    from datetime import timedelta

    from django.utils import timezone

    publish(scheduled, at=timezone.now() + timedelta(days=1))
    out = io.StringIO()
    call_command("export_articles", "--status", "published", stdout=out, stderr=io.StringIO())
    document = json.loads(out.getvalue())
    assert document["format"] == "newsroom-export"
    assert [a["headline"] for a in document["articles"]] == [live.headline]

    ninjs = io.StringIO()
    call_command("export_articles", "--format", "ninjs", "--status", "scheduled", stdout=ninjs,
                 stderr=io.StringIO())
    [item] = json.loads(ninjs.getvalue())
    assert item["headlines"][0]["value"] == "Later"
    assert item["embargoed"]
