"""RSS and Atom feeds: full content, live articles only, per section, tag and author."""

from datetime import timedelta

import feedparser
import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles import feeds, workflow
from articles.models import Article, Author, Section
from tests.conftest import make_article, publish

pytestmark = pytest.mark.django_db

FORMATS = ["rss", "atom"]
HIDDEN = ["draft", "review", "scheduled", "withdrawn"]


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def links(parsed):
    return [entry.link for entry in parsed.entries]


def absolute(article):
    return f"http://testserver{article.get_absolute_url()}"


@pytest.fixture
def writers(db):
    return [
        Author.objects.create(name="Zoe Zeta", slug="zoe-zeta", short_code="zz"),
        Author.objects.create(name="Anna Alpha", slug="anna-alpha", short_code="aa"),
    ]


@pytest.fixture
def story(superuser, writers):
    """A live story with two writers, tags, a lead image, a German text and HTML in the body."""
    return publish(
        make_article(
            headline="Tom & Jerry <3 the budget",
            teaser="Cats & mice agree: 5 < 6.",
            body='<p>Full <strong>body</strong> text with a <a href="https://example.org/">link</a>.</p>',
            language="de",
            authors=writers,
            tags=["Quokka", "Budget"],
        ),
        at=hours_ago(2),
    )


@pytest.fixture
def hidden(superuser):
    """One article in each state a reader must not see, all in the politics section."""

    def tagged(headline):
        return make_article(headline=headline, tags=["Quokka"])

    articles = {
        "draft": tagged("Hidden draft"),
        "review": tagged("Hidden review"),
        "scheduled": publish(tagged("Hidden scheduled"), at=timezone.now() + timedelta(hours=1)),
        "withdrawn": publish(tagged("Hidden withdrawn"), at=hours_ago(1)),
    }
    workflow.transition(articles["review"], "submit", superuser)
    workflow.transition(articles["withdrawn"], "withdraw", superuser, "Retracted")
    return articles


@pytest.mark.parametrize("kind", FORMATS)
def test_feed_item_carries_full_content_and_metadata(client, story, writers, kind):
    parsed = read_feed(client, f"/feeds/{kind}/")

    [entry] = parsed.entries
    assert entry.title == "Tom & Jerry <3 the budget"
    assert entry.link == absolute(story)
    assert entry.content[0].value == story.body
    assert entry.summary == "Cats &amp; mice agree: 5 &lt; 6."
    assert [author.name for author in entry.authors] == ["Zoe Zeta", "Anna Alpha"]
    assert [tag.term for tag in entry.tags] == ["Politics", "Budget", "Quokka"]
    language = entry.get("language") or entry.content[0].language  # RSS dc:, Atom xml:lang
    assert language == "de"
    [image] = entry.media_content
    assert image["url"] == f"http://testserver{story.lead_image.file.url}"
    assert (image["width"], image["height"]) == ("40", "30")
    assert image["type"] == "image/png"


@pytest.mark.parametrize("kind", FORMATS)
def test_feed_dates_are_in_the_newsrooms_time_zone(client, story, kind):
    published = timezone.localtime(story.published_at)

    entry = read_feed(client, f"/feeds/{kind}/").entries[0]

    offset = published.strftime("%z")
    expected = offset if kind == "rss" else f"{offset[:3]}:{offset[3:]}"
    assert entry.published.endswith(expected)
    assert published.strftime("%H:%M:%S") in entry.published


def test_atom_entry_links_authors_and_lead_image(client, story):
    entry = read_feed(client, "/feeds/atom/").entries[0]

    assert [author.href for author in entry.authors] == [
        "http://testserver/author/zoe-zeta/",
        "http://testserver/author/anna-alpha/",
    ]
    assert entry.enclosures[0].href == f"http://testserver{story.lead_image.file.url}"
    assert entry.updated_parsed >= entry.published_parsed


@pytest.mark.parametrize("kind", FORMATS)
def test_feed_guid_stays_the_same_when_the_slug_is_corrected(client, story, kind, uncached):
    before = read_feed(client, f"/feeds/{kind}/").entries[0].id
    Article.objects.filter(pk=story.pk).update(slug="corrected-slug")

    entry = read_feed(client, f"/feeds/{kind}/").entries[0]

    assert entry.link.endswith(f"/news/corrected-slug-{story.pk}.html")
    assert entry.id == before
    assert before.startswith("tag:testserver,") and before.endswith(f":article-{story.pk}")


@pytest.mark.parametrize(
    "url",
    [
        f"/feeds/{scope}{kind}/"
        for scope in ["", "section/politics/", "tag/quokka/", "author/staff/"]
        for kind in FORMATS
    ],
)
def test_feed_lists_only_live_articles(client, hidden, url):
    live = publish(make_article(headline="Live control", tags=["Quokka"]), at=hours_ago(1))

    parsed = read_feed(client, url)

    assert links(parsed) == [absolute(live)]
    for name in HIDDEN:
        assert hidden[name].headline not in str(parsed), name


