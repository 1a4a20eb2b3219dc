"""The print view of an article (`?view=print`): what a reader gets on screen and on paper."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleUpdate, Author
from articles.printing import LinkNotes
from tests.conftest import make_article, make_image, publish

BODY = (
    '<p>The <a href="https://parliament.example/budget">budget text</a> and the '
    '<a href="/news/earlier-story-7.html">earlier story</a> explain it.</p>'
    '<p>Questions: <a href="mailto:desk@newsroom.example">write to us</a> or '
    '<a href="tel:+4930123456">call</a>. Again the '
    '<a href="https://parliament.example/budget">budget</a>.</p>'
)


def print_url(article):
    return article.get_absolute_url() + "?view=print"


def live(**overrides):
    return publish(make_article(**overrides), at=timezone.now() - timedelta(minutes=5))


def endnotes(html):
    """The endnote list as [(number, url)], in the order it is printed."""
    section = html.split('class="endnotes"', 1)[1]
    return [
        (int(number), url)
        for number, url in re.findall(r'<li id="note-(\d+)">\[\d+\] <a href="([^"]*)"', section)
    ]


@pytest.mark.django_db
def test_print_view_is_noindex_with_canonical_to_the_article(client):
    article = live()
    html = client.get(print_url(article)).content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">' in html


@pytest.mark.django_db
def test_print_view_prints_the_full_article_url_first(client):
    article = live()
    html = client.get(print_url(article)).content.decode()
    url = f"http://testserver{article.get_absolute_url()}"
    header = html.split("<h1>", 1)[0]
    assert f'<p class="print-url"><a href="{url}">{url}</a></p>' in header


@pytest.mark.django_db
def test_links_are_numbered_in_order_and_listed_with_full_urls(client):
    article = live(body=BODY)
    html = client.get(print_url(article)).content.decode()
    text = re.sub(r"<[^>]+>", "", html)
    assert "budget text [1]" in text
    assert "earlier story [2]" in text
    assert "write to us [3]" in text
    assert "call [4]" in text
    assert "Again the budget [1]." in text  # the same URL keeps its number
    assert endnotes(html) == [
        (1, "https://parliament.example/budget"),
        (2, "http://testserver/news/earlier-story-7.html"),
        (3, "mailto:desk@newsroom.example"),
        (4, "tel:+4930123456"),
    ]


@pytest.mark.django_db
def test_links_in_updates_are_numbered_before_the_body_as_printed(client):
    article = live(body='<p>See <a href="https://b.example/">B</a>.</p>')
    ArticleUpdate.objects.create(
        article=article,
        kind=ArticleUpdate.Kind.CORRECTION,
        text='<p>We misnamed the source; <a href="https://a.example/">A</a> said it.</p>',
    )
    html = client.get(print_url(article)).content.decode()
    assert "Correction" in html
    assert endnotes(html) == [(1, "https://a.example/"), (2, "https://b.example/")]
    assert html.index("https://a.example/") < html.index('<div class="body">')


@pytest.mark.django_db
def test_a_hostile_link_cannot_break_out_of_the_page(client):
    article = live(
        body='<p><a href="https://x.example/?q=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">'
        "x</a></p>"
    )
    html = client.get(print_url(article)).content.decode()
    assert "<script>alert" not in html
    assert html.count("<script") == 1  # print.js


@pytest.mark.django_db
def test_article_without_links_has_no_endnotes(client):
    html = client.get(print_url(live())).content.decode()
    assert 'class="endnotes"' not in html


@pytest.mark.django_db
def test_print_view_has_no_navigation_share_or_listen_tools(client):
    article = live()
    html = client.get(print_url(article)).content.decode()
    for chrome in ("<nav", "site-header", "site-search", "site-footer", "data-share"):
        assert chrome not in html
    assert "data-listen" not in html
    assert html.count("<h1") == 1
    assert 'rel="me"' not in html


@pytest.mark.django_db
def test_print_view_shows_byline_image_credit_and_desk_editor(client):
    editor = Author.objects.create(name="Emma Wagner", slug="emma-wagner", short_code="emw")
    authors = [
        Author.objects.create(name="Ana Alves", slug="ana-alves", short_code="aa"),
        Author.objects.create(name="Bo Berg", slug="bo-berg", short_code="bb"),
    ]
    article = live(
        authors=authors,
        desk_editor=editor,
        kicker="Night session",
        lead_image=make_image(credit="Shutterstock/ioda", caption="The plenary hall"),
    )
    html = client.get(print_url(article)).content.decode()
    assert "Ana Alves, Bo Berg" in html
    assert "Politics" in html and "Night session" in html
    assert "The plenary hall (Image: Shutterstock/ioda)" in html
    assert 'alt="A red square" width="40" height="30"' in html
    assert '(<abbr title="Emma Wagner">emw</abbr>)' in html


@pytest.mark.django_db
def test_dates_are_shown_in_the_newsrooms_time_zone(client, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    article = publish(make_article(), at=datetime(2026, 1, 15, 12, 30, tzinfo=UTC))
    Article.objects.filter(pk=article.pk).update(  # a change within the same displayed minute
        updated_at=datetime(2026, 1, 15, 12, 30, 40, tzinfo=UTC)
    )
    html = client.get(print_url(article)).content.decode()
    assert 'Published: <time datetime="2026-01-15T13:30:00+01:00">' in html
    assert "Updated" not in html


@pytest.mark.django_db
def test_a_later_change_is_shown_as_updated(client, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    article = publish(make_article(), at=datetime(2026, 1, 15, 12, 30, tzinfo=UTC))
    Article.objects.filter(pk=article.pk).update(updated_at=datetime(2026, 1, 16, 8, 5, tzinfo=UTC))
    html = client.get(print_url(article)).content.decode()
    assert 'Updated: <time datetime="2026-01-16T09:05:00+01:00">' in html


@pytest.mark.django_db
def test_print_view_of_a_draft_is_not_found(client):
    assert client.get(print_url(make_article())).status_code == 404


@pytest.mark.django_db
def test_print_view_of_a_scheduled_article_is_not_found_yet(client):
    article = publish(make_article(), at=timezone.now() + timedelta(hours=1))
    assert client.get(print_url(article)).status_code == 404


@pytest.mark.django_db
def test_print_view_of_a_withdrawn_article_is_gone(client):
    article = live()
    chief = User.objects.get(username="publisher")
    workflow.transition(article, "withdraw", chief, "Legal asked us to")
    assert client.get(print_url(article)).status_code == 410


@pytest.mark.django_db
def test_wrong_slug_redirects_permanently_and_keeps_the_print_view(client):
    article = live()
    response = client.get(f"/news/old-headline-{article.pk}.html?view=print")
    assert response.status_code == 301
    assert response["Location"] == print_url(article)


@pytest.mark.django_db
def test_german_article_prints_in_german(client):
    article = live(language="de", lead_image=make_image(credit="dpa/Foto"))
    html = client.get(print_url(article), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="de">' in html
    assert "(Bild: dpa/Foto)" in html
    assert "Von Staff Writer" in html


@pytest.mark.django_db
def test_print_view_loads_its_script_from_a_file_and_never_inline(client):
    html = client.get(print_url(live())).content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all(
        re.search(r'src="/static/js/print(\.[0-9a-f]{12})?\.js"', tag) for tag in scripts
    )
    assert '<button type="button" data-print hidden>Print</button>' in html


@pytest.mark.django_db
def test_print_view_costs_no_more_queries_than_the_article_page(
    client, django_assert_max_num_queries
):
    article = live(body=BODY)
    for position in range(3):
        ArticleUpdate.objects.create(article=article, text=f"<p>Update {position}</p>")
    with django_assert_max_num_queries(6):
        assert client.get(print_url(article)).status_code == 200


# The endnote logic itself, on what the sanitiser lets through and on hostile leftovers.


def number(html, base="https://news.example/news/story-1.html"):
    notes = LinkNotes(base)
    return str(notes.number_links(html)), [(n.number, n.url) for n in notes.endnotes]


def test_text_and_attributes_stay_escaped():
    html, notes = number(
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; "
        '<a href="https://x.example/?q=&quot;&gt;&lt;script&gt;" title="a&quot;b">x</a></p>'
    )
    assert html == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; "
        '<a href="https://x.example/?q=&quot;&gt;&lt;script&gt;" title="a&quot;b" '
        'rel="noopener noreferrer">x</a> [1]</p>'
    )
    assert notes == [(1, 'https://x.example/?q="><script>')]


def test_markup_outside_the_allowlist_is_removed():
    html, notes = number(
        '<p onclick="steal()">a</p><script>alert(1)</script><img src="x" onerror="alert(1)">'
        '<a href="javascript:alert(1)">bad</a><a href="data:text/html,x">data</a>'
    )
    assert html == "<p>a</p>baddata"
    assert notes == []


def test_relative_and_protocol_relative_links_resolve_like_on_the_article_page():
    _, notes = number(
        '<a href="other-2.html">a</a><a href="//cdn.example/f">b</a><a href="#facts">c</a>'
    )
    assert notes == [
        (1, "https://news.example/news/other-2.html"),
        (2, "https://cdn.example/f"),
        (3, "https://news.example/news/story-1.html#facts"),
    ]


def test_a_link_inside_a_link_ends_the_outer_one():
    html, notes = number('<p><a href="https://a.example/">a<a href="https://b.example/">b</a></p>')
    assert re.sub(r"<[^>]+>", "", html) == "a [1]b [2]"
    assert [url for _, url in notes] == ["https://a.example/", "https://b.example/"]


def test_a_link_without_href_is_plain_text():
    html, notes = number("<p><a>nowhere</a> and <a href=' '>blank</a></p>")
    assert html == "<p>nowhere and blank</p>"
    assert notes == []


def test_empty_body_stays_empty():
    assert number("") == ("", [])
