"""The print view in a real headless Chromium: what shows, what prints, and only on request."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import make_article, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Replaces the print dialogue, which headless Chromium cannot show, with a counter.
COUNT_PRINTS = "window.__printed = 0; window.print = () => { window.__printed += 1; };"


def live_article():
    return publish(
        make_article(
            body='<p>Read the <a href="https://parliament.example/budget">budget</a> and our '
            '<a href="/news/earlier-7.html">earlier story</a>.</p>'
        ),
        at=timezone.now() - timedelta(minutes=5),
    )


def print_url(article):
    return article.get_absolute_url() + "?view=print"


def test_print_view_shows_url_header_and_link_endnotes(new_page, live_server):
    article = live_article()
    page = new_page()
    errors, hosts = [], set()
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: hosts.add(req.url.split("/")[2]))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    page.goto(print_url(article))

    url = live_server.url + article.get_absolute_url()
    header = page.locator(".print-url")
    assert header.is_visible()
    assert header.inner_text() == url
    assert "budget [1]" in page.inner_text(".body")
    assert "earlier story [2]" in page.inner_text(".body")
    notes = page.locator(".endnotes li")
    assert notes.first.is_visible()
    assert notes.all_inner_texts() == [
        "[1] https://parliament.example/budget",
        f"[2] {live_server.url}/news/earlier-7.html",
    ]
    assert page.evaluate("document.querySelector('.lead-image img').naturalWidth") == 40
    assert errors == []
    assert len(hosts) == 1  # only our own server


def test_print_dialogue_opens_only_when_the_reader_asks(new_page):
    article = live_article()
    page = new_page()
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.type) or dialog.dismiss())
    page.add_init_script(COUNT_PRINTS)
    page.goto(print_url(article))
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # time for any deferred script that would print on load
    assert page.evaluate("window.__printed") == 0
    assert dialogs == []

    button = page.get_by_role("button", name="Print")
    assert button.is_visible()
    button.click()
    assert page.evaluate("window.__printed") == 1


def test_print_view_makes_a_pdf(new_page):
    article = live_article()
    page = new_page()
    page.goto(print_url(article))
    page.wait_for_load_state("load")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 1024


def test_print_media_hides_the_print_button_but_keeps_the_endnotes(new_page):
    page = new_page()
    page.goto(print_url(live_article()))
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Print").is_visible()
    assert page.locator(".endnotes").is_visible()
    assert page.locator(".print-url").is_visible()


def test_without_javascript_the_page_says_how_to_print(browser, live_server):
    article = live_article()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(print_url(article))
        assert page.locator("button[data-print]").is_hidden()
        assert "print command" in page.inner_text(".print-tools")
        assert page.locator(".endnotes li").count() == 2
    finally:
        context.close()


def test_printing_the_article_page_keeps_only_the_article(new_page):
    page = new_page()
    page.goto(live_article().get_absolute_url())
    page.emulate_media(media="print")
    assert page.locator("h1").is_visible()
    assert page.locator(".body").is_visible()
    for chrome in (".site-header", ".site-footer", "[data-share]", ".print-link"):
        assert page.locator(chrome).first.is_hidden(), chrome
