"""The article page as readers and search engines get it."""

import json
import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ArticleUpdate, Author, Video
from articles.prepared import PreparedQuery
from tests.conftest import make_article, make_image, publish

pytestmark = pytest.mark.django_db


def page(client, article, **params):
    response = client.get(article.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def json_ld(html):
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found[1])


@pytest.fixture
def story(db):
    editor = Author.objects.create(name="Erika Musterwald", slug="erika", short_code="emw")
    return publish(make_article(
        headline="Harbour reopens after storm",
        teaser="Ships are back in the harbour.",
        body='<p>The harbour reopened. <a href="https://example.org/port">Port office</a></p>',
        desk_editor=editor,
        lead_image=make_image(alt_text="Cranes at dawn", credit="Shutterstock/ioda"),
        tags=["harbour", "storm"],
    ), at=timezone.now() - timedelta(hours=2))


def test_short_link_and_wrong_slug_redirect_to_the_canonical_url(client, story):
    for path in (f"/-{story.pk}", f"/news/old-slug-{story.pk}.html"):
        response = client.get(path)
        assert response.status_code == 301
        assert response["Location"] == story.get_absolute_url()
    assert client.get("/-999999").status_code == 404


def test_head_carries_canonical_social_and_structured_data(client, story):
    html = page(client, story)
    canonical = f"http://testserver{story.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert '<meta property="og:title" content="Harbour reopens after storm">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert '<meta property="og:image:alt" content="Cranes at dawn">' in html
    data = json_ld(html)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Harbour reopens after storm"
    assert data["inLanguage"] == "en"
    assert data["isAccessibleForFree"] is True
    assert data["image"][0].startswith("http://testserver/media/")
    assert data["author"][0]["name"] == "Staff Writer"
    assert data["publisher"]["name"]
    assert data["datePublished"] == story.published_at.isoformat()
    assert "translationOfWork" not in data


def meta_tags(html):
    """Every (property or name, content) of the page's <meta> tags, in order."""
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html)
    return [(key, unescape(content)) for key, content in found]


def test_a_shared_link_shows_the_article_its_section_time_and_tags(client, story):
    metas = meta_tags(page(client, story))
    published = timezone.localtime(story.published_at).isoformat(timespec="seconds")
    for expected in [
        ("og:type", "article"),
        ("og:url", f"http://testserver{story.get_absolute_url()}"),
        ("og:description", "Ships are back in the harbour."),
        ("og:locale", "en"),
        ("article:published_time", published),
        ("article:section", story.section.name),
        ("twitter:title", "Harbour reopens after storm"),
    ]:
        assert expected in metas
    assert [content for key, content in metas if key == "article:tag"] == ["harbour", "storm"]


def test_a_shared_link_without_a_picture_is_a_small_card(client):
    article = publish(make_article(headline="No picture today"))
    Article.objects.filter(pk=article.pk).update(lead_image=None)  # as imported stories may be
    metas = dict(meta_tags(page(client, article)))
    assert metas["twitter:card"] == "summary"
    assert "og:image" not in metas and "twitter:image" not in metas


def test_json_ld_cannot_be_broken_out_of(client):
    article = publish(make_article(headline="</script><script>alert(1)</script>"))
    html = page(client, article)
    assert "<script>alert(1)" not in html
    assert json_ld(html)["headline"] == "</script><script>alert(1)</script>"


def test_lead_image_caption_credit_and_loading_hints(client, story):
    html = page(client, story)
    assert 'fetchpriority="high"' in html
    assert f'width="{story.lead_image.width}" height="{story.lead_image.height}"' in html
    assert "(Image: Shutterstock/ioda)" in html


def test_desk_editor_code_tags_and_reading_time(client, story):
    html = page(client, story)
    assert 'title="Erika Musterwald">emw</a>)' in html
    assert 'href="/tag/harbour/"' in html
    assert "1 min. read" in html


def test_follow_line_uses_the_configured_profiles(client, story, settings):
    settings.NEWSROOM_SOCIAL = {
        "facebook": "https://facebook.example/news",
        "linkedin": "https://linkedin.example/news",
        "mastodon": "https://mastodon.example/@news",
        "bluesky": "",
        "rss": "/feeds/rss/",
    }
    text = unescape(re.sub(r"<[^>]+>", "", page(client, story)))
    assert "Don't miss any news – follow us on Facebook, LinkedIn or Mastodon." in text
    assert '<a href="https://mastodon.example/@news" rel="me">Mastodon</a>' in page(client, story)


