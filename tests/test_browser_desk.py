"""What editors do at the desk, in a real headless Chromium."""

import pytest

from articles.models import Article
from tests.conftest import change_url, log_in, make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_body_editor_loads_its_own_assets_without_errors(new_page, editor):
    article = make_article()
    page = new_page()
    errors, hosts = [], set()
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: hosts.add(req.url.split("/")[2]))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    log_in(page, "edith")
    page.goto(change_url(article))
    editor_area = page.locator("[contenteditable=true].ProseMirror")
    editor_area.wait_for()
    assert "The budget passed with a narrow majority." in editor_area.inner_text()
    assert errors == []
    assert len(hosts) == 1  # only our own server


def test_second_editor_is_refused_and_keeps_their_text(new_page, editor, chief):
    article = make_article(headline="Budget vote tonight")
    first, second = new_page(), new_page()
    log_in(first, "edith")
    log_in(second, "charles")
    first.goto(change_url(article))
    second.goto(change_url(article))

    first.fill("#id_headline", "Budget passes after long night")
    first.click("input[name=_continue]")
    first.wait_for_selector(".messagelist .success")

    second.fill("#id_teaser", "The chief's teaser, written meanwhile.")
    second.click("input[name=_continue]")
    second.wait_for_selector(".errornote")

    assert "while you were editing" in second.inner_text(".errorlist")
    assert "Edith Editor" in second.inner_text(".errorlist")
    assert second.input_value("#id_teaser") == "The chief's teaser, written meanwhile."
    article.refresh_from_db()
    assert article.headline == "Budget passes after long night"
    assert article.teaser != "The chief's teaser, written meanwhile."


def test_editor_publishes_breaking_news_and_reader_sees_it(new_page, editor):
    article = make_article(headline="Breaking: bridge closed")
    desk = new_page()
    log_in(desk, "edith")
    desk.goto(change_url(article))
    assert desk.locator("button[name=_transition][value=withdraw]").count() == 0
    desk.fill("#id__transition_note", "Police confirmed the closure")
    desk.click("button[name=_transition][value=publish_directly]")
    desk.wait_for_selector(".messagelist .success")
    assert "Published" in desk.inner_text(".messagelist")

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    reader = new_page()
    reader.goto(article.get_absolute_url())
    assert reader.inner_text("h1") == "Breaking: bridge closed"


def test_reporter_sees_no_publish_button(new_page, reporter):
    article = make_article(authors=[reporter.author_profile])
    page = new_page()
    log_in(page, "rita")
    page.goto(change_url(article))
    buttons = page.locator("button[name=_transition]").all_inner_texts()
    assert buttons == ["Submit for review"]
