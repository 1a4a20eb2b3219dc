"""import_articles: every real-world test file through the command, re-runs, conflicts,
dry runs, refusals and a run killed half-way. No test touches the internet: image URLs are
answered by `offline_fetch`, which refuses all but 127.0.0.1 (and refuses that as fetch.py does).
"""

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from articles import fetch, importing, workflow
from articles.models import Article, Author, Image, Section, StatusChange, Video
from tests.conftest import make_article, png_bytes
from tests.test_import_parsers import BILLION_LAUGHS, EXPECTED, TESTDATA, XXE

IMPORTABLE = {
    name: expected for name, expected in EXPECTED.items() if isinstance(expected, tuple)
}
REFUSED_FILES = {name: start for name, start in EXPECTED.items() if isinstance(start, str)}


@pytest.fixture
def testdata():
    if not TESTDATA.is_dir():
        pytest.skip(f"{TESTDATA} is missing")
    return TESTDATA


@pytest.fixture(autouse=True)
def offline_fetch(monkeypatch):
    def fake(url, **kwargs):
        if "127.0.0.1" in url:
            return fetch.fetch_image(url, **kwargs)  # refused by the real check
        raise fetch.FetchError(f"{url}: not fetched in tests")

    monkeypatch.setattr(importing, "fetch_image", fake)


def run(*args, expect_error=False):
    out, err = io.StringIO(), io.StringIO()
    if expect_error:
        with pytest.raises(CommandError) as raised:
            call_command("import_articles", *map(str, args), stdout=out, stderr=err)
        return out.getvalue(), err.getvalue() + str(raised.value)
    call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def summary_line(output):
    return output.strip().splitlines()[-1]


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Article, Author, Section, Image, Video, StatusChange)
    }


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p) for p in root.rglob("*")) if root.exists() else []


# Every file in ../shared/testdata


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(IMPORTABLE))
def test_every_testdata_file_imports_with_the_expected_counts(testdata, name):
    _format, articles, skipped, refused = IMPORTABLE[name]
    out, _err = run(testdata / name, expect_error=bool(refused))
    line = summary_line(out)
    assert line.startswith(f"{articles} created, 0 updated, 0 unchanged, 0 conflicts, ")
    assert line.endswith(f"{refused} refused, {skipped} skipped.")
    assert Article.objects.count() == articles

    again, _err = run(testdata / name, expect_error=bool(refused))
    assert summary_line(again).startswith(f"0 created, 0 updated, {articles} unchanged")
    assert Article.objects.count() == articles


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(REFUSED_FILES))
def test_unreadable_files_are_named_with_the_reason(testdata, name):
    _out, err = run(testdata / name, expect_error=True)
    assert f"not imported: {testdata / name}: {REFUSED_FILES[name]}" in err
    assert "1 files not read" in err
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_a_folder_imports_every_ninjs_file_in_it(testdata):
    out, _err = run(testdata / "ninjs/2.1")
    assert summary_line(out) == (
        "6 created, 0 updated, 0 unchanged, 0 conflicts, 0 refused, 6 skipped."
    )


@pytest.mark.django_db
def test_wordpress_fields_reach_the_database(testdata):
    run(testdata / "wxr/wptrt-themeunittestdata.wordpress.xml")
    post = Article.objects.get(headline="Post Format: Standard")
    assert post.source == "wxr:wpthemetestdata.wordpress.com"
    assert post.section.name == "Classic"
    assert sorted(post.tags.names()) == ["Post Formats", "readability", "standard"]
    [author] = post.byline_authors()
    assert (author.name, author.login) == ("Theme Buster", "themedemos")
    assert len(author.short_code) in range(2, 6) and author.short_code.islower()
    assert post.published_at == datetime(2010, 10, 5, 7, 27, 25, tzinfo=UTC)
    assert post.is_live
    scheduled = Article.objects.get(headline="Scheduled")
    assert scheduled.is_scheduled
    assert scheduled.published_at == datetime(2030, 1, 1, 19, 0, 18, tzinfo=UTC)
    assert Article.objects.get(headline="Draft").status == Article.Status.DRAFT
    protected = Article.objects.get(headline__startswith="Template: Password Protected")
    assert protected.status == Article.Status.DRAFT
    youtube = Article.objects.get(headline="Post Format: Video (YouTube)")
    assert [v.url for v in youtube.videos.all()] == ["https://www.youtube.com/watch?v=SQEQr7c0-dw"]
    log = post.status_log.get()
    assert log.user.username == "importer"
    assert log.note == (
        "Imported from wxr:wpthemetestdata.wordpress.com; publish checklist not applied"
    )


