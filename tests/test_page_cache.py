"""The public page cache: free for readers, never stale, never personal."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.caching import GENERATION_KEY, LOCAL_COPIES, page_key
from articles.models import Article
from tests.conftest import (
    article_form_data,
    change_url,
    make_article,
    publish,
    purge_on_another_server,
)

pytestmark = pytest.mark.django_db


def get(client, path, **headers):
    return client.get(path, headers=headers)


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert get(client, path).status_code == 200
    return len(queries)


def test_a_cached_page_costs_no_query(client, live_article):
    assert get(client, "/")["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        response = get(client, "/")
    assert response["X-Cache"] == "hit"
    assert len(queries) == 0
    assert live_article.headline in response.content.decode()


def test_cache_headers_suit_browsers_and_a_cdn(client, live_article):
    response = get(client, live_article.get_absolute_url())
    control = response["Cache-Control"]
    assert "public" in control
    assert "max-age=60" in control
    assert "s-maxage=300" in control
    assert response["ETag"]


def test_unchanged_page_answers_304(client, live_article):
    etag = get(client, live_article.get_absolute_url())["ETag"]
    again = client.get(live_article.get_absolute_url(), headers={"if-none-match": etag})
    assert again.status_code == 304


def test_a_page_rendered_before_a_purge_is_not_served_after_it(client, live_article):
    """A slow request that read the old generation may store its page after the purge: it
    lands under the page's key, but carries the old generation, so readers never get it."""
    from django.test import RequestFactory

    from articles.caching import page_key, purge_public_pages

    assert get(client, "/")["X-Cache"] == "miss"
    key = page_key(RequestFactory().get("/"))
    stale = cache.get(key)
    assert stale is not None
    purge_public_pages()
    cache.set(key, stale, 300)  # the late write of the slow request
    response = get(client, "/")
    assert response["X-Cache"] == "miss"
    assert get(client, "/")["X-Cache"] == "hit"


def shared_entry_key(path):
    from django.test import RequestFactory

    return page_key(RequestFactory().get(path))


def test_a_server_serves_its_own_copy_while_the_generation_holds(client, live_article):
    url = live_article.get_absolute_url()
    first = get(client, url)
    assert first["X-Cache"] == "miss"
    cache.delete(shared_entry_key(url))  # gone from the shared cache (evicted, say)
    with CaptureQueriesContext(connection) as queries:
        again = get(client, url)
    assert again["X-Cache"] == "hit"
    assert len(queries) == 0
    assert again.content == first.content


def test_a_purge_elsewhere_retires_this_servers_copies(client, live_article):
    # Many rounds: a purge that reaches this process a moment too late shows only now and then.
    url = live_article.get_absolute_url()
    assert get(client, url)["X-Cache"] == "miss"
    for round_ in range(50):
        assert get(client, url)["X-Cache"] == "hit"
        headline = f"Correction {round_} from server A"
        Article.objects.filter(pk=live_article.pk).update(headline=headline)
        purge_on_another_server()
        response = get(client, url)
        assert response["X-Cache"] == "miss", f"round {round_}: served the copy from before"
        assert headline in response.content.decode()


def test_each_hit_gets_a_response_of_its_own(client, live_article):
    url = live_article.get_absolute_url()
    get(client, url)
    first, second = get(client, url), get(client, url)
    assert first is not second
    first["X-Extra"] = "only this one"
    assert not get(client, url).has_header("X-Extra")


def test_copies_are_bounded_least_recently_used_first_out(client, settings, live_article):
    settings.PAGE_CACHE_LOCAL_PAGES = 2
    article = live_article.get_absolute_url()
    get(client, "/")
    get(client, article)
    get(client, "/")  # read again: now the article's copy is the least recently used
    get(client, "/search/?q=budget")
    assert len(LOCAL_COPIES.pages) == 2
    for path in ("/", article):
        cache.delete(shared_entry_key(path))
    assert get(client, "/")["X-Cache"] == "hit"
    assert get(client, article)["X-Cache"] == "miss"  # its copy made room


def test_no_copies_kept_when_switched_off(client, settings, live_article):
    settings.PAGE_CACHE_LOCAL_PAGES = 0
    url = live_article.get_absolute_url()
    get(client, url)
    assert not LOCAL_COPIES.pages
    cache.delete(shared_entry_key(url))
    assert get(client, url)["X-Cache"] == "miss"


def test_publishing_purges_the_cached_pages(client, editor):
    get(client, "/")
    article = make_article(headline="Fresh from the desk")
    workflow.transition(article, "publish_directly", editor, "Breaking")
    assert "Fresh from the desk" in get(client, "/").content.decode()


