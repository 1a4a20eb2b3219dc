"""Attacks through text: markup in every field a person types stays text wherever it appears.

One article carries a payload in every text field (and its author, section, tag, picture,
video and update too); every public page, feed, sitemap and desk page that shows it is parsed
the way a browser or feed reader would, and nothing of the payload may run.
"""

import json
from xml.etree.ElementTree import Element

import feedparser
import pytest
from defusedxml.ElementTree import fromstring
from django.utils.html import escape

from tests.conftest import article_form_data, make_article
from tests.security_support import (
    PAYLOAD,
    assert_inert_html,
    make_poisoned_story,
    parse_html,
    payload,
)

pytestmark = pytest.mark.django_db

@pytest.fixture
def poisoned(editor):
    return make_poisoned_story()


def public_pages(article):
    tag = article.tags.get()
    url = article.get_absolute_url()
    return {
        "article": url,
        "print view": url + "?view=print",
        "home": "/",
        "section": "/section/payload-section/",
        "tag": f"/tag/{tag.slug}/",
        "author": "/author/payload-author/",
        "search": "/search/?q=Headline",
        "search for the payload": "/search/?" + f"q={escape(PAYLOAD)}",
        "share": f"/share/mastodon/?url=http://testserver{url}&text={PAYLOAD}&instance={PAYLOAD}",
        "not found": f"/section/{PAYLOAD}/",
    }


def test_public_pages_show_the_payloads_as_text(client, poisoned):
    for where, path in public_pages(poisoned).items():
        response = client.get(path)
        assert response.status_code in (200, 404), where
        assert_inert_html(response.content.decode(), where)
    page = client.get(poisoned.get_absolute_url()).content.decode()
    for label in ("Headline", "Teaser", "Section", "Author", "Caption", "Credit", "Alt", "Tag",
                  "Video", "Related"):
        assert escape(payload(label)) in page, label  # shown, and escaped


def test_title_opengraph_and_json_ld_hold_the_headline_as_text(client, poisoned):
    page = parse_html(client.get(poisoned.get_absolute_url()).content.decode())
    metas = {attrs.get("property") or attrs.get("name"): attrs.get("content")
             for tag, attrs in page.elements if tag == "meta"}
    assert metas["og:title"] == metas["twitter:title"] == payload("Headline")
    assert metas["og:description"] == payload("Teaser")
    assert metas["og:image:alt"] == payload("Alt")
    assert metas["article:section"] == payload("Section")
    [(_, document)] = [s for s in page.scripts if s[0].get("type") == "application/ld+json"]
    data = json.loads(document)
    assert data["headline"] == payload("Headline")
    assert data["author"][0]["name"] == payload("Author")
    assert "<" not in document  # every angle bracket escaped inside the script element


def test_print_view_shows_the_payloads_as_text(client, poisoned):
    text = client.get(poisoned.get_absolute_url() + "?view=print").content.decode()
    assert escape(payload("Headline")) in text
    assert_inert_html(text, "print view")


FEEDS = [
    "/feeds/rss/", "/feeds/atom/",
    "/feeds/section/payload-section/rss/", "/feeds/section/payload-section/atom/",
    "/feeds/author/payload-author/rss/", "/feeds/author/payload-author/atom/",
]


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_carry_the_payloads_as_text(client, poisoned, url):
    tag = poisoned.tags.get()
    for feed_url in (url, f"/feeds/tag/{tag.slug}/{url.rstrip('/').rsplit('/', 1)[1]}/"):
        content = client.get(feed_url).content
        fromstring(content)  # well-formed XML, read without entities or DTDs
        parsed = feedparser.parse(content, sanitize_html=False)
        assert not parsed.bozo, parsed.get("bozo_exception")
        entry = next(e for e in parsed.entries if e.title == payload("Headline"))
        for html in [entry.summary, *(c.value for c in entry.get("content", []))]:
            assert_inert_html(html, feed_url)  # what a feed reader renders as HTML
        assert payload("Tag") in [term.term for term in entry.tags]


