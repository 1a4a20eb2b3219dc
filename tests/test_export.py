"""export_articles writes what import_articles reads: the demo newsroom survives a round trip."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from taggit.models import Tag

from articles.models import Article, ArticleUpdate, Author, Image, Section, Video
from tests.conftest import make_article, make_image, publish


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
def test_published_export_holds_only_what_readers_see(settings):
    settings.NEWSROOM_URL = "https://news.example.org"
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


# ninjs: the lead image as a picture association, valid against the schema we claim

NINJS_SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "ninjs" / "schemas"


def ninjs_errors(items):
    """Every way `items` break the ninjs 2.2 schema, checked offline (GeoJSON registered)."""
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource

    if not NINJS_SCHEMAS.is_dir():
        pytest.skip(f"{NINJS_SCHEMAS} is missing")
    schema = json.loads((NINJS_SCHEMAS / "ninjs-schema_2.2.json").read_text())
    geojson = Resource.from_contents(
        json.loads((NINJS_SCHEMAS / "GeoJSON-schema.json").read_text())
    )
    registry = Registry().with_resource("https://geojson.org/schema/GeoJSON.json", geojson)
    validator = Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())
    return [f"{item['uri']}: {error.message}" for item in items
            for error in validator.iter_errors(item)]


def export_ninjs(*args):
    out = io.StringIO()
    call_command("export_articles", "--format", "ninjs", *map(str, args), stdout=out,
                 stderr=io.StringIO())
    return json.loads(out.getvalue())


def pictures():
    return {
        article.headline: (image.alt_text, image.caption, image.credit, image.width,
                           image.height)
        for article in Article.objects.select_related("lead_image")
        if (image := article.lead_image)
    }


@pytest.mark.django_db
def test_ninjs_export_names_the_lead_image_with_caption_credit_and_alt_text(settings):
    settings.NEWSROOM_URL = "https://news.example.org"
    image = make_image(alt_text="Fishing boats at the quay", caption="The harbour at dawn.",
                       credit="Shutterstock/ioda")
    publish(make_article(headline="Harbour", lead_image=image))
    [item] = export_ninjs()
    assert ninjs_errors([item]) == []
    [picture] = item["associations"]
    assert picture["type"] == "picture"
    assert {d["role"]: d["value"] for d in picture["descriptions"]} == {
        "caption": "The harbour at dawn.", "alt": "Fishing boats at the quay",
    }
    assert picture["by"] == picture["copyrightholder"] == "Shutterstock/ioda"
    assert picture["renditions"] == [{
        "name": "baseimage",
        "href": f"https://news.example.org/media/{image.file.name}",
        "contenttype": "image/png", "width": 40, "height": 30,
    }]


@pytest.mark.django_db
def test_ninjs_export_without_a_site_address_says_how_to_give_one(settings):
    from django.core.management import CommandError

    settings.NEWSROOM_URL = ""
    publish(make_article())
    with pytest.raises(CommandError, match="set NEWSROOM_URL or pass --site-url"):
        export_ninjs()
    assert export_ninjs("--site-url", "https://news.example.org")[0]["associations"]


@pytest.mark.django_db
def test_ninjs_export_of_the_demo_is_valid_and_its_pictures_survive_an_import(settings,
                                                                               tmp_path):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    before = pictures()
    assert before
    media = tmp_path / "media-copy"
    export = tmp_path / "demo.ninjs.json"
    call_command("export_articles", "--format", "ninjs", "--output", str(export),
                 "--media-dir", str(media), "--site-url", "https://news.example.org",
                 stdout=io.StringIO())
    assert ninjs_errors(json.loads(export.read_text())) == []
    for model in (ArticleUpdate, Article, Author, Section, Image, Video, Tag):
        model.objects.all().delete()

    out = io.StringIO()
    call_command("import_articles", str(export), "--format", "ninjs", "--media-dir", str(media),
                 stdout=out)
    assert "lead image not imported" not in out.getvalue()
    assert pictures() == before