def test_feeds_are_narrowed_to_their_section_tag_and_author(client, superuser, writers):
    sport = Section.objects.create(name="Sport", slug="sport")
    politics = publish(make_article(headline="Budget vote", tags=["Budget"]), at=hours_ago(3))
    match = publish(
        make_article(headline="Cup final", section=sport, authors=[writers[0]], tags=["Cup"]),
        at=hours_ago(2),
    )
    both = publish(
        make_article(headline="Stadium budget", section=sport, tags=["Budget", "Cup"]),
        at=hours_ago(1),
    )

    expected = {
        "/feeds/rss/": [both, match, politics],
        "/feeds/section/sport/rss/": [both, match],
        "/feeds/section/politics/atom/": [politics],
        "/feeds/tag/budget/rss/": [both, politics],
        "/feeds/tag/cup/atom/": [both, match],
        "/feeds/author/zoe-zeta/rss/": [match],
        "/feeds/author/staff/atom/": [both, politics],
    }
    for url, articles in expected.items():
        assert links(read_feed(client, url)) == [absolute(a) for a in articles], url


def test_scoped_feed_is_titled_and_linked_after_its_subject(client, story):
    parsed = read_feed(client, "/feeds/section/politics/atom/")

    assert parsed.feed.title == "Politics – Newsroom"
    assert parsed.feed.link == "http://testserver/section/politics/"


def test_feed_keeps_to_its_size(client, superuser, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_SIZE", 2)
    stories = [publish(make_article(headline=f"Story {n}"), at=hours_ago(5 - n)) for n in range(3)]

    assert links(read_feed(client, "/feeds/rss/")) == [absolute(stories[2]), absolute(stories[1])]


@pytest.mark.parametrize(
    "url",
    [f"/feeds/{scope}/nope/{kind}/" for scope in ["section", "tag", "author"] for kind in FORMATS],
)
def test_feed_of_unknown_section_tag_or_author_is_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("kind", FORMATS)
def test_feed_of_a_tag_only_hidden_articles_carry_is_not_found(client, hidden, kind):
    make_article(headline="Embargoed merger", tags=["Acme merger"])

    assert client.get(f"/feeds/tag/acme-merger/{kind}/").status_code == 404


# Query budget.


def add_live_stories(count, writers):
    for _ in range(count):
        publish(
            make_article(
                headline=f"Quokka story {Article.objects.count() + 1}",
                authors=writers,
                tags=["Quokka", f"Topic {Article.objects.count()}"],
            ),
            at=hours_ago(1) + timedelta(seconds=Article.objects.count()),
        )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        f"/feeds/{scope}{kind}/"
        for scope in ["", "section/politics/", "tag/quokka/", "author/zoe-zeta/"]
        for kind in FORMATS
    ],
)
def test_feed_runs_the_same_queries_for_3_and_20_items(client, superuser, writers, url, uncached):
    add_live_stories(3, writers)
    client.get(url)  # warm process-wide caches such as content types
    few = count_queries(client, url)

    add_live_stories(17, writers)
    many = count_queries(client, url)

    assert len(read_feed(client, url).entries) == 20
    assert many == few


# Autodiscovery.


def render_feed_links(**context):
    template = Template("{% load feeds %}{% feed_links section=section tag=tag author=author %}")
    return template.render(Context(context))


def test_feed_links_name_the_site_feeds_on_any_page(db):
    html = render_feed_links()

    assert html == (
        '<link rel="alternate" type="application/rss+xml" title="Newsroom (RSS)"'
        ' href="/feeds/rss/">\n'
        '<link rel="alternate" type="application/atom+xml" title="Newsroom (Atom)"'
        ' href="/feeds/atom/">'
    )


def test_feed_links_put_the_pages_own_feeds_first(db, writers):
    section = Section.objects.create(name="Arts & Culture", slug="arts")
    tag = Tag.objects.create(name='"Quokka"', slug="quokka")

    html = render_feed_links(section=section, tag=tag, author=writers[0])

    hrefs = [part.split('href="')[1].split('"')[0] for part in html.split("\n")]
    assert hrefs == [
        "/feeds/section/arts/rss/",
        "/feeds/section/arts/atom/",
        "/feeds/tag/quokka/rss/",
        "/feeds/tag/quokka/atom/",
        "/feeds/author/zoe-zeta/rss/",
        "/feeds/author/zoe-zeta/atom/",
        "/feeds/rss/",
        "/feeds/atom/",
    ]
    assert 'title="Arts &amp; Culture – Newsroom (RSS)"' in html
    assert 'title="&quot;Quokka&quot; – Newsroom (Atom)"' in html


def test_feed_links_ignore_a_missing_subject(db):
    """Templates pass `view.section` and the like, which are empty on other pages."""
    assert render_feed_links(section="", tag=None) == render_feed_links()


def test_a_feed_is_sent_as_one_piece(client, live_article):
    """A WSGI server writes each piece of a response on its own; a feed of 50 full articles
    in thousands of pieces cost more to send than to render."""
    response = client.get("/feeds/rss/")
    assert response.status_code == 200
    assert len(list(response)) == 1