def test_an_edit_in_the_desk_purges_the_article_page(client, editor, live_article):
    url = live_article.get_absolute_url()
    assert "Parliament passes the budget" in get(client, url).content.decode()
    desk = Client()
    desk.force_login(editor)
    desk.post(change_url(live_article), article_form_data(live_article, headline="Budget fixed"))
    page = get(client, live_article.get_absolute_url()).content.decode()
    assert "Budget fixed" in page


def test_withdrawing_purges_the_article_page(client, chief, live_article):
    assert get(client, live_article.get_absolute_url()).status_code == 200
    workflow.transition(live_article, "withdraw", chief, "Legal")
    assert get(client, live_article.get_absolute_url()).status_code == 410


def test_a_cached_page_never_outlives_a_scheduled_publication(client, monkeypatch):
    in_two_minutes = timezone.now() + timedelta(minutes=2)
    publish(make_article(headline="Embargoed until noon"), at=in_two_minutes)
    response = get(client, "/")
    assert "Embargoed until noon" not in response.content.decode()
    control = response["Cache-Control"]
    assert "s-maxage=119" in control or "s-maxage=120" in control

    # Two minutes and a second later, with no job and no purge, readers see it.
    later = in_two_minutes + timedelta(seconds=1)
    real_time = time.time()
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(time, "time", lambda: real_time + 121)
    assert "Embargoed until noon" in get(client, "/").content.decode()