@pytest.mark.django_db
def test_private_posts_never_become_public(testdata):
    out, _err = run(testdata / "wxr/wpimporter-small-export.xml")
    assert not Article.objects.filter(external_id="http://localhost/?p=13#13").exists()
    assert "skipped:" in out


@pytest.mark.django_db
def test_german_export_keeps_language_and_section(testdata):
    run(testdata / "wxr/nikola-wordpress_export_example.xml")
    post = Article.objects.get(headline="Arzt+Pfusch - S.I.C.K.")
    assert (post.language, post.section.name) == ("de", "Musik")


@pytest.mark.django_db
def test_languages_the_site_lacks_fall_back_with_a_warning(testdata):
    out, _err = run(testdata / "ninjs/2.1/tt_text_image_2.json")
    assert Article.objects.get().language == "en"
    assert "language 'sv' is not one of the site's; set to en" in out


# Sanitising, updates and conflicts


def write_wxr(path, *, title="Hello", body="First paragraph.", status="publish", modified=None,
              attachment=None):
    modified = modified or "2024-01-01 10:00:00"
    thumbnail = ""
    items = ""
    if attachment:
        thumbnail = ("<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
                     "<wp:meta_value>99</wp:meta_value></wp:postmeta>")
        items = (
            "<item><title>pic</title><guid>https://example.org/pic</guid><wp:post_id>99"
            "</wp:post_id><wp:post_type>attachment</wp:post_type>"
            f"<wp:attachment_url>{attachment.get('url', '')}</wp:attachment_url>"
            "<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>"
            f"<wp:meta_value>{attachment.get('path', '')}</wp:meta_value></wp:postmeta></item>"
        )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><link>https://example.org</link>'
        "<wp:author><wp:author_login>ed</wp:author_login>"
        "<wp:author_display_name>Ed Itor</wp:author_display_name></wp:author>"
        f"<item><title>{title}</title><dc:creator>ed</dc:creator>"
        "<guid>https://example.org/?p=1</guid>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded><wp:post_id>1</wp:post_id>"
        "<wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt>"
        f"<wp:post_modified_gmt>{modified}</wp:post_modified_gmt>"
        f"<wp:status>{status}</wp:status><wp:post_type>post</wp:post_type>"
        f'<category domain="category">News</category>{thumbnail}</item>{items}'
        "</channel></rss>",
        encoding="utf-8",
    )
    return path


@pytest.mark.django_db
def test_script_content_is_stored_clean_and_reported(tmp_path):
    body = 'Hi<script>alert("x")</script><p onclick="x()">Yo</p>'
    path = write_wxr(tmp_path / "x.xml", body=body)
    out, _err = run(path)
    article = Article.objects.get()
    assert "script" not in article.body and "alert" not in article.body
    assert "onclick" not in article.body
    assert "removed scripts or other unsafe markup from the body" in out


@pytest.mark.django_db
def test_a_changed_item_updates_the_article(tmp_path):
    run(write_wxr(tmp_path / "x.xml"))
    article = Article.objects.get()
    out, _err = run(write_wxr(tmp_path / "x.xml", title="Hello again",
                              modified="2024-02-01 10:00:00"))
    assert summary_line(out).startswith("0 created, 1 updated")
    article.refresh_from_db()
    assert article.headline == "Hello again"
    assert article.version == 2 == article.imported_version
    again, _err = run(tmp_path / "x.xml")
    assert summary_line(again).startswith("0 created, 0 updated, 1 unchanged")


@pytest.mark.django_db
def test_an_article_edited_in_the_newsroom_is_a_conflict_and_untouched(tmp_path):
    run(write_wxr(tmp_path / "x.xml"))
    Article.objects.update(headline="Edited by the desk", version=2)  # as the admin form does
    out, _err = run(write_wxr(tmp_path / "x.xml", title="New from source",
                              modified="2024-02-01 10:00:00"))
    assert summary_line(out).startswith("0 created, 0 updated, 0 unchanged, 1 conflicts")
    assert "conflict: https://example.org/?p=1#1: edited in the newsroom" in out
    assert Article.objects.get().headline == "Edited by the desk"


@pytest.mark.django_db
def test_a_newsroom_withdrawal_is_not_undone_by_an_import(tmp_path, chief):
    run(write_wxr(tmp_path / "x.xml"))
    workflow.transition(Article.objects.get(), "withdraw", chief, "Legal")
    out, _err = run(write_wxr(tmp_path / "x.xml", title="Again", modified="2024-03-01 10:00:00"))
    assert "1 conflicts" in summary_line(out)
    assert Article.objects.get().status == Article.Status.WITHDRAWN


