"""The Content Security Policy in a real Chromium: nothing on our pages breaks it, the
features still work under it, and it does block what it must.

Every page records `securitypolicyviolation` events (from the first script on) and console
errors; a violation of the enforced policy would show in both.
"""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile

from articles.models import Video
from tests.conftest import change_url, log_in, make_article, make_image, png_bytes, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
window.__spoken = [];
window.speechSynthesis.speak = (utterance) => { window.__spoken.push(utterance.text); };
"""


@pytest.fixture
def story(role_groups):
    article = publish(make_article(
        headline="Harbour reopens after storm",
        body='<p>The harbour reopened. <a href="https://example.org/port">Port</a></p>',
        tags=["harbour"],
    ))
    article.videos.add(Video.objects.create(
        title="Drone flight", provider="youtube",
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ", poster=make_image(),
        duration=timedelta(seconds=95),
    ))
    return article


@pytest.fixture
def watched_page(new_page):
    """A page that keeps what the browser complained about in `page.complaints`."""

    def open_page():
        page = new_page()
        page.complaints = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", lambda msg: msg.type == "error" and page.complaints.append(msg.text))
        page.on("pageerror", lambda error: page.complaints.append(str(error)))
        return page

    return open_page


def violations(page):
    return page.evaluate("window.__violations")


def test_article_page_features_work_without_violations(watched_page, story):
    page = watched_page()
    page.route("https://www.youtube-nocookie.com/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<p>player</p>"))
    page.goto(story.get_absolute_url())
    page.get_by_role("button", name="Listen").click()
    assert page.evaluate("window.__spoken")[0] == "Harbour reopens after storm"
    page.get_by_role("button", name="Load and play video").click()
    frame = page.locator("iframe.embed-frame")
    frame.wait_for()
    page.wait_for_load_state("networkidle")
    assert frame.content_frame.locator("p").inner_text() == "player"
    structured = page.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
    )
    assert structured["headline"] == "Harbour reopens after storm"
    assert violations(page) == []
    assert page.complaints == []


def test_a_cached_copy_of_the_article_works_the_same(watched_page, story):
    watched_page().goto(story.get_absolute_url())  # fills the page cache
    page = watched_page()  # a new browser context: nothing in the browser's own cache
    response = page.goto(story.get_absolute_url())
    assert response.headers["x-cache"] == "hit"
    page.get_by_role("button", name="Listen").click()
    assert page.evaluate("window.__spoken")
    assert page.evaluate(
        "document.querySelector('script[type=\"application/ld+json\"]').textContent"
    )
    assert violations(page) == []
    assert page.complaints == []


@pytest.mark.parametrize("path", ["/", "/search/?q=harbour", "/feeds/rss/"])
def test_public_pages_cause_no_violations(watched_page, story, path):
    page = watched_page()
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
    assert page.complaints == []


def test_print_view_prints_without_violations(watched_page, story):
    page = watched_page()
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    page.goto(story.get_absolute_url() + "?view=print")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed") == 1
    assert violations(page) == []
    assert page.complaints == []


def test_the_policy_blocks_an_injected_inline_script_and_style(watched_page, story):
    """Were markup ever to slip past the sanitiser, the browser would still not run it."""
    page = watched_page()
    page.goto(story.get_absolute_url())
    page.evaluate("""() => {
        window.__ran = false;
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.body.append(script);
        const paragraph = document.createElement("p");
        paragraph.setAttribute("style", "color: rgb(255, 0, 0)");
        paragraph.id = "styled";
        document.body.append(paragraph);
    }""")
    assert page.evaluate("window.__ran") is False
    assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != (
        "rgb(255, 0, 0)"
    )
    found = violations(page)
    assert any(v.startswith("script-src") for v in found), found
    assert any(v.startswith("style-src") for v in found), found


def test_desk_editor_and_focal_point_picker_work_under_the_desk_policy(watched_page, editor):
    article = make_article()
    image = make_image(alt_text="A wide harbour view")
    image.file.save("wide.png", ContentFile(png_bytes(1200, 400)), save=False)
    image.width, image.height = 1200, 400
    image.save()
    page = watched_page()
    log_in(page, "edith")

    page.goto(change_url(article))
    editor_area = page.locator("[contenteditable=true].ProseMirror")
    editor_area.wait_for()
    editor_area.click()
    page.keyboard.type(" Typed at the desk.")
    assert "Typed at the desk." in editor_area.inner_text()

    page.goto(f"/admin/articles/image/{image.pk}/change/")
    picture = page.locator(".nr-focal-stage img")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.9, "y": box["height"] * 0.5})
    assert float(page.input_value("#id_focal_x")) == pytest.approx(0.9, abs=0.01)

    assert violations(page) == []
    assert page.complaints == []