def test_german_article_speaks_german(client):
    article = publish(make_article(
        language="de", headline="Hafen wieder offen",
        lead_image=make_image(credit="dpa"),
    ))
    html = page(client, article)
    assert '<html lang="de">' in html
    assert "1 Min. Lesezeit" in html
    assert "(Bild: dpa)" in html


def test_updates_and_corrections_newest_first(client, story):
    now = timezone.localtime()
    an_hour_ago = now - timedelta(hours=1)
    ArticleUpdate.objects.create(
        article=story, kind="update", text="<p>Older update.</p>", created_at=an_hour_ago
    )
    ArticleUpdate.objects.create(
        article=story, kind="correction", text="<p>Newer correction.</p>", created_at=now
    )
    html = page(client, story)
    assert html.index("Newer correction.") < html.index("Older update.")
    assert f"Correction {now:%d.%m.%Y, %H:%M}:" in re.sub(r"<[^>]+>", "", html)


@pytest.mark.parametrize(
    ("method", "wording"),
    [
        ("machine_assisted", "It was translated with technical assistance and editorially "
                             "reviewed before publication."),
        ("human", "and translated by our editors."),
    ],
)
def test_translation_notice_links_the_original_with_hreflang(client, method, wording):
    original = publish(make_article(headline="Hafen wieder offen", language="de"))
    translation = publish(make_article(
        headline="Harbour open again", translation_of=original,
        original_language="de", translation_method=method,
    ))
    html = page(client, translation)
    assert "This article was originally published in German." in html or (
        "originally published in German" in html
    )
    assert wording in html
    assert f'href="{original.get_absolute_url()}" hreflang="de"' in html
    assert f'hreflang="de" href="http://testserver{original.get_absolute_url()}"' in html
    assert f'hreflang="en" href="http://testserver{translation.get_absolute_url()}"' in html
    assert json_ld(html)["translationOfWork"]["@id"].endswith(original.get_absolute_url())
    # The original points back to its translation.
    assert f'hreflang="en" href="http://testserver{translation.get_absolute_url()}"' in page(
        client, original
    )


def test_related_articles_share_tags_and_exclude_hidden_ones(client, story):
    publish(make_article(headline="Storm damage in the old town", tags=["storm"]))
    make_article(headline="Unpublished storm draft", tags=["storm"])
    publish(make_article(headline="Unrelated cooking story", tags=["food"]))
    html = page(client, story)
    related = html[html.index("More on this topic"):]
    assert "Storm damage in the old town" in related
    assert "Unpublished storm draft" not in html
    assert "Unrelated cooking story" not in html


def related_headlines(html):
    related = html[html.index("More on this topic"):]
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', related)


@pytest.fixture
def bounds(monkeypatch):
    """monkeypatch for the related articles' bounds, which compiled queries keep in their SQL."""
    PreparedQuery.forget_all()
    yield monkeypatch
    monkeypatch.undo()
    PreparedQuery.forget_all()


def test_related_articles_rank_by_shared_tags_then_by_date(client, story):
    hours_ago = lambda hours: timezone.now() - timedelta(hours=hours)  # noqa: E731
    publish(make_article(headline="Older, both tags", tags=["harbour", "storm"]), at=hours_ago(9))
    publish(make_article(headline="Newer, one tag", tags=["storm"]), at=hours_ago(1))
    publish(make_article(headline="Older, one tag", tags=["harbour"]), at=hours_ago(5))
    publish(make_article(headline="Embargoed, both tags", tags=["harbour", "storm"]),
            at=timezone.now() + timedelta(hours=3))
    assert related_headlines(page(client, story)) == [
        "Older, both tags", "Newer, one tag", "Older, one tag",
    ]