@pytest.mark.django_db
def test_status_cap_lowers_but_never_raises(tmp_path):
    run(write_wxr(tmp_path / "x.xml"), "--status", "review")
    assert Article.objects.get().status == Article.Status.REVIEW
    Article.objects.all().delete()
    run(write_wxr(tmp_path / "y.xml", status="draft"), "--status", "published")
    assert Article.objects.get().status == Article.Status.DRAFT


@pytest.mark.django_db
def test_ninjs_older_version_is_ignored_and_newer_updates(tmp_path):
    def item(version, headline, **extra):
        path = tmp_path / "item.json"
        path.write_text(json.dumps({"uri": "urn:t:1", "version": version, "type": "text",
                                    "headlines": [{"value": headline}],
                                    "bodies": [{"value": "<p>B</p>"}], **extra}))
        return path

    run(item("2", "Second"))
    out, _err = run(item("1", "First"), "-v", "2")
    assert "unchanged (older version)" in out
    assert Article.objects.get().headline == "Second"
    run(item("3", "Third"))
    assert Article.objects.get().headline == "Third"
    run(item("4", "Canceled", pubstatus="canceled"))
    assert Article.objects.get().status == Article.Status.WITHDRAWN


@pytest.mark.django_db
def test_ninjs_canceled_item_never_seen_is_kept_as_draft(tmp_path):
    path = tmp_path / "item.json"
    path.write_text(json.dumps({"uri": "urn:t:9", "pubstatus": "canceled", "type": "text",
                                "headlines": [{"value": "Gone"}], "bodies": [{"value": "x"}]}))
    run(path)
    assert Article.objects.get().status == Article.Status.DRAFT


# Dry run and the run killed half-way


@pytest.mark.django_db
def test_dry_run_writes_nothing(testdata, tmp_path, settings):
    media = tmp_path / "uploads"
    (media / "2024").mkdir(parents=True)
    (media / "2024/pic.png").write_bytes(png_bytes())
    write_wxr(tmp_path / "x.xml", attachment={"path": "2024/pic.png"})
    before, files = counts(), stored_files(settings)
    out, _err = run(tmp_path / "x.xml", "--media-dir", media, "--dry-run")
    assert summary_line(out) == (
        "Dry run, nothing written: 1 created, 0 updated, 0 unchanged, 0 conflicts, "
        "0 refused, 1 skipped would be."
    )
    out, _err = run(testdata / "wxr/wptrt-themeunittestdata.wordpress.xml", "--dry-run")
    assert "51 created" in summary_line(out)
    assert counts() == before
    assert stored_files(settings) == files
    assert not User.objects.filter(username="importer").exists()


@pytest.mark.django_db
def test_media_dir_image_becomes_the_lead_image_and_is_reused(tmp_path):
    media = tmp_path / "uploads"
    (media / "2024").mkdir(parents=True)
    (media / "2024/pic.png").write_bytes(png_bytes())
    run(write_wxr(tmp_path / "x.xml", attachment={"path": "2024/pic.png"}), "--media-dir", media)
    image = Article.objects.get().lead_image
    assert image.checksum and image.width == 40
    Article.objects.all().delete()
    run(tmp_path / "x.xml", "--media-dir", media)
    assert Image.objects.count() == 1


@pytest.mark.django_db
def test_killed_run_finishes_on_rerun_without_duplicates(testdata, monkeypatch):
    path = testdata / "wxr/wptrt-themeunittestdata.wordpress.xml"
    original = importing.ImportStep.run
    calls = {"n": 0}

    def dying(self, record):
        calls["n"] += 1
        if calls["n"] == 21:
            raise KeyboardInterrupt  # the operator's Ctrl-C, between two items
        return original(self, record)

    monkeypatch.setattr(importing.ImportStep, "run", dying)
    with pytest.raises(KeyboardInterrupt):
        run(path)
    assert Article.objects.count() == 20
    monkeypatch.setattr(importing.ImportStep, "run", original)
    out, _err = run(path)
    assert summary_line(out).startswith("31 created, 0 updated, 20 unchanged")
    assert Article.objects.count() == 51
    assert Article.objects.values("external_id").distinct().count() == 51


# Refusals, each with its reason in the summary


