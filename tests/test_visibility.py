"""Readers see live articles only, on every public URL, in a bounded number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleUpdate, Author, Video
from tests.conftest import make_article, publish

pytestmark = pytest.mark.django_db


PUBLIC_LISTS = [
    "/",
    "/section/politics/",
    "/tag/quokka/",
    "/author/staff/",
    "/search/?q=quokka",
    "/feeds/rss/",
    "/feeds/atom/",
    "/sitemap.xml",
]
HTML_LISTS = PUBLIC_LISTS[:5]
HIDDEN = ["draft", "review", "scheduled", "withdrawn"]


def story(headline):
    """An article in the politics section, by the staff writer, tagged and searchable."""
    return make_article(
        headline=headline,
        body=f"<p>{headline} is a quokka story.</p>",
        tags=["Quokka"],
    )


@pytest.fixture
def newsroom(superuser):
    """One article in each state a reader must not see, and a live control."""
    past = timezone.now() - timedelta(hours=1)
    articles = {
        "live": publish(story("Alpha live control"), at=past, user=superuser),
        "draft": story("Bravo hidden draft"),
        "review": story("Charlie hidden review"),
        "scheduled": publish(
            story("Delta hidden scheduled"), at=timezone.now() + timedelta(hours=1), user=superuser
        ),
        "withdrawn": publish(story("Echo hidden withdrawn"), at=past, user=superuser),
    }
    workflow.transition(articles["review"], "submit", superuser)
    workflow.transition(articles["withdrawn"], "withdraw", superuser, "Retracted")
    return articles


def shows(response, article):
    content = response.content.decode()
    return article.headline in content or article.get_absolute_url() in content


def test_newsroom_states_are_as_named(newsroom):
    statuses = {name: Article.objects.get(pk=a.pk).status for name, a in newsroom.items()}
    assert statuses == {
        "live": "published",
        "draft": "draft",
        "review": "review",
        "scheduled": "published",
        "withdrawn": "withdrawn",
    }
    assert list(Article.objects.live()) == [newsroom["live"]]


@pytest.mark.parametrize("url", PUBLIC_LISTS)
def test_public_list_shows_only_live_articles(client, newsroom, url):
    response = client.get(url)

    assert response.status_code == 200
    assert newsroom["live"].get_absolute_url() in response.content.decode()
    for name in HIDDEN:
        assert not shows(response, newsroom[name]), name


@pytest.mark.parametrize("name", ["draft", "review", "scheduled"])
def test_unpublished_article_page_is_not_found(client, newsroom, name):
    response = client.get(newsroom[name].get_absolute_url())
    assert response.status_code == 404
    assert not shows(response, newsroom[name])


def test_withdrawn_article_page_is_gone(client, newsroom):
    article = newsroom["withdrawn"]
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert article.headline not in response.content.decode()


def test_live_article_page_is_shown(client, newsroom):
    response = client.get(newsroom["live"].get_absolute_url())
    assert response.status_code == 200
    assert "Alpha live control" in response.content.decode()


def test_wrong_slug_redirects_permanently_to_canonical_url(client, newsroom):
    article = newsroom["live"]
    response = client.get(f"/news/an-old-slug-{article.pk}.html")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


@pytest.mark.parametrize(("name", "status"), [
    ("draft", 404), ("review", 404), ("scheduled", 404), ("withdrawn", 410),
])
def test_wrong_slug_does_not_reveal_hidden_article(client, newsroom, name, status):
    response = client.get(f"/news/guessed-{newsroom[name].pk}.html")
    assert response.status_code == status
    assert "Location" not in response


def test_unknown_article_id_is_not_found(client, newsroom):
    assert client.get("/news/anything-999999.html").status_code == 404


@pytest.mark.parametrize("url", ["/section/nope/", "/tag/nope/", "/author/nope/"])
def test_unknown_list_slug_is_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", ["abc", "999", "0", "-1", "1.5", "last", ""])
@pytest.mark.parametrize("url", HTML_LISTS)
def test_odd_page_numbers_do_not_crash(client, newsroom, url, page):
    separator = "&" if "?" in url else "?"
    response = client.get(f"{url}{separator}page={page}")
    assert response.status_code in (200, 404)


def test_scheduled_article_stays_hidden_until_its_time(client, newsroom, uncached):
    """Moving its publish time into the past stands in for the clock moving on."""
    article = newsroom["scheduled"]
    assert not shows(client.get("/"), article)

    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )

    assert shows(client.get("/"), article)
    assert shows(client.get("/feeds/rss/"), article)
    assert client.get(article.get_absolute_url()).status_code == 200


# Query budgets.


def staff_pool(count):
    return [
        Author.objects.create(name=f"Writer {code}", slug=f"writer-{code}", short_code=code)
        for code in ["ab", "cd", "ef", "gh", "ij", "kl"][:count]
    ]


def add_live_stories(count, authors):
    """Publish `count` stories, each newer than the last, by three writers with three tags."""
    past = timezone.now() - timedelta(hours=1)
    stories = []
    for number in range(count):
        article = make_article(
            headline=f"Quokka budget story {Article.objects.count() + 1}",
            authors=authors[number % 3 : number % 3 + 3],
            tags=["Quokka", "Budget", f"Topic {number}"],
        )
        stories.append(publish(article, at=past + timedelta(seconds=Article.objects.count())))
    return stories


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", [url for url in PUBLIC_LISTS if url != "/author/staff/"] + ["/author/writer-ef/"]
)
def test_list_runs_the_same_queries_for_5_and_25_articles(client, superuser, url, uncached):
    authors = staff_pool(6)
    add_live_stories(5, authors)
    client.get(url)  # warm process-wide caches such as content types
    few = count_queries(client, url)

    newest = add_live_stories(20, authors)[-1]
    many = count_queries(client, url)

    assert newest.get_absolute_url() in client.get(url).content.decode()
    assert many == few


def rich_article():
    article = make_article(
        headline="Rich story",
        authors=staff_pool(4),
        tags=["Quokka", "Budget", "Tax", "Parliament", "Vote"],
        desk_editor=Author.objects.create(name="Desk", slug="desk", short_code="dsk"),
    )
    for number in range(3):
        ArticleUpdate.objects.create(article=article, text=f"<p>Update {number}</p>")
    for number in range(2):
        article.videos.add(
            Video.objects.create(
                title=f"Clip {number}", provider="youtube", url=f"https://example.org/{number}"
            )
        )
    return article


def test_article_page_runs_a_fixed_number_of_queries(client, superuser, uncached):
    past = timezone.now() - timedelta(hours=1)
    plain = publish(make_article(headline="Plain story"), at=past)
    rich = publish(rich_article(), at=past)
    client.get(plain.get_absolute_url())  # warm process-wide caches such as content types

    plain_queries = count_queries(client, plain.get_absolute_url())
    rich_queries = count_queries(client, rich.get_absolute_url())

    assert rich_queries == plain_queries
    assert rich_queries <= 6
