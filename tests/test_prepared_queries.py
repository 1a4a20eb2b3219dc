"""The article page's prepared queries give what their plain querysets give (prepared.py)."""

import threading
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, connections, models
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone

from articles import views
from articles.models import Article, ArticleUpdate, Author, Byline, Section, Video
from articles.prepared import Constant, PreparedQuery, Slot
from tests.conftest import make_article, make_image, publish


def fields(instance):
    """An instance's loaded values and those of the related objects loaded with it."""
    values = {name: value for name, value in vars(instance).items() if name != "_state"}
    related = instance._state.fields_cache
    return values | {name: fields(obj) if obj else None for name, obj in related.items()}


def same(prepared_rows, plain_queryset):
    plain_rows = list(plain_queryset)
    assert [fields(row) for row in prepared_rows] == [fields(row) for row in plain_rows]
    return plain_rows


@pytest.fixture
def newsroom(db):
    desk = Author.objects.create(name="Erika Musterwald", slug="erika", short_code="emw")
    story = publish(make_article(
        headline="Harbour reopens", desk_editor=desk, lead_image=make_image(),
        tags=["storm", "harbour", "port"],
    ), at=timezone.now() - timedelta(hours=2))
    second = Author.objects.create(name="Ben Bauer", slug="ben", short_code="bb")
    Byline.objects.create(article=story, author=second, position=2)
    ArticleUpdate.objects.create(article=story, kind="update", text="<p>Later.</p>")
    ArticleUpdate.objects.create(article=story, kind="correction", text="<p>Fixed.</p>",
                                 created_at=timezone.now() - timedelta(hours=1))
    video = Video.objects.create(title="Cranes", provider="youtube",
                                 url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                                 poster=make_image())
    story.videos.add(video)
    translation = publish(make_article(headline="Hafen offen", language="de",
                                       translation_of=story, tags=["hafen"]))
    related = [publish(make_article(headline=f"Storm {n}", tags=["storm", "port"][: n % 2 + 1]))
               for n in range(7)]
    publish(make_article(headline="Embargoed", tags=["storm"]),
            at=timezone.now() + timedelta(hours=3))
    make_article(headline="Draft", tags=["storm", "harbour", "port"])
    return story, translation, related


def test_each_article_page_query_gives_what_its_queryset_gives(newsroom):
    story, translation, _related = newsroom
    for article in (story, translation):
        rows = same(
            views.LIVE_ARTICLE.run(pk=article.pk, now=timezone.now()),
            views.article_page_queryset().live().filter(pk=article.pk),
        )
        assert rows == [article]
        same(views.BYLINES.run(article=article.pk),
             Byline.objects.filter(article=article).select_related("author"))
        tags = same(views.TAGS.run(article=article.pk), article.tags.order_by("name"))
        same(views.UPDATES.run(article=article.pk),
             ArticleUpdate.objects.filter(article=article).order_by("-created_at"))
        same(views.VIDEOS.run(article=article.pk),
             Video.objects.filter(article=article).select_related("poster"))
        related = same(
            views.related_articles(article, tags),
            Article.objects.live().related_to(article, tags),
        )
        assert [row.in_family for row in related] == sorted(
            (row.in_family for row in related), reverse=True
        )
    assert len(story.tags.all()) == 3 and len(views.BYLINES.run(article=story.pk)) == 2


def test_related_keeps_to_the_querysets_own_conditions(newsroom):
    story, translation, _related = newsroom
    tags = list(story.tags.all())
    german = Article.objects.live().filter(language="de").related_to(story, tags)
    assert [row.pk for row in german] == [translation.pk]
    everything = Article.objects.all().related_to(story, tags, limit=20)
    assert Article.objects.get(headline="Draft").pk in {row.pk for row in everything}
    with pytest.raises(ValueError, match="own columns"):
        Article.objects.filter(section__slug="news").related_to(story, tags)


