"""Two people edit the same article: the later save is refused and nothing is lost."""

from django.test import Client

from articles.models import Article
from tests.conftest import article_form_data, change_url, make_article


def open_form(client, article):
    """What an editor's browser holds after opening the change form."""
    response = client.get(change_url(article))
    assert response.status_code == 200
    return article_form_data(article, _continue="1")


def test_second_save_is_refused_and_first_editors_text_kept(editor, chief):
    article = make_article(headline="Budget vote tonight")
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(chief)
    first_form = open_form(first, article)
    second_form = open_form(second, article)

    first_form["headline"] = "Budget passes after long night"
    assert first.post(change_url(article), first_form).status_code == 302

    second_form["teaser"] = "A teaser the chief wrote meanwhile."
    response = second.post(change_url(article), second_form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Edith Editor" in page
    assert "while you were editing" in page
    assert "headline" in page.lower()
    assert "NOT been saved" in page
    # The refused editor's input is still in the form.
    assert "A teaser the chief wrote meanwhile." in page
    article.refresh_from_db()
    assert article.headline == "Budget passes after long night"
    assert article.teaser != "A teaser the chief wrote meanwhile."
    assert article.version == 2


def test_refusal_names_what_the_colleague_changed(editor, chief):
    article = make_article()
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(chief)
    # A save through the desk records the revision both editors then start from.
    assert first.post(change_url(article), open_form(first, article)).status_code == 302
    first_form, second_form = open_form(first, article), open_form(second, article)
    first_form["kicker"] = "Budget"

    first_form["body"] = "<p>A rewritten body.</p>"
    first.post(change_url(article), first_form)
    response = second.post(change_url(article), second_form)

    assert response.status_code == 200
    assert "They changed: kicker, body." in response.content.decode()


def test_refusal_without_a_known_base_names_the_differing_fields(editor, chief):
    article = make_article()  # created outside the desk, so it has no revision yet
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(chief)
    first_form, second_form = open_form(first, article), open_form(second, article)

    first_form["body"] = "<p>A rewritten body.</p>"
    first.post(change_url(article), first_form)
    response = second.post(change_url(article), second_form)

    assert "The saved article differs from your form in: body." in response.content.decode()


def test_saving_again_after_reloading_works(editor, chief):
    article = make_article()
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(chief)
    first_form, stale_form = open_form(first, article), open_form(second, article)
    first_form["headline"] = "First change"
    first.post(change_url(article), first_form)
    assert second.post(change_url(article), stale_form).status_code == 200

    fresh_form = open_form(second, article)
    fresh_form["teaser"] = "Second change, made on the current text."
    assert second.post(change_url(article), fresh_form).status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.teaser) == (
        "First change",
        "Second change, made on the current text.",
    )
    assert article.version == 3


def test_a_workflow_button_on_a_stale_form_changes_nothing(editor, chief):
    article = make_article()
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(chief)
    first_form, stale_form = open_form(first, article), open_form(second, article)
    first_form["headline"] = "Edited meanwhile"
    first.post(change_url(article), first_form)

    stale_form["_transition"] = "publish_directly"
    stale_form["_transition_note"] = "Breaking"
    response = second.post(change_url(article), stale_form)

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.headline == "Edited meanwhile"


def test_a_form_without_version_is_refused(editor):
    article = make_article()
    client = Client()
    client.force_login(editor)
    form = open_form(client, article)
    del form["base_version"]
    form["headline"] = "Sneaky"
    assert client.post(change_url(article), form).status_code == 200
    article.refresh_from_db()
    assert article.headline != "Sneaky"


def test_a_save_keeps_a_status_change_made_while_the_form_was_open(editor, chief, monkeypatch):
    from articles import workflow
    from articles.forms import ArticleAdminForm

    article = make_article()
    client = Client()
    client.force_login(editor)
    form = open_form(client, article)
    check = ArticleAdminForm.refuse_stale_save

    def publish_in_between(self, base_version):
        # The admin has loaded the article; the chief publishes before the save goes through.
        workflow.transition(article, "publish_directly", chief, "Breaking")
        return check(self, base_version)

    monkeypatch.setattr(ArticleAdminForm, "refuse_stale_save", publish_in_between)

    form["teaser"] = "A sharper teaser."
    assert client.post(change_url(article), form).status_code == 302

    article.refresh_from_db()
    assert article.teaser == "A sharper teaser."
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at is not None
