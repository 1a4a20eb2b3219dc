"""Reader search: headline, teaser and body; live articles only; any input is safe."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.models import Article
from articles.search import (
    FALLBACK_CONFIG,
    MAX_QUERY_LENGTH,
    SEARCH_CONFIGS,
    SEARCH_INDEX,
    clean_query,
    document_sql,
    search_articles,
)
from tests.conftest import article_form_data, change_url, make_article, publish

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="full-text search runs on PostgreSQL: set DATABASE_URL=postgres://…",
)
fallback_only = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="the simple search is the non-PostgreSQL fallback"
)


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def live(hours=1, **fields):
    return publish(make_article(**fields), at=hours_ago(hours))


def found(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return list(response.context["articles"])


@pytest.fixture
def stories(superuser):
    return {
        "headline": live(headline="Quokka census begins", hours=3),
        "teaser": live(headline="Island report", teaser="Rangers count every wombat.", hours=2),
        "body": live(headline="Ferry news", body="<p>The ferry carried a <em>platypus</em>.</p>"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [("quokka", "headline"), ("wombat", "teaser"), ("platypus", "body"), ("PLATYPUS", "body")],
)
def test_search_finds_a_word_in_headline_teaser_or_body(client, stories, query, expected):
    assert found(client, query) == [stories[expected]]


def test_search_needs_every_word(client, stories):
    assert found(client, "ferry platypus") == [stories["body"]]
    assert found(client, "ferry quokka") == []


@postgresql_only
def test_search_does_not_match_markup(client, stories):
    """The body's tags are not words a reader searched for (the fallback reads raw HTML)."""
    assert found(client, "em") == []


@postgresql_only
def test_search_does_not_match_link_addresses_or_attributes(client, superuser):
    body = '<p>Read <a href="https://quokka.example/" title="cute &gt; 5 > zebra">report</a>.</p>'
    article = live(headline="Island news", body=body)

    assert found(client, "report") == [article]
    assert found(client, "quokka") == []
    assert found(client, "zebra") == []


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_empty_search_shows_nothing(client, stories, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert list(response.context["articles"]) == []


def test_search_without_q_shows_nothing(client, stories):
    response = client.get("/search/")
    assert response.status_code == 200
    assert list(response.context["articles"]) == []


@pytest.fixture
def hidden(superuser):
    """The word "quokka" in an article of every state a reader must not see."""
    articles = {
        name: make_article(headline=f"Quokka {name}") for name in ["draft", "review", "withdrawn"]
    }
    workflow.transition(articles["review"], "submit", superuser)
    publish(articles["withdrawn"], at=hours_ago(1))
    workflow.transition(articles["withdrawn"], "withdraw", superuser, "Retracted")
    articles["scheduled"] = publish(
        make_article(headline="Quokka scheduled"), at=timezone.now() + timedelta(hours=1)
    )
    return articles


def test_search_never_shows_unpublished_scheduled_or_withdrawn_articles(client, hidden):
    visible = live(headline="Quokka live")

    response = client.get("/search/", {"q": "quokka"})

    assert list(response.context["articles"]) == [visible]
    for article in hidden.values():
        assert article.headline not in response.content.decode()


def test_search_function_keeps_to_the_queryset_it_is_given(hidden):
    visible = live(headline="Quokka live")

    assert list(search_articles(Article.objects.live(), "quokka")) == [visible]


ODD_QUERIES = [
    '"',
    "'",
    '"unterminated quote',
    "a & b | !c",
    "!!! ||| &&& ::: *",
    "-",
    "or",
    "(quokka",
    "quokka:*",
    "100%",
    "_",
    "\\",
    "<script>alert(1)</script>",
    "'; DROP TABLE articles_article; --",
    "Käse Straße 東京 😀",
    "nul\x00byte",
    "\x1b[31m control",
    "q" * 1000,
    "quokka " * 300,
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_search_input_never_errors(client, stories, query):
    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_odd_input_still_finds_the_words_in_it(client, stories):
    assert found(client, '"quokka" & | !') == [stories["headline"]]


def test_clean_query_drops_control_characters_and_caps_the_length():
    assert clean_query("  nul\x00byte\x1b and\ttabs  ") == "nul byte and tabs"
    assert len(clean_query("q" * 1000)) == MAX_QUERY_LENGTH
    assert clean_query("") == ""


@fallback_only
def test_fallback_lists_newest_first(client, superuser):
    older = live(headline="Quokka old", hours=5)
    newer = live(headline="Quokka new", hours=1)

    assert found(client, "quokka") == [newer, older]


@postgresql_only
def test_headline_hit_ranks_above_body_hit(client, superuser):
    in_headline = live(headline="Quokka numbers rise", hours=5)
    in_body = live(headline="Island news", body="<p>A quokka was seen.</p>", hours=1)

    assert found(client, "quokka") == [in_headline, in_body]


@postgresql_only
def test_teaser_hit_ranks_between_headline_and_body(client, superuser):
    in_body = live(headline="Island news", body="<p>A quokka was seen.</p>", hours=1)
    in_teaser = live(headline="Wildlife", teaser="Where the quokka lives.", hours=2)
    in_headline = live(headline="Quokka numbers rise", hours=3)

    assert found(client, "quokka") == [in_headline, in_teaser, in_body]


@postgresql_only
def test_search_stems_each_article_in_its_own_language(client, superuser):
    english = live(headline="Councils approve budgets", teaser="Two votes.", body="<p>Late.</p>")
    german = live(
        headline="Die Häuser am Hafen", teaser="Ein Bericht.", body="<p>Spät.</p>", language="de"
    )

    assert found(client, "budget") == [english]
    assert found(client, "Haus") == [german]


@postgresql_only
def test_stemming_finds_haus_in_german_articles_only(client, superuser):
    german = live(headline="Die Häuser am Hafen", language="de", hours=2)
    english = live(headline="The Häuser gallery reopens", language="en", hours=1)

    assert found(client, "Haus") == [german]
    assert set(found(client, "Häuser")) == {english, german}  # the word itself, in both
    assert found(client, "galleries") == [english]


# The stored vector: kept current by the database on every write path.


@postgresql_only
def test_an_article_changed_by_queryset_update_is_found_by_its_new_words(client, uncached):
    article = live(headline="Council meets")
    assert found(client, "quokka") == []

    Article.objects.filter(pk=article.pk).update(headline="Quokkas invade the council")

    assert found(client, "quokka") == [article]
    assert found(client, "meets") == []


@postgresql_only
def test_an_article_changed_by_raw_sql_is_found_by_its_new_words(client, uncached):
    article = live(teaser="A quiet day.")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET teaser = %s WHERE id = %s",
            ["Wombats everywhere.", article.pk],
        )

    assert found(client, "wombat") == [article]


@postgresql_only
def test_an_edit_in_the_desk_is_found_by_its_new_words(client, editor, live_article):
    desk = Client()
    desk.force_login(editor)
    desk.post(change_url(live_article), article_form_data(live_article, body="<p>Kangaroos.</p>"))

    assert found(client, "kangaroo") == [live_article]


@postgresql_only
@pytest.mark.parametrize("language", [*SEARCH_CONFIGS, "xx"])
def test_stored_vector_uses_the_configuration_of_the_articles_language(superuser, language):
    """Guards the generated column against drifting from SEARCH_CONFIGS (see search.py)."""
    article = live(headline="Die Häuser am Hafen", body="<p>Running <b>councils</b>.</p>")
    Article.objects.filter(pk=article.pk).update(language=language)  # "xx": any other
    config = SEARCH_CONFIGS.get(language, FALLBACK_CONFIG)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT search_vector = ({document_sql(config)}) FROM articles_article WHERE id = %s",
            [article.pk],
        )
        assert cursor.fetchone() == (True,)


