"""The payloads of tests/test_security_output.py in a real browser: nothing runs."""

import pytest

from tests.conftest import log_in
from tests.security_support import make_poisoned_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def poisoned(role_groups, django_user_model):
    story = make_poisoned_story()
    django_user_model.objects.create_superuser("root", "root@example.org", "correct horse "
                                               "battery staple")
    return story


# The Content Security Policy would stop an injected script from running; these look for what
# the payload would have made of the page, as the browser parsed it.
INJECTED_ELEMENTS = """() => [
  ...document.querySelectorAll('img[src="x"], iframe[src^="javascript"], a[href^="javascript"]'),
  ...[...document.scripts].filter(
    (script) => !script.type.includes("json") && script.text.includes("__xss")),
  ...[...document.querySelectorAll("*")].filter(
    (element) => [...element.attributes].some((a) => a.name.startsWith("on"))),
].map((element) => element.outerHTML.slice(0, 120))"""


def assert_nothing_ran(page, path):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path)
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__xss") == "undefined", path
    assert dialogs == [], path
    assert page.evaluate(INJECTED_ELEMENTS) == [], path


def test_payloads_do_not_run_on_reader_pages(new_page, poisoned):
    page = new_page()
    url = poisoned.get_absolute_url()
    tag = poisoned.tags.get()
    for path in (url, url + "?view=print", "/", "/section/payload-section/", f"/tag/{tag.slug}/",
                 "/author/payload-author/", "/search/?q=Headline"):
        assert_nothing_ran(page, path)


def test_payloads_do_not_run_at_the_desk(new_page, poisoned):
    page = new_page()
    log_in(page, "root")
    base = f"/admin/articles/article/{poisoned.pk}/"
    for path in ("/admin/articles/article/", base + "change/", base + "history/",
                 base + "preview/", f"/admin/articles/image/{poisoned.lead_image_id}/change/",
                 "/admin/articles/author/", "/admin/taggit/tag/"):
        assert_nothing_ran(page, path)
