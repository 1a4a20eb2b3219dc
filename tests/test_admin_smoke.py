from tests.conftest import article_form_data, change_url, make_article


def test_editor_can_save_unchanged(client, editor):
    article = make_article()
    client.force_login(editor)
    r = client.get(change_url(article))
    assert r.status_code == 200
    r = client.post(change_url(article), article_form_data(article, _continue="1"))
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    article.refresh_from_db()
    assert article.version == 2


def test_editor_submit_and_publish_via_post(client, editor):
    article = make_article()
    client.force_login(editor)
    r = client.post(change_url(article), article_form_data(article, _transition="submit"))
    assert r.status_code == 302
    article.refresh_from_db()
    assert article.status == "review"
    r = client.post(change_url(article), article_form_data(article, _transition="publish"))
    article.refresh_from_db()
    assert article.status == "published"
