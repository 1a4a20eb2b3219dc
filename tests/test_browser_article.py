"""What a reader does on an article page, in a real headless Chromium."""

from datetime import timedelta
from urllib.parse import urlparse

import pytest

from articles.models import Video
from tests.conftest import make_article, make_image, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_SPEECH = """
window.__spoken = [];
window.speechSynthesis.speak = (utterance) => {
  window.__spoken.push({text: utterance.text, lang: utterance.lang});
};
"""


@pytest.fixture
def story(role_groups):
    article = publish(make_article(
        headline="Harbour reopens after storm",
        teaser="Ships are back.",
        body="<p>The harbour reopened on Monday.</p><p>Cranes are working again.</p>",
        language="en",
        tags=["harbour"],
    ))
    article.videos.add(Video.objects.create(
        title="Drone flight", provider="youtube",
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ", poster=make_image(),
        duration=timedelta(seconds=95),
    ))
    return article


def test_page_load_requests_only_our_own_origin(new_page, live_server, story):
    page = new_page()
    hosts = []
    page.on("request", lambda request: hosts.append(urlparse(request.url).netloc))
    page.goto(story.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert hosts
    assert set(hosts) == {urlparse(live_server.url).netloc}


def test_listen_reads_headline_teaser_and_body_in_the_articles_language(new_page, story):
    page = new_page()
    page.add_init_script(RECORD_SPEECH)
    page.goto(story.get_absolute_url())
    page.get_by_role("button", name="Listen").click()
    spoken = page.evaluate("window.__spoken")
    assert [part["text"] for part in spoken] == [
        "Harbour reopens after storm",
        "Ships are back.",
        "The harbour reopened on Monday.",
        "Cranes are working again.",
    ]
    assert {part["lang"] for part in spoken} == {"en"}
    assert page.get_by_role("button", name="Pause").is_visible()
    page.get_by_role("button", name="Stop").click()
    assert page.get_by_role("button", name="Listen").is_visible()


def test_german_article_is_read_in_german(new_page, role_groups):
    article = publish(make_article(headline="Hafen wieder offen", language="de"))
    page = new_page()
    page.add_init_script(RECORD_SPEECH)
    page.goto(article.get_absolute_url())
    page.get_by_role("button", name="Anhören").click()  # the page speaks German too
    spoken = page.evaluate("window.__spoken")
    assert spoken[0] == {"text": "Hafen wieder offen", "lang": "de"}


def test_video_loads_from_the_provider_only_after_a_click(new_page, story):
    page = new_page()
    provider_requests = []

    def answer_locally(route):
        provider_requests.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<p>player</p>")

    page.route("https://www.youtube-nocookie.com/**", answer_locally)
    page.goto(story.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert provider_requests == []
    assert page.locator("iframe").count() == 0

    page.get_by_role("button", name="Load and play video").click()
    page.locator("iframe.embed-frame").wait_for()
    page.wait_for_load_state("networkidle")
    assert provider_requests == ["https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"]


def test_article_works_without_javascript(browser, live_server, story):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(story.get_absolute_url())
        assert page.locator("h1").inner_text() == "Harbour reopens after storm"
        assert page.locator("[data-listen]").is_hidden()
        assert page.get_by_role("link", name="Print view").is_visible()
        assert page.get_by_role("link", name="Mastodon").is_visible()
        assert page.get_by_role("link", name="Watch on YouTube").is_visible()
        assert page.get_by_role("button", name="Load and play video").is_hidden()
    finally:
        context.close()


def test_card_pictures_sit_beside_their_text(new_page, story):
    page = new_page()
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto("/")
    card = page.locator("article.card").first
    text = card.locator(".card-text").bounding_box()
    picture = card.locator("img").bounding_box()
    assert picture["x"] > text["x"] + text["width"] - 1  # to the right…
    assert abs(picture["y"] - text["y"]) < 20  # …and level with the text, not below it