def test_values_change_between_runs_of_one_compiled_query(newsroom):
    story, _translation, related = newsroom
    embargoed = Article.objects.get(headline="Embargoed")
    assert views.LIVE_ARTICLE.run(pk=related[0].pk, now=timezone.now()) == [related[0]]
    assert views.LIVE_ARTICLE.run(pk=embargoed.pk, now=timezone.now()) == []
    later = timezone.now() + timedelta(hours=4)
    assert views.LIVE_ARTICLE.run(pk=embargoed.pk, now=later) == [embargoed]
    # Articles with one, two and three tags: one compiled query for each number of tags.
    for article in (related[0], related[1], story):
        tags = list(article.tags.all())
        same(views.related_articles(article, tags),
             Article.objects.live().related_to(article, tags))
    assert {shape for _alias, shape in views.RELATED.compiled} >= {1, 2, 3}


def test_a_run_is_one_query_and_compiles_nothing(newsroom, monkeypatch):
    story, _translation, _related = newsroom
    views.UPDATES.run(article=story.pk)

    def compile_again(key):
        raise AssertionError("compiled a second time")

    monkeypatch.setattr(views.UPDATES, "compile", compile_again)
    with CaptureQueriesContext(connection) as queries:
        views.UPDATES.run(article=story.pk)
    assert len(queries) == 1
    assert str(story.pk) in queries[0]["sql"]


def test_a_missing_value_is_named():
    prepared = PreparedQuery(lambda: Article.objects.filter(pk=Slot("pk", models.IntegerField())))
    with pytest.raises(TypeError, match="'pk'"):
        prepared.run(article=1)


@pytest.mark.django_db(transaction=True)
def test_a_query_compiled_in_one_thread_runs_on_another_threads_connection():
    story = publish(make_article(headline="Across threads"))
    assert views.LIVE_ARTICLE.run(pk=story.pk, now=timezone.now()) == [story]
    found, errors = [], []

    def reader():
        try:
            found.extend(views.LIVE_ARTICLE.run(pk=story.pk, now=timezone.now()))
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=reader)
    thread.start()
    thread.join()
    assert errors == [] and found == [story]


def test_an_id_no_column_can_hold_finds_nothing(client, newsroom):
    story, _translation, _related = newsroom
    assert views.LIVE_ARTICLE.run(pk=10**30, now=timezone.now()) == []
    assert views.LIVE_ARTICLE.run(pk=-(10**30), now=timezone.now()) == []
    address = story.get_absolute_url().replace(f"-{story.pk}.html", f"-{10**30}.html")
    assert address != story.get_absolute_url()
    assert client.get(address).status_code == 404
    assert client.get(f"/-{10**30}").status_code == 404  # the short link


@pytest.fixture
def archive(db):
    """Three top stories and 47 more live articles in two sections, drafts and embargoed
    stories among them, one minute apart."""
    sport = Section.objects.create(name="Sport", slug="sport")
    writer = Author.objects.create(name="Rita Reporter", slug="rita", short_code="rr")
    picture = make_image()
    now = timezone.now()
    for n in range(50):
        article = make_article(
            headline=f"Story {n:02}", lead_image=picture,
            section=sport if n % 3 == 0 else None,
            tags=["budget"] if n % 2 == 0 else ["harbour"],
            authors=[writer] if n % 5 == 0 else (),
            top_story_rank=n % 4 + 1 if n in (4, 17, 30) else None,
        )
        publish(article, at=now - timedelta(minutes=n))
        if n % 7 == 0:
            make_article(headline=f"Draft {n:02}", lead_image=None, tags=["budget"])
        if n % 9 == 0:
            publish(make_article(headline=f"Embargoed {n:02}", lead_image=picture),
                    at=now + timedelta(hours=n + 1))


def headlines(response):
    assert response.status_code == 200
    return [article.headline for article in response.context["articles"]]


