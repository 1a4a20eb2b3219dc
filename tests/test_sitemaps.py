"""sitemap.xml, the Google News sitemap and robots.txt."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.models import Article, Author, Section
from articles.sitemaps import NewsSitemap
from tests.conftest import make_article, publish

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
}


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def parse(response):
    """Our own output, so the standard library's parser is safe here."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def locations(root):
    return [loc.text for loc in root.findall("sm:url/sm:loc", NS)]


def absolute(path):
    return f"http://testserver{path}"


@pytest.fixture
def hidden(superuser):
    """One article in each state a reader must not see, each with a tag and author of its own."""

    def story(name):
        author = Author.objects.create(
            name=f"{name} writer", slug=f"{name}-writer", short_code=name[:4]
        )
        return make_article(headline=f"Hidden {name}", authors=[author], tags=[f"secret {name}"])

    articles = {name: story(name) for name in ["draft", "review", "scheduled", "withdrawn"]}
    workflow.transition(articles["review"], "submit", superuser)
    publish(articles["scheduled"], at=timezone.now() + timedelta(hours=1))
    publish(articles["withdrawn"], at=hours_ago(1))
    workflow.transition(articles["withdrawn"], "withdraw", superuser, "Retracted")
    return articles


# sitemap.xml


def test_sitemap_lists_live_articles_and_the_pages_that_list_them(client, hidden):
    Section.objects.create(name="Empty", slug="empty")
    live = publish(make_article(headline="Live", tags=["Budget"]), at=hours_ago(1))

    urls = locations(parse(client.get("/sitemap.xml")))

    assert urls == [
        absolute(live.get_absolute_url()),
        absolute("/section/politics/"),
        absolute("/tag/budget/"),
        absolute("/author/staff/"),
    ]


def test_sitemap_lastmod_is_the_newest_change_of_what_a_page_lists(client, superuser):
    older = publish(make_article(headline="Older"), at=hours_ago(72))
    Article.objects.filter(pk=older.pk).update(updated_at=hours_ago(72))
    newer = publish(make_article(headline="Newer"), at=hours_ago(30))
    Article.objects.filter(pk=newer.pk).update(updated_at=hours_ago(30))

    root = parse(client.get("/sitemap.xml"))

    lastmods = {
        url.find("sm:loc", NS).text: url.find("sm:lastmod", NS).text
        for url in root.findall("sm:url", NS)
    }
    day = f"{timezone.localtime(hours_ago(30)):%Y-%m-%d}"
    assert lastmods[absolute("/section/politics/")] == day
    assert lastmods[absolute(newer.get_absolute_url())] == day


# The Google News sitemap.


@pytest.fixture
def news(superuser, hidden):
    return {
        "fresh": publish(
            make_article(headline="Fresh: Tom & Jerry <3 budgets", language="de"),
            at=hours_ago(1),
        ),
        "yesterday": publish(make_article(headline="Yesterday"), at=hours_ago(47)),
        "old": publish(make_article(headline="Three days old"), at=hours_ago(72)),
    }


def test_news_sitemap_lists_only_live_articles_of_the_last_48_hours(client, news, hidden):
    urls = locations(parse(client.get("/sitemap-news.xml")))

    assert urls == [
        absolute(news["fresh"].get_absolute_url()),
        absolute(news["yesterday"].get_absolute_url()),
    ]


def test_news_sitemap_entry_has_publication_date_title_and_language(client, news):
    root = parse(client.get("/sitemap-news.xml"))

    entry = root.find("sm:url", NS)
    fresh = news["fresh"]
    assert entry.find("news:news/news:publication/news:name", NS).text == "Newsroom"
    assert entry.find("news:news/news:publication/news:language", NS).text == "de"
    assert entry.find("news:news/news:title", NS).text == "Fresh: Tom & Jerry <3 budgets"
    published = timezone.localtime(fresh.published_at).replace(microsecond=0)
    assert entry.find("news:news/news:publication_date", NS).text == published.isoformat()
    assert entry.find("image:image/image:loc", NS).text == absolute(fresh.lead_image.file.url)


def test_news_sitemap_raw_xml_escapes_the_headline(client, news):
    assert (
        b"<news:title>Fresh: Tom &amp; Jerry &lt;3 budgets</news:title>"
        in client.get("/sitemap-news.xml").content
    )


def test_news_sitemap_counts_48_hours_back_from_the_given_time(news):
    # A day after the old story: it is news then, and the later ones have not appeared yet.
    then = news["old"].published_at + timedelta(hours=23)

    headlines = [article.headline for article in NewsSitemap(now=then).items()]

    assert headlines == ["Three days old"]


def test_news_sitemap_is_valid_when_nothing_is_new(client, db):
    root = parse(client.get("/sitemap-news.xml"))

    assert root.tag == f"{{{NS['sm']}}}urlset"
    assert root.findall("sm:url", NS) == []


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-news.xml"])
def test_sitemap_runs_the_same_queries_for_3_and_20_articles(client, superuser, url, uncached):
    def add(count):
        for _ in range(count):
            number = Article.objects.count()
            story = make_article(headline=f"Story {number}", tags=[f"Topic {number}"])
            publish(story, at=hours_ago(1))

    add(3)
    client.get(url)  # warm process-wide caches such as content types
    few = count_queries(client, url)
    add(17)
    many = count_queries(client, url)

    assert many == few


# robots.txt


def test_robots_txt_keeps_crawlers_out_of_private_and_duplicate_pages(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    for path in ["/admin/", "/preview/", "/search/", "/*?view=print"]:
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines


def test_robots_txt_names_the_sitemaps_on_the_host_and_scheme_served(client, settings):
    settings.ALLOWED_HOSTS = ["news.example.org"]

    response = client.get("/robots.txt", HTTP_HOST="news.example.org", secure=True)

    assert "Sitemap: https://news.example.org/sitemap-news.xml" in response.content.decode()