@postgresql_only
def test_search_uses_the_gin_index(superuser):
    # Enough rows that an index beats reading the table; bulk_create skips save() as bulk
    # imports do, and the database fills the vector all the same.
    Article.objects.bulk_create(
        Article(
            headline=f"Council meeting {number}",
            slug=f"council-meeting-{number}",
            language=["en", "de"][number % 2],
            status=Article.Status.PUBLISHED,
            published_at=hours_ago(2),
        )
        for number in range(500)
    )
    quokka = live(headline="Quokka census begins", language="de")
    with connection.cursor() as cursor:
        # As autovacuum would: move new entries out of the index's pending list (which the
        # planner counts as a cost) and gather statistics. The setting ends with the test's
        # transaction.
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [SEARCH_INDEX])
        cursor.execute("ANALYZE articles_article")
        cursor.execute("SET LOCAL enable_seqscan = off")

    search = search_articles(Article.objects.live(), "quokka census")

    assert SEARCH_INDEX in search.explain()
    assert list(search) == [quokka]


# Query budget.


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_search_runs_the_same_queries_for_3_and_20_results(client, superuser, uncached):
    def add(count):
        for _ in range(count):
            live(headline=f"Quokka story {Article.objects.count()}", tags=["Quokka", "Budget"])

    url = "/search/?q=quokka"
    add(3)
    client.get(url)  # warm process-wide caches such as content types
    few = count_queries(client, url)
    add(17)
    many = count_queries(client, url)

    assert len(found(client, "quokka")) == 20
    assert many == few


def test_search_page_runs_three_queries(client, superuser, uncached):
    """The count, the page of articles and their bylines."""
    live(headline="Quokka census", tags=["Quokka"])
    client.get("/search/?q=quokka")  # warm process-wide caches such as content types

    assert count_queries(client, "/search/?q=quokka") == 3