def test_related_articles_come_from_each_tags_newest_stories(client, story, bounds):
    """Candidates are the newest few of each tag, so a huge archive costs the page nothing."""
    bounds.setattr("articles.related.RELATED_PER_TAG", 2)
    for number in range(1, 4):
        publish(make_article(headline=f"Storm story {number}", tags=["storm"]))
    publish(make_article(headline="Harbour story", tags=["harbour"]))
    headlines = related_headlines(page(client, story))
    assert sorted(headlines) == ["Harbour story", "Storm story 2", "Storm story 3"]


def test_related_articles_sharing_more_tags_win_a_place_in_the_pool(client, story, bounds):
    """Only the few candidates sharing the most tags are read from the articles table."""
    bounds.setattr("articles.related.RELATED_POOL", 2)
    publish(make_article(headline="Old, both tags", tags=["harbour", "storm"]))
    for number in range(1, 4):
        publish(make_article(headline=f"Storm story {number}", tags=["storm"]))
    assert related_headlines(page(client, story)) == ["Old, both tags", "Storm story 3"]


def test_an_article_with_hundreds_of_tags_still_shows_related_ones(client):
    """SQLite allows 500 parts in a compound SELECT: only the first tags pick related ones."""
    names = [f"topic {number}" for number in range(520)]
    publish(make_article(headline="Shares the first tag", tags=names[:1]))
    crowded = publish(make_article(headline="Tagged to the hilt", tags=names))
    assert related_headlines(page(client, crowded)) == ["Shares the first tag"]


def test_an_article_without_tags_still_shows_its_translations(client):
    original = publish(make_article(headline="Hafen wieder offen", language="de"))
    translation = publish(make_article(
        headline="Harbour open again", translation_of=original, original_language="de",
    ))
    html = page(client, original)
    assert f'hreflang="en" href="http://testserver{translation.get_absolute_url()}"' in html
    assert "More on this topic" not in html


def test_a_translation_of_a_withdrawn_original_links_the_source_instead(client, chief):
    from articles import workflow

    original = publish(make_article(headline="Hafen wieder offen", language="de"))
    translation = publish(make_article(
        headline="Harbour open again", translation_of=original, original_language="de",
        translation_method="human", original_url="https://zeitung.example/hafen",
    ))
    workflow.transition(original, "withdraw", chief, "Rights expired")
    html = page(client, translation)
    assert original.get_absolute_url() not in html
    assert 'href="https://zeitung.example/hafen" hreflang="de"' in html
    assert json_ld(html)["translationOfWork"]["@id"] == "https://zeitung.example/hafen"


def test_videos_are_two_click(client, story):
    poster = make_image(alt_text="Harbour at night")
    story.videos.add(
        Video.objects.create(
            title="Harbour drone flight", provider="youtube",
            url="https://www.youtube.com/watch?v=dQw4w9WgXcQ", poster=poster,
            duration=timedelta(minutes=2, seconds=5),
        ),
        Video.objects.create(
            title="Our own clip", provider="file", url="https://testserver/media/clip.mp4"
        ),
    )
    html = page(client, story)
    assert "<iframe" not in html
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in html
    assert "This video is hosted by YouTube." in html
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html  # works without JS
    assert "(2:05)" in html
    assert 'preload="none"' in html


def test_share_links_are_plain_links(client, story):
    html = unescape(page(client, story))
    url = f"http://testserver{story.get_absolute_url()}"
    assert "https://www.linkedin.com/sharing/share-offsite/?url=http%3A%2F%2Ftestserver" in html
    assert "mailto:?subject=Harbour%20reopens%20after%20storm&body=" in html
    assert "/share/mastodon/?url=" in html
    assert f'data-url="{url}"' in html
    assert f'href="{story.get_absolute_url()}?view=print"' in html


def test_every_share_link_carries_the_exact_headline_and_address(client):
    headline = 'Müller & Söhne: "50 % + 1" – ja/nein?'
    article = publish(make_article(headline=headline))
    html = page(client, article)
    url = f"http://testserver{article.get_absolute_url()}"
    links = {
        key: unescape(href)
        for key, href in re.findall(r'<a class="share-(\w+)" href="([^"]+)"', html)
    }
    query = {key: parse_qs(urlsplit(href).query) for key, href in links.items()}
    assert query["email"] == {"subject": [headline], "body": [url]}
    assert "%20" in links["email"] and "+" not in links["email"].split("?", 1)[1]
    assert query["mastodon"] == {"url": [url], "text": [headline]}
    assert query["linkedin"] == {"url": [url]}
    assert query["facebook"] == {"u": [url]}
    assert query["bluesky"] == {"text": [f"{headline} {url}"]}


