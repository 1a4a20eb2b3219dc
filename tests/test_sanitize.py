"""Bodies and updates are stored reduced to the allowlist, however they are saved."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, ArticleUpdate
from tests.conftest import article_form_data, change_url, make_article, publish

pytestmark = pytest.mark.django_db


# Each attack, and the harmless text around it that must survive.
ATTACKS = {
    "script": ('<p>Before</p><script>alert("x")</script><p>After</p>', "<p>Before</p><p>After</p>"),
    "onclick": ('<p onclick="alert(1)">Click me</p>', "<p>Click me</p>"),
    "img-onerror": ('<p>Pic</p><img src="x" onerror="alert(1)">', "<p>Pic</p>"),
    "javascript-link": ('<a href="javascript:alert(1)">Link</a>', "Link</a>"),
    "mixed-case-javascript-link": ('<a href=" JaVaScRiPt:alert(1)">Link</a>', "Link</a>"),
    "entity-javascript-link": ('<a href="java&#x09;script:alert(1)">Link</a>', "Link</a>"),
    "iframe": ('<iframe src="https://evil.example/">framed</iframe><p>Text</p>', "<p>Text</p>"),
    "style": (
        '<style>body { display: none }</style><p style="color: red">Styled</p>',
        "<p>Styled</p>",
    ),
    "svg-onload": ('<svg onload="alert(1)"><circle r="1"/></svg><p>Drawn</p>', "<p>Drawn</p>"),
    "data-link": (
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">Data</a>',
        "Data</a>",
    ),
    "data-image": (
        '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="><p>Img</p>',
        "<p>Img</p>",
    ),
}
FORBIDDEN = [
    "<script", "alert", "onclick", "onerror", "onload", "javascript", "<iframe", "evil.example",
    "framed", "<style", "style=", "display", "<svg", "data:", "base64", "<img",
]
ALLOWED_MARKUP = [
    "<h2>A heading</h2>",
    '<a href="https://example.org/report"',
    ">the report</a>",
    "<ul><li>One</li><li>Two</li></ul>",
    "<blockquote><p>A quote</p></blockquote>",
    "<strong>bold</strong>",
    "<em>italic</em>",
]
ALLOWED_BODY = (
    "<h2>A heading</h2>"
    '<p>Read <a href="https://example.org/report">the report</a>, '
    "<strong>bold</strong> and <em>italic</em>.</p>"
    "<ul><li>One</li><li>Two</li></ul>"
    "<blockquote><p>A quote</p></blockquote>"
)
ATTACK_CASES = [pytest.param(html, kept, id=name) for name, (html, kept) in ATTACKS.items()]


def assert_clean(html):
    lowered = html.lower()
    for fragment in FORBIDDEN:
        assert fragment not in lowered, fragment


def stored_body(article):
    return Article.objects.values_list("body", flat=True).get(pk=article.pk)


def update_form_data(article, text):
    """The change form with one new update or correction added in the inline."""
    now = timezone.localtime()
    return article_form_data(article, **{
        "updates-TOTAL_FORMS": 1,
        "updates-INITIAL_FORMS": 0,
        "updates-0-kind": "correction",
        "updates-0-created_at_0": now.strftime("%Y-%m-%d"),
        "updates-0-created_at_1": now.strftime("%H:%M:%S"),
        "updates-0-text": text,
        "_continue": "1",
    })


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


# The body.


@pytest.mark.parametrize(("html", "kept"), ATTACK_CASES)
def test_body_is_cleaned_when_created_through_the_model(html, kept):
    body = stored_body(make_article(body=html))
    assert_clean(body)
    assert kept in body


@pytest.mark.parametrize(("html", "kept"), ATTACK_CASES)
def test_body_is_cleaned_when_changed_through_the_model(html, kept):
    article = make_article()
    article.body = html
    article.save()
    body = stored_body(article)
    assert_clean(body)
    assert kept in body


@pytest.mark.parametrize(("html", "kept"), ATTACK_CASES)
def test_body_is_cleaned_when_saved_through_the_admin(desk, html, kept):
    article = make_article()

    response = desk.post(change_url(article), article_form_data(article, body=html, _continue="1"))

    assert response.status_code == 302
    body = stored_body(article)
    assert_clean(body)
    assert kept in body


def test_allowed_markup_survives_the_model():
    body = stored_body(make_article(body=ALLOWED_BODY))
    for fragment in ALLOWED_MARKUP:
        assert fragment in body, fragment


def test_allowed_markup_survives_the_admin(desk):
    article = make_article()

    response = desk.post(
        change_url(article), article_form_data(article, body=ALLOWED_BODY, _continue="1")
    )

    assert response.status_code == 302
    body = stored_body(article)
    for fragment in ALLOWED_MARKUP:
        assert fragment in body, fragment


def test_saving_a_clean_body_again_keeps_it_unchanged(desk):
    article = make_article(body=ALLOWED_BODY)
    first = stored_body(article)

    desk.post(change_url(article), article_form_data(article, _continue="1"))

    assert stored_body(article) == first


# Updates and corrections.


@pytest.mark.parametrize(("html", "kept"), ATTACK_CASES)
def test_update_text_is_cleaned_when_saved_through_the_model(html, kept):
    update = ArticleUpdate.objects.create(article=make_article(), text=html)
    text = ArticleUpdate.objects.values_list("text", flat=True).get(pk=update.pk)
    assert_clean(text)
    assert kept in text


@pytest.mark.parametrize(("html", "kept"), ATTACK_CASES)
def test_update_text_is_cleaned_when_saved_through_the_admin(desk, html, kept):
    article = make_article()

    response = desk.post(change_url(article), update_form_data(article, html))

    assert response.status_code == 302
    text = article.updates.values_list("text", flat=True).get()
    assert_clean(text)
    assert kept in text


def test_update_keeps_allowed_markup():
    update = ArticleUpdate.objects.create(article=make_article(), text=ALLOWED_BODY)
    update.refresh_from_db()
    for fragment in ALLOWED_MARKUP:
        assert fragment in update.text, fragment


# What readers get.


def test_article_page_carries_no_active_content(client, superuser):
    attacks = "".join(html for html, _kept in ATTACKS.values())
    article = make_article(body=attacks)
    ArticleUpdate.objects.create(article=article, text=attacks)
    publish(article, at=timezone.now() - timedelta(minutes=1))

    page = client.get(article.get_absolute_url()).content.decode().lower()

    # Our own scripts load from files; structured data is an inert data block.
    scripts = re.findall(r"<script[^>]*>", page)
    assert all(
        re.fullmatch(r'<script src="/static/js/[a-z]+(\.[0-9a-f]{12})?\.js" defer>', tag)
        or tag == '<script type="application/ld+json">'
        for tag in scripts
    ), scripts
    for fragment in ["onclick", "onerror", "onload", "javascript:", "<iframe", "<svg"]:
        assert fragment not in page, fragment


def test_headline_and_teaser_are_escaped_for_readers(client, superuser):
    article = make_article(
        headline="<script>alert(1)</script> Escaped headline",
        teaser='<img src=x onerror="alert(2)"> Escaped teaser',
    )
    publish(article, at=timezone.now() - timedelta(minutes=1))

    for url in [article.get_absolute_url(), "/", "/feeds/rss/", "/feeds/atom/"]:
        content = client.get(url).content.decode()
        assert "<script>alert(1)" not in content, url
        assert "<img src=x" not in content, url
        assert "Escaped headline" in content, url