LISTS = {"/": 3, "/section/sport/": 1, "/section/politics/": 2, "/tag/budget/": 2,
         "/author/rita/": 1}  # address: how many pages


@pytest.mark.parametrize("per_page", [20, 3])
@pytest.mark.parametrize("address", LISTS)
def test_list_pages_read_with_prepared_queries_show_what_compiled_ones_show(
    client, uncached, archive, monkeypatch, address, per_page
):
    PreparedQuery.forget_all()  # what this test compiles, not what earlier tests left
    monkeypatch.setattr(views.LiveArticleListView, "paginate_by", per_page)
    pages = {}
    for prepared_pages in (10, 0):  # all of them prepared, then none
        monkeypatch.setattr(views, "PREPARED_PAGES", prepared_pages)
        pages[prepared_pages] = [
            headlines(client.get(address, {"page": number})) for number in (1, 2, 3)
        ]
    assert pages[10] == pages[0]
    view = resolve(address).func.view_class
    assert view in {shape.view for _alias, shape in views.LIST_PAGE.compiled}
    pages_shown = LISTS[address] if per_page == 20 else 3
    shown = [name for page in pages[10][:pages_shown] for name in page]
    assert shown and len(shown) == len(set(shown))  # every story once, on one of the pages
    assert all(len(page) <= per_page for page in pages[10])
    assert all(name.startswith("Story") for name in shown)


def test_the_home_pages_list_leaves_out_the_top_stories_and_keeps_the_date_order(
    client, uncached, archive
):
    response = client.get("/")
    assert [story.headline for story in response.context["top_stories"]] == [
        "Story 04", "Story 17", "Story 30",
    ]
    expected = [f"Story {n:02}" for n in range(50) if n not in (4, 17, 30)]
    assert headlines(response) == expected[:20]
    assert headlines(client.get("/", {"page": 2})) == expected[20:40]
    assert headlines(client.get("/section/sport/")) == [f"Story {n:02}" for n in range(0, 50, 3)]
    assert headlines(client.get("/author/rita/")) == [f"Story {n:02}" for n in range(0, 50, 5)]


def test_a_list_pages_queries_stay_four_when_prepared(client, uncached, archive):
    for address in LISTS:
        client.get(address)  # compiled on the first request
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        assert len(queries) <= 4, address


@pytest.mark.django_db(transaction=True)
def test_a_prepared_tag_page_survives_new_content_type_ids(client, uncached):
    """A flushed database makes its content types anew, with new ids: statements compiled
    before must not keep the old one (taggit's join would put it into the SQL)."""
    publish(make_article(headline="Before the flush", tags=["harbour"]))
    assert headlines(client.get("/tag/harbour/")) == ["Before the flush"]
    old_id = ContentType.objects.get_for_model(Article).pk
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
    publish(make_article(headline="After the flush", tags=["harbour"]))
    assert ContentType.objects.get_for_model(Article).pk != old_id
    assert headlines(client.get("/tag/harbour/")) == ["After the flush"]


# Constant: live()'s status written into the SQL, so that SQLite can plan with it.


@pytest.mark.parametrize("word", ["published' OR '1'='1", "two words", "", 7, "pub\u00e4"])
def test_only_a_plain_word_is_written_into_sql(word):
    with pytest.raises(ValueError):
        Constant(word)


@pytest.mark.django_db
def test_live_lists_name_the_status_in_their_sql_and_read_the_live_articles_index():
    """A bound status made SQLite prepare the statement anew on every run (see Constant)."""
    publish(make_article(headline="Indexed"), at=timezone.now() - timedelta(minutes=1))
    latest = Article.objects.live().order_by("-published_at")[:20]
    sql, params = latest.query.sql_with_params()
    assert "'published'" in sql
    assert Article.Status.PUBLISHED not in params
    assert [article.headline for article in latest] == ["Indexed"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "article_live_idx" in plan