@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-news.xml"])
def test_sitemaps_are_well_formed_with_the_payloads(client, poisoned, url):
    root = fromstring(client.get(url).content)
    assert isinstance(root, Element)
    texts = [element.text or "" for element in root.iter()]
    if url == "/sitemap-news.xml":
        assert payload("Headline") in texts


@pytest.fixture
def desk_pages(poisoned):
    from reversion.models import Version

    article = poisoned
    base = f"/admin/articles/article/{article.pk}/"
    pages = {
        "article list": "/admin/articles/article/",
        "article list search": f"/admin/articles/article/?q={PAYLOAD}",
        "change form": base + "change/",
        "history": base + "history/",
        "preview": base + "preview/",
        "preview link": base + "preview-link/",
        "delete confirmation": base + "delete/",
        "image list": "/admin/articles/image/",
        "image form": f"/admin/articles/image/{article.lead_image_id}/change/",
        "author list": "/admin/articles/author/",
        "author form": f"/admin/articles/author/{article.desk_editor_id}/change/",
        "section list": "/admin/articles/section/",
        "video list": "/admin/articles/video/",
        "tag list": "/admin/taggit/tag/",
        "status log": "/admin/articles/statuschange/",
        "autocomplete": "/admin/autocomplete/?app_label=articles&model_name=article"
                        "&field_name=translation_of&term=Headline",
    }
    versions = list(Version.objects.get_for_object(article).order_by("pk"))
    if len(versions) >= 2:
        pages["compare"] = (
            f"{base}history/compare/?version_id1={versions[0].pk}&version_id2={versions[-1].pk}"
        )
        pages["restore form"] = f"{base}history/{versions[0].pk}/"
    return pages


def test_desk_pages_show_the_payloads_as_text(client, chief, poisoned, desk_pages):
    client.force_login(chief)
    # Two saves through the desk: revisions to compare, with the payload in both.
    for headline in (payload("Headline"), payload("Headline v2")):
        client.post(f"/admin/articles/article/{poisoned.pk}/change/",
                    article_form_data(poisoned, headline=headline))
    for where, path in desk_pages.items():
        response = client.get(path)
        assert response.status_code == 200, where
        if response["Content-Type"].startswith("application/json"):
            continue  # the admin's autocomplete answers JSON, which its script inserts as text
        assert_inert_html(response.content.decode(), where)


def test_compare_view_shows_payload_changes_as_text(client, chief, poisoned):
    from reversion.models import Version

    client.force_login(chief)
    change = f"/admin/articles/article/{poisoned.pk}/change/"
    client.post(change, article_form_data(poisoned, headline="Plain headline"))
    client.post(change, article_form_data(poisoned, headline=payload("Headline")))
    first, *_, last = Version.objects.get_for_object(poisoned).order_by("pk")
    response = client.get(
        f"/admin/articles/article/{poisoned.pk}/history/compare/",
        {"version_id1": first.pk, "version_id2": last.pk},
    )
    assert response.status_code == 200
    assert "__xss" in response.content.decode()  # the change is shown…
    assert_inert_html(response.content.decode(), "compare")  # …as text


def test_publish_message_escapes_the_headline(client, editor):
    article = make_article(headline=payload("Headline"))
    client.force_login(editor)
    change = f"/admin/articles/article/{article.pk}/change/"
    response = client.post(change, article_form_data(
        article, _transition="publish_directly", _transition_note=payload("Note")), follow=True)
    text = response.content.decode()
    assert f"Published: “{escape(payload('Headline'))}”" in text
    assert_inert_html(text, "publish message")
    # The reason shows in the status history of the form and in the status log.
    for path in (change, "/admin/articles/statuschange/"):
        text = client.get(path).content.decode()
        assert escape(payload("Note")) in text, path
        assert_inert_html(text, path)


def test_bulk_action_warning_escapes_the_headline(client, editor):
    article = make_article(headline=payload("Headline"), lead_image=None)
    client.force_login(editor)
    response = client.post("/admin/articles/article/", {
        "action": "publish_selected", "_selected_action": [article.pk]}, follow=True)
    text = response.content.decode()
    assert escape(payload("Headline")) in text
    assert_inert_html(text, "bulk warning")