@pytest.mark.django_db
@pytest.mark.parametrize(("document", "reason"), [(XXE, "DTD"), (BILLION_LAUGHS, "DTD")])
def test_entity_attacks_are_refused_with_the_reason(tmp_path, document, reason):
    path = tmp_path / "attack.xml"
    path.write_text(document)
    _out, err = run(path, expect_error=True)
    assert f"not imported: {path}: attack.xml was refused" in err
    assert reason in err or "entities" in err
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_ninjs_item_without_uri_is_refused_and_named(tmp_path):
    path = tmp_path / "batch.json"
    path.write_text(json.dumps([
        {"uri": "urn:t:1", "headlines": [{"value": "Kept"}], "bodies": [{"value": "x"}]},
        {"headlines": [{"value": "Lost"}], "bodies": [{"value": "x"}]},
    ]))
    out, err = run(path, expect_error=True)
    assert "refused: Lost: no uri" in err
    assert "1 created" in summary_line(out)
    assert "1 items refused" in err


@pytest.mark.django_db
def test_path_traversal_attachment_is_refused_and_the_article_kept(tmp_path):
    media = tmp_path / "uploads"
    media.mkdir()
    (tmp_path / "secret.png").write_bytes(png_bytes())
    (media / "link.png").symlink_to(tmp_path / "secret.png")
    for attached in ("../../etc/passwd", "/etc/passwd", "link.png"):
        Article.objects.all().delete()
        out, _err = run(write_wxr(tmp_path / "x.xml", attachment={"path": attached}),
                        "--media-dir", media)
        assert f"lead image not imported: {attached} is outside --media-dir" in out
        assert Article.objects.get().lead_image is None
    assert Image.objects.count() == 0


@pytest.mark.django_db
def test_image_url_on_loopback_is_refused_with_the_reason(tmp_path):
    out, _err = run(write_wxr(tmp_path / "x.xml",
                              attachment={"url": "http://127.0.0.1:8000/pic.png"}))
    assert "lead image not imported: 127.0.0.1 resolves to 127.0.0.1, a loopback address" in out
    assert Article.objects.get().lead_image is None


@pytest.mark.django_db
def test_verbosity_zero_is_quiet_unless_something_is_refused(tmp_path):
    out, err = run(write_wxr(tmp_path / "x.xml"), "--verbosity", "0")
    assert out == err == ""


@pytest.mark.django_db
def test_missing_path_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_articles", str(tmp_path / "nope.xml"))


# The workflow's door for imports


@pytest.mark.django_db
def test_publish_checklist_is_skipped_only_when_code_asks(chief):
    article = make_article(lead_image=None, teaser="")
    with pytest.raises(workflow.WorkflowError, match="lead image"):
        workflow.transition(article, "publish_directly", chief, "Breaking")
    workflow.transition(article, "publish_directly", chief, "Imported", checklist=False)
    assert article.status == Article.Status.PUBLISHED
    assert article.status_log.get().note == "Imported; publish checklist not applied"


@pytest.mark.django_db
def test_importer_account_cannot_log_in(tmp_path, client):
    run(write_wxr(tmp_path / "x.xml"))
    importer = User.objects.get(username="importer")
    assert not importer.has_usable_password()
    assert not importer.is_staff and not importer.is_superuser
    response = client.post(reverse("admin:login"), {"username": "importer", "password": ""})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_scheduled_in_the_past_is_published_now():
    step = importing.ImportStep(source=None, section_override=None, status_cap="review",
                                media_dir=None, fetch=None, dry_run=True,
                                now=timezone.now(), summary=importing.ImportSummary())

    class Record:
        status = "scheduled"
        published_at = timezone.now() + timedelta(days=1)

    assert step.target(Record) == ("review", None)


# Cost per item, tags across items, files of a failed item


def write_posts(path, count, *, tags=("Climate", "Energy")):
    """A WordPress export of `count` posts sharing their author, section and tags."""
    categories = "".join(f'<category domain="post_tag">{tag}</category>' for tag in tags)
    items = "".join(
        f"<item><title>Post {n}</title><dc:creator>ed</dc:creator>"
        f"<guid>https://example.org/?p={n}</guid>"
        f"<content:encoded><![CDATA[<p>Text {n}</p>]]></content:encoded>"
        f"<wp:post_id>{n}</wp:post_id><wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        f'<category domain="category">News</category>{categories}</item>'
        for n in range(1, count + 1)
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><link>https://example.org</link>'
        "<wp:author><wp:author_login>ed</wp:author_login>"
        f"<wp:author_display_name>Ed Itor</wp:author_display_name></wp:author>{items}"
        "</channel></rss>",
        encoding="utf-8",
    )
    return path