def test_a_late_hit_tells_cdns_how_old_the_copy_is(client, monkeypatch):
    """A CDN counts s-maxage from its fetch: without Age, a hit just before expiry would let
    it keep the page past the scheduled publication."""
    in_two_minutes = timezone.now() + timedelta(minutes=2)
    publish(make_article(headline="Embargoed until noon"), at=in_two_minutes)
    first = get(client, "/")
    s_maxage = int(first["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    real_time = time.time()
    monkeypatch.setattr(time, "time", lambda: real_time + 90)
    hit = get(client, "/")
    assert hit["X-Cache"] == "hit"
    age = int(hit["Age"])
    assert 89 <= age <= 91
    assert s_maxage - age <= 31  # fresh for a CDN only until the article goes live


def test_signed_in_pages_are_private_and_not_cached(client, editor, live_article):
    client.force_login(editor)
    response = get(client, live_article.get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert response.get("X-Cache") is None
    assert get(Client(), live_article.get_absolute_url())["X-Cache"] == "miss"


def test_admin_and_previews_are_never_cached(client, editor, live_article):
    client.force_login(editor)
    response = get(client, f"/admin/articles/article/{live_article.pk}/preview/")
    assert "no-store" in response["Cache-Control"]
    assert response.get("X-Cache") is None


def test_request_headers_cannot_change_the_cached_page(client, live_article):
    english = get(client, "/", **{"accept-language": "en"})
    german = get(client, "/", **{"accept-language": "de", "x-forwarded-host": "evil.example"})
    assert german["X-Cache"] == "hit"
    assert german.content == english.content
    assert "evil.example" not in german.content.decode()
    assert "Accept-Language" not in english.get("Vary", "")


def test_tracking_parameters_share_one_cached_page(client, live_article):
    get(client, "/")
    assert get(client, "/?utm_source=newsletter&fbclid=abc")["X-Cache"] == "hit"
    assert get(client, "/?page=2")["X-Cache"] == "miss"


def test_article_page_revalidates_by_last_modified(client, live_article):
    response = get(client, live_article.get_absolute_url())
    assert response["Last-Modified"]
    again = client.get(
        live_article.get_absolute_url(),
        headers={"if-modified-since": response["Last-Modified"]},
    )
    assert again.status_code == 304


def test_a_revalidation_after_a_purge_stores_the_page_for_the_next_reader(client, live_article):
    """Returning readers revalidate after a purge; each must not render the page again."""
    from articles.caching import purge_public_pages

    url = live_article.get_absolute_url()
    etag = get(client, url)["ETag"]
    purge_public_pages()
    revalidated = get(client, url, **{"if-none-match": etag})
    assert revalidated.status_code == 304
    assert revalidated["ETag"] == etag
    assert "Content-Length" not in revalidated
    with CaptureQueriesContext(connection) as queries:
        fresh = get(client, url)
    assert fresh["X-Cache"] == "hit"
    assert len(queries) == 0
    assert fresh.status_code == 200


def test_a_changed_page_answers_a_stale_revalidation_in_full(client, live_article):
    from articles.caching import purge_public_pages

    url = live_article.get_absolute_url()
    etag = get(client, url)["ETag"]
    Article.objects.filter(pk=live_article.pk).update(headline="Budget vote postponed")
    purge_public_pages()  # as a desk save does
    response = get(client, url, **{"if-none-match": etag})
    assert response.status_code == 200
    assert "Budget vote postponed" in response.content.decode()
    assert get(client, url, **{"if-none-match": response["ETag"]}).status_code == 304


def test_a_failed_precondition_is_not_made_cacheable(client, live_article):
    """A 412 must not be kept by a CDN for the readers after the one who asked."""
    url = live_article.get_absolute_url()
    get(client, url)
    refused = get(client, url, **{"if-match": '"not-this-page"'})
    assert refused.status_code == 412
    assert "public" not in refused.get("Cache-Control", "")
    assert "s-maxage" not in refused.get("Cache-Control", "")
    assert refused["X-Frame-Options"] == "DENY"  # still the page's security headers
    assert get(client, url).status_code == 200


@pytest.mark.parametrize("first", [
    "?utm_source=newsletter&subscriber=123", "?fbclid=abc",
])
def test_a_redirect_never_sends_the_next_reader_to_the_first_ones_parameters(
    client, settings, live_article, first
):
    settings.SECURE_SSL_REDIRECT = True  # plain http is sent to https, query and all
    url = live_article.get_absolute_url()
    redirected = get(client, url + first)
    assert redirected.status_code == 301
    assert redirected["Location"] == f"https://testserver{url}{first}"
    assert get(client, url)["Location"] == f"https://testserver{url}"
    section = live_article.section.get_absolute_url().rstrip("/")  # a slash is added
    assert client.get(section + first, secure=True)["Location"] == section + "/" + first
    assert client.get(section, secure=True)["Location"] == section + "/"


def test_static_files_never_pass_through_the_page_cache_wherever_they_live(client, settings):
    settings.STATIC_URL = "/assets/"
    response = get(client, "/assets/css/site.css")
    assert "X-Cache" not in response


# PAGE_CACHE_SECONDS=0: the page cache is off.


@pytest.fixture
def cache_off(settings):
    settings.PAGE_CACHE_SECONDS = 0


def test_with_the_cache_off_every_request_renders_the_current_page(client, cache_off, live_article):
    url = live_article.get_absolute_url()
    first = get(client, url)
    # Behind the workflow's back, so no purge: only a fresh rendering can show it.
    Article.objects.filter(pk=live_article.pk).update(headline="Budget vote postponed")

    again = get(client, url)

    assert again.get("X-Cache") is None
    assert "Parliament passes the budget" in first.content.decode()
    assert "Budget vote postponed" in again.content.decode()


def test_with_the_cache_off_the_middleware_never_touches_the_cache(client, cache_off, live_article):
    cache.clear()  # publishing the article purged, which writes a generation
    get(client, "/")
    get(client, live_article.get_absolute_url())

    # Even reading the cache would have stored a first generation.
    assert cache.get(GENERATION_KEY) is None


@pytest.mark.parametrize("path", ["/", "article", "/search/?q=budget", "/feeds/rss/"])
def test_with_the_cache_off_a_page_costs_no_extra_query(
    client, settings, cache_off, live_article, path
):
    path = live_article.get_absolute_url() if path == "article" else path
    get(client, path)  # warm process-wide caches such as content types
    with_middleware = count_queries(client, path)
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if name != "articles.caching.PublicPageCacheMiddleware"
    ]
    without_middleware = Client()  # a client loads the middleware on its first request
    get(without_middleware, path)

    assert with_middleware == count_queries(without_middleware, path)


def test_with_the_cache_off_pages_must_be_revalidated(client, cache_off, live_article):
    response = get(client, live_article.get_absolute_url())

    assert response["Cache-Control"] == "no-cache"
    assert response["ETag"]
    again = client.get(
        live_article.get_absolute_url(), headers={"if-none-match": response["ETag"]}
    )
    assert again.status_code == 304
    assert again["Cache-Control"] == "no-cache"


def test_with_the_cache_off_signed_in_pages_stay_private(client, cache_off, editor, live_article):
    client.force_login(editor)
    control = get(client, live_article.get_absolute_url())["Cache-Control"]
    assert "private" in control
    assert "no-store" in control


def test_with_the_cache_off_publishing_still_works_and_shows_at_once(client, cache_off, editor):
    get(client, "/")
    article = make_article(headline="Fresh from the desk")
    workflow.transition(article, "publish_directly", editor, "Breaking")
    assert "Fresh from the desk" in get(client, "/").content.decode()


def test_switching_the_cache_back_on_never_serves_a_page_from_before(
    client, settings, editor, live_article
):
    url = live_article.get_absolute_url()
    assert get(client, url)["X-Cache"] == "miss"
    settings.PAGE_CACHE_SECONDS = 0
    desk = Client()
    desk.force_login(editor)
    desk.post(change_url(live_article), article_form_data(live_article, headline="Budget fixed"))
    settings.PAGE_CACHE_SECONDS = 300

    assert "Budget fixed" in get(client, url).content.decode()
