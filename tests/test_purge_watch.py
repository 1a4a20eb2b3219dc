"""Each process learns of every purge over Redis pub/sub instead of asking on every hit.

Against a real Redis: the CI's (CACHE_URL=redis://…) or the one on 127.0.0.1:6379.
"""

import os
import time

import pytest
import redis
from django.core.cache import cache

from articles import caching
from articles.caching import GENERATION_KEY, GENERATION_WATCH, new_generation
from articles.models import Article
from articles.purge_watch import PURGED_CHANNEL, REFRESH_SECONDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings):
    url = os.environ.get("CACHE_URL", "")
    if not url.startswith("redis://"):
        url = "redis://127.0.0.1:6379/13"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"no Redis at {url}: .ci/run starts one")
        pytest.skip(f"needs Redis at {url}")
    settings.CACHES = {
        "default": {"BACKEND": "newsroom.redis_cache.ReusingRedisCache", "LOCATION": url}
    }
    cache.clear()
    GENERATION_WATCH.forget()
    yield redis.Redis.from_url(url)  # another app server's own connection
    cache.clear()


def eventually(condition, seconds=3 * REFRESH_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return False


def purge_from_another_server(other):
    """What new_generation() on another app server sends: a write, then the announcement."""
    other.set(cache.make_and_validate_key(GENERATION_KEY), 424242)
    other.publish(PURGED_CHANNEL, b"")


def test_without_redis_every_hit_asks_the_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    caching.generation()
    assert GENERATION_WATCH.known() is None


def test_the_process_learns_the_generation_without_asking(redis_cache):
    current = caching.generation()
    assert eventually(lambda: GENERATION_WATCH.known() == current)


def test_a_purge_on_another_server_is_heard(redis_cache):
    caching.generation()
    assert eventually(lambda: GENERATION_WATCH.known() is not None)
    purge_from_another_server(redis_cache)
    assert eventually(lambda: GENERATION_WATCH.known() == 424242, seconds=0.5)


def test_a_purge_here_is_never_answered_with_the_old_generation(redis_cache):
    old = caching.generation()
    assert eventually(lambda: GENERATION_WATCH.known() == old)
    new_generation()
    assert GENERATION_WATCH.known() in (None, cache.get(GENERATION_KEY))
    assert GENERATION_WATCH.known() != old


def test_a_cleared_cache_is_noticed_without_an_announcement(redis_cache):
    caching.generation()
    assert eventually(lambda: GENERATION_WATCH.known() is not None)
    redis_cache.flushdb()  # e.g. Redis restarted: it keeps nothing on disk
    assert eventually(lambda: GENERATION_WATCH.known() is None)


def test_a_reader_sees_another_servers_correction(client, redis_cache, live_article):
    url = live_article.get_absolute_url()
    assert client.get(url)["X-Cache"] == "miss"
    assert eventually(lambda: GENERATION_WATCH.known() is not None)
    assert client.get(url)["X-Cache"] == "hit"  # from this process's copy

    # Server A saves a correction: new rows, then the purge it announces.
    Article.objects.filter(pk=live_article.pk).update(headline="Corrected on server A")
    purge_from_another_server(redis_cache)

    assert eventually(lambda: "Corrected on server A" in client.get(url).content.decode())


def test_a_generation_left_by_an_older_release_is_replaced(redis_cache):
    cache.set(GENERATION_KEY, "a2c82fa9e32b47d0acfd820690e54b21", None)  # a pickled string
    current = caching.generation()
    assert isinstance(current, int)
    assert eventually(lambda: GENERATION_WATCH.known() == current)