def test_mastodon_share_page_asks_for_the_instance(client, story):
    url = f"http://testserver{story.get_absolute_url()}"
    base = {"url": url, "text": story.headline}
    html = client.get("/share/mastodon/", base).content.decode()
    assert 'name="instance"' in html
    chosen = client.get("/share/mastodon/", base | {"instance": "mastodon.social"})
    html = unescape(chosen.content.decode())
    assert "https://mastodon.social/share?text=Harbour+reopens+after+storm+http" in html
    bad = client.get("/share/mastodon/", base | {"instance": "javascript:alert(1)//"})
    assert "does not look like a server name" in bad.content.decode()
    assert "javascript:alert" not in re.sub(r'value="[^"]*"', "", bad.content.decode())
    assert client.get("/share/mastodon/", {"url": "https://elsewhere.example/x"}).status_code == 404


def test_article_page_queries_stay_fixed(client, story, uncached):
    def count():
        with CaptureQueriesContext(connection) as queries:
            page(client, story)
        return len(queries)

    count()  # warm the content-type cache
    plain = count()
    for n in range(4):
        author = Author.objects.create(name=f"Co {n}", slug=f"co-{n}", short_code=f"co{'abcd'[n]}")
        story.bylines.create(author=author, position=n + 1)
        ArticleUpdate.objects.create(article=story, text=f"<p>Update {n}</p>")
        story.videos.add(Video.objects.create(title=f"V{n}", provider="vimeo", url=f"https://vimeo.com/1234{n}"))
        publish(make_article(headline=f"Related {n}", tags=["storm", f"x{n}"]))
        story.tags.add(f"extra{n}")
    assert count() == plain <= 6


def test_withdrawn_article_is_gone_on_every_address(client, story, chief):
    from articles import workflow

    workflow.transition(story, "withdraw", chief, "Legal")
    url = story.get_absolute_url()
    for path in (url, f"/-{story.pk}", f"{url}?view=print"):
        response = client.get(path)
        assert response.status_code == 410
        assert "Harbour reopens" not in response.content.decode()


def test_preview_of_a_draft_is_marked_and_not_indexed(client, editor):
    draft = make_article(headline="Draft with tools")
    client.force_login(editor)
    html = client.get(f"/admin/articles/article/{draft.pk}/preview/").content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert Article.objects.get(pk=draft.pk).status == "draft"


def test_article_page_weighs_under_60_kb_without_images(client, story):
    from django.contrib.staticfiles import finders

    story.body = "<p>" + "A sentence of reporting with several words in it. " * 600 + "</p>"
    story.save()
    html = page(client, story)
    assets = re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    assert any(name.endswith(".css") for name in assets)
    weight = len(html.encode())
    for name in assets:
        original = re.sub(r"\.[0-9a-f]{12}(\.(?:css|js))$", r"\1", name)
        with open(finders.find(original), "rb") as asset:
            weight += len(asset.read())
    assert weight < 60 * 1024, weight


def test_german_translation_speaks_german_throughout(client):
    original = publish(make_article(headline="Harbour open again", language="en"))
    german = publish(make_article(
        headline="Hafen wieder offen", language="de", translation_of=original,
        original_language="en", translation_method="human",
    ))
    english_first = page(client, original)  # the template's messages now known in English
    html = page(client, german)
    assert "Dieser Artikel erschien ursprünglich auf Englisch und wurde" in html
    assert "Zum Original" in html
    assert "Druckansicht" in html
    assert "Anhören" in html
    assert "Print view" not in html and "Skip to content" not in html
    english_after = page(client, original)
    for html in (english_first, english_after):
        assert "Print view" in html and "Listen" in html and "Druckansicht" not in html


def test_publishing_is_not_an_update_but_an_edit_is(client, story, editor):
    assert "Updated" not in page(client, story)
    from django.test import Client

    from tests.conftest import article_form_data, change_url

    desk = Client()
    desk.force_login(editor)
    desk.post(change_url(story), article_form_data(story, teaser="Ships are back, and busy."))
    assert "Updated" in page(client, story)
