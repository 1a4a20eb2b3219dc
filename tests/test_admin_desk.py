"""The editors' desk: lists and forms for every role, with a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from articles import workflow
from articles.models import Author
from tests.conftest import change_url, make_article, publish

ROLES = ["reporter", "editor", "chief", "superuser"]


@pytest.fixture
def some_articles(db):
    authors = [
        Author.objects.create(name=f"Author {n}", slug=f"author-{n}", short_code=f"au{chr(97 + n)}")
        for n in range(3)
    ]

    def create(count):
        for n in range(count):
            article = make_article(
                headline=f"Story number {n}", authors=authors[: 1 + n % 3], tags=["a", f"t{n}"]
            )
            if n % 2:
                publish(article)

    return create


@pytest.mark.parametrize("role", ROLES)
def test_article_list_and_forms_render_for_every_role(client, request, role, some_articles):
    user = request.getfixturevalue(role)
    some_articles(3)
    client.force_login(user)
    assert client.get("/admin/articles/article/").status_code == 200
    assert client.get("/admin/articles/article/add/").status_code == 200
    for path in ("/admin/articles/image/", "/admin/articles/author/", "/admin/"):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("role", ["editor", "chief", "superuser"])
def test_change_form_renders_with_checklist_and_history(client, request, role, db):
    user = request.getfixturevalue(role)
    client.force_login(user)
    article = make_article(lead_image=None, teaser="")
    workflow.transition(article, "submit", user)
    response = client.get(change_url(article))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Write a teaser." in page
    assert "Choose a lead image." in page
    assert "In review" in page  # the status history lists the transitions


def test_open_checklist_points_are_shown_before_publishing(client, editor):
    client.force_login(editor)
    complete = make_article(headline="Complete story")
    response = client.get(change_url(complete))
    assert "Ready to publish." in response.content.decode()


def test_reporter_sees_own_drafts_and_published_articles_only(client, reporter, other_reporter):
    mine = make_article(headline="My own draft", authors=[reporter.author_profile])
    colleagues = make_article(headline="Colleague draft", authors=[other_reporter.author_profile])
    published = publish(make_article(headline="Published story"))
    client.force_login(reporter)
    page = client.get("/admin/articles/article/").content.decode()
    assert "My own draft" in page
    assert "Published story" in page
    assert "Colleague draft" not in page
    response = client.get(change_url(colleagues))
    assert response.status_code in (302, 404)
    assert "Colleague draft" not in client.get(response.get("Location", "/admin/")).content.decode()
    # Published articles are readable, not editable, for reporters.
    response = client.get(change_url(published))
    assert response.status_code == 200
    assert 'name="headline"' not in response.content.decode()
    assert 'name="headline"' in client.get(change_url(mine)).content.decode()


def test_mine_filter_lists_only_the_users_articles(client, reporter, editor):
    make_article(headline="Reporter story", authors=[reporter.author_profile])
    make_article(headline="Someone else story")
    client.force_login(editor)
    editor_page = client.get("/admin/articles/article/?mine=yes").content.decode()
    assert "Reporter story" not in editor_page
    client.force_login(reporter)
    page = client.get("/admin/articles/article/?mine=yes").content.decode()
    assert "Reporter story" in page


def test_status_filter_separates_scheduled_from_published(client, editor):
    from datetime import timedelta

    from django.utils import timezone

    publish(make_article(headline="Already out"), at=timezone.now() - timedelta(hours=1))
    publish(make_article(headline="Out tomorrow"), at=timezone.now() + timedelta(days=1))
    client.force_login(editor)
    scheduled = client.get("/admin/articles/article/?status=scheduled").content.decode()
    live = client.get("/admin/articles/article/?status=live").content.decode()
    assert "Out tomorrow" in scheduled and "Already out" not in scheduled
    assert "Already out" in live and "Out tomorrow" not in live
    assert "Scheduled" in scheduled


def count_list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/articles/article/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["reporter", "editor"])
def test_article_list_queries_do_not_grow_with_articles(client, request, role, some_articles):
    client.force_login(request.getfixturevalue(role))
    some_articles(5)
    five = count_list_queries(client)
    some_articles(45)
    fifty = count_list_queries(client)
    assert five == fifty


def test_new_article_starts_with_the_reporter_in_the_byline(client, reporter):
    client.force_login(reporter)
    page = client.get("/admin/articles/article/add/").content.decode()
    assert "Rita Reporter (rr)" in page


def test_reporter_creates_a_draft_and_can_edit_it_afterwards(client, reporter):
    from articles.models import Article

    client.force_login(reporter)
    data = {
        "headline": "Council meets on Monday",
        "slug": "",
        "kicker": "",
        "teaser": "The agenda is long.",
        "body": "<p>Text</p>",
        "section": "",
        "language": "en",
        "bylines-TOTAL_FORMS": 1,
        "bylines-INITIAL_FORMS": 0,
        "bylines-MIN_NUM_FORMS": 0,
        "bylines-MAX_NUM_FORMS": 1000,
        "bylines-0-author": reporter.author_profile.pk,
        "bylines-0-position": 0,
        "updates-TOTAL_FORMS": 0,
        "updates-INITIAL_FORMS": 0,
        "updates-MIN_NUM_FORMS": 0,
        "updates-MAX_NUM_FORMS": 1000,
    }
    response = client.post("/admin/articles/article/add/", data)
    assert response.status_code == 302
    article = Article.objects.get(headline="Council meets on Monday")
    assert article.status == Article.Status.DRAFT
    assert article.slug == "council-meets-on-monday"
    assert article.created_by == reporter
    assert article.byline_authors() == [reporter.author_profile]
    assert client.get(change_url(article)).status_code == 200


def test_history_compare_and_restore_keep_the_status(client, editor):
    from tests.conftest import article_form_data

    client.force_login(editor)
    article = make_article(headline="First headline")
    client.post(change_url(article), article_form_data(article, _continue="1"))
    client.post(
        change_url(article), article_form_data(article, headline="Second headline", _continue="1")
    )
    publish(article)

    history = client.get(f"/admin/articles/article/{article.pk}/history/")
    assert history.status_code == 200
    versions = list(Version.objects.get_for_object(article).order_by("pk"))
    assert len(versions) == 2
    compare = client.get(
        f"/admin/articles/article/{article.pk}/history/compare/",
        {"version_id1": versions[0].pk, "version_id2": versions[1].pk},
    )
    assert compare.status_code == 200
    assert "Second headline" in compare.content.decode()

    restore_url = f"/admin/articles/article/{article.pk}/history/{versions[0].pk}/"
    form = client.get(restore_url)
    assert form.status_code == 200
    assert 'value="First headline"' in form.content.decode()
    data = article_form_data(article, headline="First headline", _continue="1")
    assert client.post(restore_url, data).status_code == 302
    published_at = article.published_at
    article.refresh_from_db()
    assert article.headline == "First headline"
    assert article.status == "published"
    assert article.published_at == published_at
    assert article.version == 4


def test_reporter_cannot_open_history_of_a_colleagues_draft(client, reporter, other_reporter):
    article = make_article(
        headline="Secret colleague draft", authors=[other_reporter.author_profile]
    )
    client.force_login(reporter)
    for path in ("history/", "history/compare/", "preview/", "preview-link/"):
        response = client.get(f"/admin/articles/article/{article.pk}/{path}")
        assert response.status_code in (403, 404), path
        assert "Secret colleague draft" not in response.content.decode()
    assert client.get("/admin/articles/article/recover/").status_code == 403


def test_desk_speaks_german_to_german_editors(client, editor):
    article = make_article()
    client.force_login(editor)
    page = client.get(change_url(article), headers={"accept-language": "de"}).content.decode()
    assert "Zur Prüfung einreichen" in page
    assert "Checkliste zur Veröffentlichung" in page
    assert "Bereit zur Veröffentlichung." in page


def autocomplete(client, model_name, field_name, term):
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_autocomplete_finds_tags_authors_and_images(client, reporter):
    make_article(tags=["Quokka census"], lead_image=None)
    from tests.conftest import make_image

    make_image(alt_text="A quokka on a rock")
    client.force_login(reporter)
    assert autocomplete(client, "article", "tags", "quok") == ["Quokka census"]
    assert autocomplete(client, "byline", "author", "rita") == ["Rita Reporter (rr)"]
    assert autocomplete(client, "article", "lead_image", "quokka") == ["A quokka on a rock"]


def test_article_autocomplete_hides_colleagues_drafts_from_reporters(
    client, reporter, other_reporter
):
    make_article(headline="Quokka secret draft", authors=[other_reporter.author_profile])
    publish(make_article(headline="Quokka published story"))
    client.force_login(reporter)
    assert autocomplete(client, "article", "translation_of", "quokka") == [
        "Quokka published story"
    ]


def test_translation_choice_does_not_leak_a_colleagues_draft(client, reporter, other_reporter):
    draft = make_article(headline="Hidden merger draft", authors=[other_reporter.author_profile])
    client.force_login(reporter)
    page = client.get(f"/admin/articles/article/add/?translation_of={draft.pk}").content.decode()
    assert "Hidden merger draft" not in page


def test_reporter_changes_only_own_unused_images(client, reporter, editor):
    from tests.conftest import make_image

    own = make_image(alt_text="My own photo", uploaded_by=reporter)
    used_live = make_image(alt_text="Photo on a live article", uploaded_by=reporter)
    publish(make_article(lead_image=used_live))
    someone_elses = make_image(alt_text="Agency photo")
    client.force_login(reporter)
    assert client.get(f"/admin/articles/image/{own.pk}/change/").status_code == 200
    for image in (used_live, someone_elses):
        page = client.get(f"/admin/articles/image/{image.pk}/change/").content.decode()
        assert 'name="credit"' not in page  # read-only at most
        response = client.post(
            f"/admin/articles/image/{image.pk}/change/",
            {"alt_text": "Vandalised", "credit": "x", "focal_x": 0.5, "focal_y": 0.5},
        )
        assert response.status_code == 403
        image.refresh_from_db()
        assert image.alt_text != "Vandalised"
    client.force_login(editor)
    assert 'name="credit"' in client.get(
        f"/admin/articles/image/{used_live.pk}/change/"
    ).content.decode()


def test_reporter_deletes_own_draft_but_nothing_else(client, reporter, other_reporter, editor):
    from articles.models import Article

    own = make_article(headline="My scrapped draft", authors=[reporter.author_profile])
    colleagues = make_article(authors=[other_reporter.author_profile])
    published = publish(make_article(authors=[reporter.author_profile]))
    client.force_login(reporter)
    delete = "/admin/articles/article/{}/delete/"
    assert client.post(delete.format(own.pk), {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=own.pk).exists()
    for article in (colleagues, published):
        client.post(delete.format(article.pk), {"post": "yes"})
        assert Article.objects.filter(pk=article.pk).exists()
    client.force_login(editor)
    assert client.post(delete.format(published.pk), {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=published.pk).exists()


def test_reporter_must_stay_in_the_byline(client, reporter, other_reporter):
    from tests.conftest import article_form_data

    article = make_article(authors=[reporter.author_profile])
    client.force_login(reporter)
    data = article_form_data(article, _continue="1")
    data["bylines-0-author"] = other_reporter.author_profile.pk
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "Keep yourself in the byline" in response.content.decode()
    assert article.byline_authors() == [reporter.author_profile]


def test_taken_slug_is_refused_with_a_free_suggestion(client, editor):
    from tests.conftest import article_form_data

    make_article(headline="Secret first", slug="budget")
    article = make_article(slug="budget-night")
    client.force_login(editor)
    response = client.post(change_url(article), article_form_data(article, slug="budget"))
    page = response.content.decode()
    assert "Another article already uses this slug; “budget-2” is free." in page
    assert "Secret first" not in page


def test_chief_editor_can_link_an_author_to_a_login(client, chief, reporter):
    client.force_login(chief)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "author", "field_name": "user", "term": "rit"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["rita"]


def test_article_list_queries_do_not_grow_for_chief_editors(client, chief, some_articles):
    client.force_login(chief)
    some_articles(5)
    five = count_list_queries(client)
    some_articles(45)
    assert count_list_queries(client) == five


def test_chief_editor_deletes_a_published_article_with_its_history(client, chief, editor):
    from articles.models import Article, AuditEntry, StatusChange

    article = publish(make_article(headline="Story to retract entirely"))
    assert StatusChange.objects.filter(article=article).exists()
    delete = f"/admin/articles/article/{article.pk}/delete/"
    client.force_login(chief)
    assert "Story to retract entirely" in client.get(delete).content.decode()
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not StatusChange.objects.filter(article_id=article.pk).exists()
    assert AuditEntry.objects.filter(target__contains="Story to retract entirely").exists()
    # Editors still may not: what readers saw is withdrawn, not deleted, below the chief.
    other = publish(make_article())
    client.force_login(editor)
    response = client.post(f"/admin/articles/article/{other.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Article.objects.filter(pk=other.pk).exists()


def test_reporter_deletes_own_draft_that_was_sent_back(client, reporter, editor):
    from articles.models import Article

    draft = make_article(headline="Sent back twice", authors=[reporter.author_profile])
    workflow.transition(draft, "submit", reporter)
    workflow.transition(draft, "request_changes", editor, "Needs a second source")
    client.force_login(reporter)
    response = client.post(f"/admin/articles/article/{draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=draft.pk).exists()


def test_reporter_does_not_see_a_colleagues_embargoed_story(client, reporter, other_reporter):
    from datetime import timedelta

    from django.utils import timezone

    soon = timezone.now() + timedelta(hours=3)
    embargoed = publish(
        make_article(headline="Embargoed merger scoop", authors=[other_reporter.author_profile]),
        at=soon,
    )
    publish(make_article(headline="My own embargoed piece", authors=[reporter.author_profile]),
            at=soon)
    live = publish(make_article(headline="Already public story"))
    client.force_login(reporter)
    page = client.get("/admin/articles/article/").content.decode()
    assert "Already public story" in page
    assert "My own embargoed piece" in page
    assert "Embargoed merger scoop" not in page
    for suffix in ("change/", "history/"):
        response = client.get(f"/admin/articles/article/{embargoed.pk}/{suffix}", follow=True)
        assert "Embargoed merger scoop" not in response.content.decode()
    assert client.get(change_url(live)).status_code == 200
