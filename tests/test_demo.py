import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertContains
from taggit.models import Tag

from articles.models import Article, ArticleUpdate, Author, Image, Section, StatusChange


@pytest.fixture(autouse=True)
def development_settings(settings):
    settings.DEBUG = True


def load_demo(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    return load_demo()


def printed_password(output, username):
    for line in output.splitlines():
        cells = line.split()
        if cells and cells[0] == username:
            return cells[-1]
    raise AssertionError(f"{username} is not in the logins table:\n{output}")


def test_creates_sections_authors_with_photos_and_articles(demo):
    assert Section.objects.count() >= 3
    assert Author.objects.count() == 6
    assert all(author.photo for author in Author.objects.all())
    assert Article.objects.count() == 12
    assert Tag.objects.exists()


def test_covers_every_workflow_state(demo):
    now = timezone.now()
    articles = Article.objects.all()
    assert articles.filter(status="draft").exists()
    assert articles.filter(status="review").exists()
    assert articles.live(now).exists()
    assert articles.filter(status="published", published_at__gt=now).exists()
    withdrawn = articles.get(status="withdrawn")
    assert withdrawn.status_log.get(to_status="withdrawn").note


def test_every_status_change_is_in_the_status_log(demo):
    for article in Article.objects.exclude(status="draft"):
        assert article.status_log.first().to_status == article.status
    assert StatusChange.objects.filter(action="publish_directly").exclude(note="").exists()


def test_english_translation_of_a_german_original(demo):
    translation = Article.objects.get(translation_of__isnull=False)
    assert translation.language == "en"
    assert translation.translation_of.language == "de"
    assert translation.original_language == "de"
    assert translation.translation_method == "machine_assisted"


def test_german_only_article(demo):
    german = Article.objects.filter(language="de", translations__isnull=True)
    assert german.exists()


def test_a_correction_and_an_update(demo):
    assert ArticleUpdate.objects.filter(kind="correction").exists()
    assert ArticleUpdate.objects.filter(kind="update").exists()


def test_two_author_bylines_and_desk_editors(demo):
    two_authors = Article.objects.annotate(n=Count("bylines")).filter(n=2)
    assert two_authors.count() >= 2
    published = Article.objects.exclude(status__in=["draft", "review"])
    assert all(article.desk_editor for article in published)


def test_lead_images_carry_alt_text_caption_and_credit(demo):
    assert Image.objects.count() == 12
    for image in Image.objects.all():
        assert (image.width, image.height) == (1600, 900)
        assert image.alt_text and image.caption and image.credit
    assert not Article.objects.filter(lead_image__isnull=True).exists()


def test_bodies_read_in_two_to_five_minutes(demo):
    for article in Article.objects.all():
        assert 2 <= article.reading_time <= 5, article.slug
        for tag in ("<h2>", "<blockquote>", "<ul>", "<a href="):
            assert tag in article.body, (article.slug, tag)


def test_one_login_per_role_in_its_group(demo):
    groups = {"reporter": "Reporters", "editor": "Editors", "chief": "Chief editors"}
    for username, group in groups.items():
        user = User.objects.get(username=username)
        assert user.is_staff and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [group]
    assert User.objects.get(username="admin").is_superuser


def test_reporter_finds_their_draft_under_mine(demo, client):
    reporter = User.objects.get(username="reporter")
    draft = Article.objects.get(status="draft", bylines__author__user=reporter)
    assert User.objects.get(username="editor").author_profile
    client.force_login(reporter)
    response = client.get(reverse("admin:articles_article_changelist"), {"mine": "yes"})
    assertContains(response, escape(draft.headline))


def test_printed_passwords_log_in(demo, client):
    assert "http://127.0.0.1:8000/admin/" in demo
    for username in ("reporter", "editor", "chief", "admin"):
        response = Client().post(
            reverse("admin:login"),
            {"username": username, "password": printed_password(demo, username), "next": "/admin/"},
        )
        assert response.status_code == 302, username


def test_running_twice_duplicates_nothing_and_resets_passwords(demo):
    models = [Section, Author, Image, Article, ArticleUpdate, StatusChange, User, Tag]
    counts = [model.objects.count() for model in models]
    output = load_demo()
    assert "already present" in output
    assert [model.objects.count() for model in models] == counts
    admin = User.objects.get(username="admin")
    assert not admin.check_password(printed_password(demo, "admin"))
    assert admin.check_password(printed_password(output, "admin"))


def test_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        load_demo()
    assert not Article.objects.exists()


def test_force_runs_without_debug(db, settings):
    settings.DEBUG = False
    load_demo("--force")
    assert Article.objects.count() == 12


def test_readers_see_live_articles_only(demo, client):
    now = timezone.now()
    for article in Article.objects.live(now):
        assert client.get(article.get_absolute_url()).status_code == 200, article.slug
    withdrawn = Article.objects.get(status="withdrawn")
    assert client.get(withdrawn.get_absolute_url()).status_code == 410
    hidden = Article.objects.filter(status__in=["draft", "review"]) | Article.objects.filter(
        published_at__gt=now + timedelta(seconds=1)
    )
    for article in hidden:
        assert client.get(article.get_absolute_url()).status_code == 404, article.slug


def test_demo_home_page_leads_with_top_stories(client, demo):
    ranked = Article.objects.live().filter(top_story_rank__isnull=False).order_by("top_story_rank")
    assert ranked.count() == 2
    page = client.get("/").content.decode()
    assert page.index(escape(ranked[0].headline)) < page.index(escape(ranked[1].headline))
