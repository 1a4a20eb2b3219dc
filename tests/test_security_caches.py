"""Attacks on the page cache: nothing personal enters it, no request can poison what the next
reader gets, and a change at the desk retires every page that showed the old text."""

import pytest
from django.conf import settings
from django.test import Client

from articles import preview, workflow
from articles.models import Author, Section
from tests.conftest import (
    article_form_data,
    change_url,
    empty_page_cache,
    make_article,
    publish,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(db):
    author = Author.objects.create(name="Mara Muster", slug="mara-muster", short_code="mm")
    return publish(make_article(
        headline="Harbour reopens after storm", authors=[author], tags=["Harbour"],
        slug="harbour-reopens",
    ))


def reader_pages(article):
    """Every public address that shows the article, its author, section or tag."""
    url = article.get_absolute_url()
    section, tag, author = article.section.slug, article.tags.get().slug, "mara-muster"
    feeds = [
        f"/feeds/{kind}{fmt}/"
        for kind in ("", f"section/{section}/", f"tag/{tag}/", f"author/{author}/")
        for fmt in ("rss", "atom")
    ]
    return [
        url, url + "?view=print", f"/-{article.pk}", "/", f"/section/{section}/",
        f"/tag/{tag}/", f"/author/{author}/", "/search/?q=harbour", *feeds,
        "/sitemap.xml", "/sitemap-news.xml",
    ]


def assert_private(response, where):
    control = response.get("Cache-Control", "")
    assert "private" in control and "no-store" in control, (where, control)
    assert response.get("X-Cache") is None, where


def test_desk_and_preview_responses_are_private_and_never_cached(client, editor, story):
    draft = make_article(headline="Unpublished merger")
    link = preview.preview_url(draft)
    assert_private(Client().get("/admin/login/"), "login page")
    assert_private(Client().get(link), "preview link")
    client.force_login(editor)
    for path in ("/admin/", "/admin/articles/article/", change_url(draft),
                 f"/admin/articles/article/{draft.pk}/preview/",
                 f"/admin/articles/article/{draft.pk}/preview-link/", link):
        assert_private(client.get(path), path)
    # A revoked link is dead at once: no copy of the preview survived anywhere.
    preview.revoke_links(draft)
    assert Client().get(link).status_code == 404


@pytest.mark.parametrize("visitor", ["signed in", "session cookie only"])
def test_pages_for_anyone_with_a_session_are_private_and_stay_out(client, editor, story, visitor):
    if visitor == "signed in":
        client.force_login(editor)
    else:
        client.cookies[settings.SESSION_COOKIE_NAME] = "made-up-session"
    for path in reader_pages(story):
        assert_private(client.get(path), path)
    anonymous = Client()
    for path in reader_pages(story):
        assert anonymous.get(path)["X-Cache"] == "miss", path  # nothing was stored for them


def test_a_head_request_does_not_store_an_empty_page(client, story):
    assert client.head(story.get_absolute_url()).status_code == 200
    response = client.get(story.get_absolute_url())
    assert "Harbour reopens after storm" in response.content.decode()


HOSTILE_REQUESTS = {
    "forwarded host": {"headers": {"x-forwarded-host": "evil.example"}},
    "forwarded proto and port": {"headers": {"x-forwarded-proto": "https",
                                             "x-forwarded-port": "8443"}},
    "rewritten url": {"headers": {"x-original-url": "/admin/", "x-rewrite-url": "/admin/"}},
    "cookie": {"headers": {"cookie": "theme=<script>__xss=1</script>; csrftoken=abc"}},
    "german": {"headers": {"accept-language": "de"}},
    "unsupported language": {"headers": {"accept-language": "xx-evil, fr;q=0.9"}},
    "tracking parameters": {"query": "utm_source=<script>__xss=1</script>"},
}


@pytest.mark.parametrize("attack", HOSTILE_REQUESTS)
def test_a_hostile_first_request_cannot_change_what_the_next_reader_gets(story, attack):
    """The attacker primes the cache; the next plain reader must get the usual page."""
    hostile = HOSTILE_REQUESTS[attack]
    for path in ("/", story.get_absolute_url(), story.get_absolute_url() + "?view=print",
                 "/feeds/rss/", "/sitemap-news.xml"):
        base, _, own_query = path.partition("?")
        plain_query = own_query
        usual = Client().get(path).content
        empty_page_cache()
        query = hostile.get("query", "")
        attack_query = "&".join(filter(None, [own_query, query]))
        Client().get(f"{base}?{attack_query}", headers=hostile.get("headers", {}))
        reader = Client().get(f"{base}?{plain_query}" if plain_query else base)
        assert reader.content == usual, (attack, path)


@pytest.fixture
def two_pages_of_news(story):
    picture = story.lead_image
    for number in range(25):
        publish(make_article(headline=f"Filler story {number}", lead_image=picture,
                             slug=f"filler-{number}"))


@pytest.mark.parametrize(("victim", "attack"), [
    ("/?page=2", "/?page=2&page=1"),
    ("/news/harbour-reopens-{pk}.html?view=print",
     "/news/harbour-reopens-{pk}.html?view=print&view=full"),
    ("/search/?q=filler", "/search/?q=filler&q=harbour"),
])
def test_a_repeated_parameter_cannot_put_one_page_under_anothers_address(
    two_pages_of_news, story, victim, attack
):
    """Views read a parameter's last value: the cache key must not stop at the first."""
    victim, attack = victim.format(pk=story.pk), attack.format(pk=story.pk)
    usual = Client().get(victim).content
    empty_page_cache()
    Client().get(attack)
    assert Client().get(victim).content == usual


def test_host_header_of_another_site_is_refused_before_the_cache(client, story):
    for path in reader_pages(story):
        assert client.get(path, headers={"host": "evil.example"}).status_code == 400, path
    assert client.get("/")["X-Cache"] == "miss"


def warm(client, pages):
    for path in pages:
        client.get(path)
        assert client.get(path).get("X-Cache") == "hit", path


def desk(user):
    browser = Client()
    browser.force_login(user)
    return browser


CHANGES = {
    "headline edited": lambda story, chief: desk(chief).post(
        change_url(story), article_form_data(story, headline="Harbour stays shut")),
    "author renamed": lambda story, chief: desk(chief).post(
        f"/admin/articles/author/{story.authors.get().pk}/change/",
        {"name": "Mara Neu", "slug": "mara-muster", "short_code": "mm"}),
    "section renamed": lambda story, chief: desk(chief).post(
        f"/admin/articles/section/{story.section_id}/change/",
        {"name": "Harbours", "slug": story.section.slug, "order": 0}),
    "tag renamed": lambda story, chief: desk(chief).post(
        f"/admin/taggit/tag/{story.tags.get().pk}/change/",
        {"name": "Port", "slug": story.tags.get().slug, "taggit-taggeditem-content_type-object_id"
         "-TOTAL_FORMS": 0, "taggit-taggeditem-content_type-object_id-INITIAL_FORMS": 0}),
    "picture credit changed": lambda story, chief: desk(chief).post(
        f"/admin/articles/image/{story.lead_image_id}/change/",
        {"alt_text": "Harbour", "credit": "Agency/Other", "caption": "", "focal_x": 0.5,
         "focal_y": 0.5}),
    "withdrawn": lambda story, chief: workflow.transition(story, "withdraw", chief, "Legal"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_at_the_desk_retires_every_page_that_showed_it(client, chief, story, change):
    pages = reader_pages(story)
    warm(client, pages)
    response = CHANGES[change](story, chief)
    assert getattr(response, "status_code", 302) == 302, change
    for path in pages:
        assert client.get(path).get("X-Cache") != "hit", (change, path)


def test_an_edited_headline_is_gone_from_every_page(client, chief, story):
    pages = reader_pages(story)
    warm(client, pages)
    desk(chief).post(change_url(story), article_form_data(story, headline="Harbour stays shut"))
    for path in pages:
        assert "Harbour reopens after storm" not in client.get(path).content.decode(), path


def test_merging_tags_retires_the_pages(client, chief, story):
    other = publish(make_article(headline="Port strike", tags=["Port"]))
    pages = [*reader_pages(story), other.get_absolute_url()]
    warm(client, pages)
    editor_desk = desk(chief)
    tag_ids = [tag.pk for tag in (story.tags.get(), other.tags.get())]
    editor_desk.post("/admin/taggit/tag/", {"action": "render_tag_form",
                                            "_selected_action": tag_ids})
    editor_desk.post("/admin/taggit/tag/merge-tags/", {"new_tag_name": "Ports"})
    assert story.tags.get().name == "Ports"
    for path in pages:
        assert client.get(path).get("X-Cache") != "hit", path


def test_renaming_a_section_in_the_list_retires_the_pages(client, chief, story):
    pages = reader_pages(story)
    warm(client, pages)
    section = Section.objects.get()
    desk(chief).post("/admin/articles/section/", {
        "form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1, "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000, "form-0-id": section.pk, "form-0-order": 7, "_save": "Save",
    })
    assert Section.objects.get().order == 7
    assert client.get("/").get("X-Cache") != "hit"
