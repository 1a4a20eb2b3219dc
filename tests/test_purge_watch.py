"""Each process learns of every purge over Redis pub/sub instead of asking on every hit.

Against a real Redis: the CI's (CACHE_URL=redis://…) or the one on 127.0.0.1:6379.
"""

import os
import socket
import time

import pytest
import redis
from django.core.cache import cache

from articles import caching
from articles.caching import GENERATION_KEY, GENERATION_WATCH, new_generation
from articles.models import Article
from articles.purge_watch import PURGED_CHANNEL, TRUST_SECONDS, GenerationWatch
from tests.conftest import purge_on_another_server

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


def eventually(condition, seconds=3 * TRUST_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return False


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
    new = purge_on_another_server()
    assert eventually(lambda: GENERATION_WATCH.known() == new, seconds=0.5)


def test_a_purge_here_is_never_answered_with_the_old_generation(redis_cache):
    old = caching.generation()
    assert eventually(lambda: GENERATION_WATCH.known() == old)
    new_generation()
    assert GENERATION_WATCH.known() in (None, cache.get(GENERATION_KEY))
    assert GENERATION_WATCH.known() != old


def test_a_purge_announced_here_reaches_the_other_servers(redis_cache):
    listener = redis_cache.pubsub()
    listener.subscribe(PURGED_CHANNEL)
    assert listener.get_message(timeout=1)["type"] == "subscribe"
    new_generation()
    assert listener.get_message(timeout=1)["type"] == "message"
    listener.close()


def test_a_refused_announcement_is_logged_and_the_purge_still_written(settings, redis_cache,
                                                                       caplog):
    """Redis 7 gives new ACL users no channels: GET and SET work, PUBLISH is refused."""
    redis_cache.execute_command(
        "ACL", "SETUSER", "newsroom-no-channels", "on", "nopass", "~*", "resetchannels", "+@all"
    )
    allowed = settings.CACHES
    location = allowed["default"]["LOCATION"].replace("redis://", "redis://newsroom-no-channels:@")
    try:
        settings.CACHES = {"default": {**allowed["default"], "LOCATION": location}}
        written = new_generation()
        assert cache.get(GENERATION_KEY) == written
        assert "could not announce a purge" in caplog.text
    finally:
        settings.CACHES = allowed
        redis_cache.execute_command("ACL", "DELUSER", "newsroom-no-channels")


class PurgeDuringTheRead:
    """The leader's client, with a purge landing while a reading is on its way."""

    def __init__(self, client, watch):
        self.client, self.watch = client, watch

    def get(self, key):
        value = self.client.get(key)
        self.watch.forget()  # what new_generation() here does meanwhile
        return value


def a_watch_without_its_thread(value=None, proven_seconds_ago=0.0):
    watch = GenerationWatch(GENERATION_KEY)
    watch.watching = GenerationWatch.target()  # as if its thread ran
    watch.line, announcer = socket.socketpair()
    watch.value, watch.proven_at = value, time.monotonic() - proven_seconds_ago
    return watch, announcer


def test_a_reading_begun_before_a_purge_is_dropped(redis_cache):
    caching.generation()
    watch, _ = a_watch_without_its_thread()
    raw_key = cache.make_and_validate_key(GENERATION_KEY)
    watch.read(watch.watching, PurgeDuringTheRead(redis_cache, watch), raw_key,
               proven_at=time.monotonic())
    assert watch.value is None
    watch.read(watch.watching, redis_cache, raw_key, proven_at=time.monotonic())
    assert watch.value == cache.get(GENERATION_KEY)


def test_a_copy_is_trusted_only_while_the_subscription_was_lately_proven(redis_cache):
    fresh, _ = a_watch_without_its_thread(value=7, proven_seconds_ago=0.1)
    assert fresh.known() == 7
    stale, _ = a_watch_without_its_thread(value=7, proven_seconds_ago=TRUST_SECONDS + 0.1)
    assert stale.known() is None


def test_an_announcement_not_yet_handled_is_not_trusted_past(redis_cache):
    """The thread may not have run yet (the GIL): requests look at the line themselves."""
    watch, announcer = a_watch_without_its_thread(value=7)
    assert watch.known() == 7
    announcer.send(b"*3\r\n")  # the first bytes of a pushed message
    assert watch.known() is None


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
    purge_on_another_server()

    assert eventually(lambda: "Corrected on server A" in client.get(url).content.decode())


def test_a_generation_left_by_an_older_release_is_replaced(redis_cache):
    cache.set(GENERATION_KEY, "a2c82fa9e32b47d0acfd820690e54b21", None)  # a pickled string
    current = caching.generation()
    assert isinstance(current, int)
    assert eventually(lambda: GENERATION_WATCH.known() == current)
