"""The article page's prepared queries give what their plain querysets give (prepared.py)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import views
from articles.models import Article, ArticleUpdate, Author, Byline, Video
from articles.prepared import PreparedQuery, Slot
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


def test_a_run_is_one_query_and_compiles_nothing(newsroom):
    story, _translation, _related = newsroom
    views.UPDATES.run(article=story.pk)
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