# Per new article: look it up, pick a free slug, insert it, its byline and its tags (5), one
# revision (7), the workflow's publish (5, savepoints included) and its audit log entry (1),
# BEGIN and COMMIT (SQLite reports them as queries).
QUERIES_PER_NEW_ITEM = 20


@pytest.mark.django_db(transaction=True)
def test_each_imported_item_costs_the_same_few_queries(tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(count):
        Article.objects.all().delete()
        path = write_posts(tmp_path / f"{count}.xml", count)
        with CaptureQueriesContext(connection) as captured:
            out, _err = run(path)
        assert summary_line(out).startswith(f"{count} created, 0 updated")
        return len(captured)

    queries_for(1)  # the importer account, section, author and tags now exist
    one, five, twenty = queries_for(1), queries_for(5), queries_for(20)
    # Each further item costs the same: nothing is looked up again per item.
    per_item = (twenty - five) / 15
    assert five - one == 4 * per_item
    assert per_item <= QUERIES_PER_NEW_ITEM


@pytest.mark.django_db
def test_a_tag_in_another_case_is_the_same_tag(testdata):
    from taggit.models import Tag

    # The theme unit test export tags some posts "Template", "Markup" and "Edge Case"
    # and others "template", "markup" and "edge case".
    run(testdata / "wxr/wptrt-themeunittestdata.wordpress.xml")
    for name in ("template", "markup", "edge case"):
        assert Tag.objects.filter(name__iexact=name).count() == 1
        tagged = Article.objects.filter(tags__name__iexact=name)
        assert tagged.count() > 1
        assert {n.lower() for a in tagged for n in a.tags.names()} >= {name}


@pytest.mark.django_db
def test_tags_of_one_item_in_two_cases_become_one_tag(tmp_path):
    from taggit.models import Tag

    run(write_posts(tmp_path / "a.xml", 2, tags=("Climate", "climate", "CLIMATE ")))
    assert list(Tag.objects.values_list("name", flat=True)) == ["Climate"]
    assert all(list(a.tags.names()) == ["Climate"] for a in Article.objects.all())


@pytest.mark.django_db
def test_the_desk_reuses_a_tag_typed_in_another_case(client, editor):
    from taggit.models import Tag

    from tests.conftest import article_form_data, change_url

    make_article(headline="Earlier", tags=["Climate"])
    article = make_article(headline="Later")
    client.force_login(editor)
    client.post(change_url(article), article_form_data(article, new_tags="climate, Heat"))
    assert sorted(article.tags.names()) == ["Climate", "Heat"]
    assert Tag.objects.filter(name__iexact="climate").count() == 1


@pytest.mark.django_db
def test_an_item_that_fails_after_storing_its_picture_leaves_no_file(tmp_path, settings):
    media = tmp_path / "uploads"
    (media / "2024").mkdir(parents=True)
    (media / "2024/pic.png").write_bytes(png_bytes())
    # An administrator took the importer's permissions away: publishing is refused after the
    # picture was stored and the article written.
    User.objects.create(username=importing.IMPORTER_USERNAME)
    out, _err = run(write_wxr(tmp_path / "x.xml", attachment={"path": "2024/pic.png"}),
                    "--media-dir", media, expect_error=True)
    assert "the workflow refused it" in out + _err
    assert counts()["Article"] == counts()["Image"] == 0
    originals = Path(settings.STORAGES["originals"]["OPTIONS"]["location"])
    for root in (Path(settings.MEDIA_ROOT), originals):
        assert not [p for p in root.rglob("*") if p.is_file()] if root.exists() else True


@pytest.mark.django_db
def test_a_picture_whose_row_is_refused_leaves_no_file(tmp_path, settings):
    (tmp_path / "pic.png").write_bytes(png_bytes())
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"format": "newsroom-export", "version": 1, "articles": [{
        "source": "elsewhere", "external_id": "1", "headline": "Off the edge",
        "body": "<p>Text</p>", "status": "draft",
        # Outside the picture: the database refuses the image row after its files were stored.
        "lead_image": {"path": "pic.png", "alt_text": "A square", "credit": "Us",
                       "focal_x": 7, "focal_y": 0.5},
    }]}))
    out, _err = run(export, "--media-dir", tmp_path, expect_error=True)
    assert "1 refused" in summary_line(out)
    assert counts()["Article"] == counts()["Image"] == 0
    originals = Path(settings.STORAGES["originals"]["OPTIONS"]["location"])
    for root in (Path(settings.MEDIA_ROOT), originals):
        assert not [p for p in root.rglob("*") if p.is_file()] if root.exists() else True
