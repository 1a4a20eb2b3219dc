"""Each process's copy of the page cache's generation, kept current over Redis pub/sub.

A page-cache hit answered from this process's own copy of the page (caching.LOCAL_COPIES)
still read the generation from Redis: one round trip per hit, which held a warm article page
on PostgreSQL + Redis to about 3,600 requests/s where the same hit without it served 5,000.
Instead, every process subscribes to PURGED_CHANNEL, on which each new generation is
announced, and keeps the generation it last read from the leader (the server writes go to).

When a request may trust that copy, and why a purge is not missed:
- A purge in this process forgets the copy before it returns.
- A purge elsewhere writes the new generation, then announces it (publish_purge()), and
  answers only once Redis has written the announcement to every subscriber's connection.
  A request that finds something waiting on the subscription does not trust the copy: it
  reads the generation from Redis. The thread forgets the copy before it takes anything off
  the line, so there is no moment in which the line looks empty and the copy is stale. What
  remains is the announcement's way from Redis to this machine (on one machine or a LAN,
  well under a millisecond).
- The subscription is proven alive once every PING_SECONDS (a PING answered on it: anything
  announced before that PING has arrived before its answer). A copy is trusted only while its
  last proof is at most TRUST_SECONDS old, so a connection dropped without a word (a firewall
  forgetting it) costs at most that once; then requests read Redis until it is back.
- Without Redis, or while the subscription is down, every hit reads the generation.
"""

import logging
import os
import select
import threading
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

PURGED_CHANNEL = "newsroom:pages:purged"
PING_SECONDS = 0.5
TRUST_SECONDS = 1.5


def leader_client():
    """The Redis client of the cache's leader, or None when the cache is not Redis."""
    leader = getattr(cache, "leader", None)  # newsroom.redis_cache.ReusingRedisCache
    return leader() if leader is not None else None


def publish_purge():
    """Announce a new generation to every process; return once Redis has written it out.

    Redis answers PUBLISH in the same pass in which it writes the announcement to the
    subscribers' connections, the publisher first. A second command is taken only in a later
    pass, after those writes: its answer means every subscriber's copy was handed to the
    network (not that it has arrived: a subscriber whose connection is backed up, or one on
    another node of a Redis Cluster, gets it later; the PING trust window covers those).
    """
    leader = leader_client()
    if leader is None:
        return
    leader.publish(PURGED_CHANNEL, b"")
    leader.ping()


class GenerationWatch:
    def __init__(self, key):
        self.key = key
        self.lock = threading.Lock()
        self.value = None
        self.proven_at = 0.0  # when the PING went out whose answer last proved the line
        self.epoch = 0  # moved on by forget(): a reading begun before it is dropped
        self.watching = None  # (process id, cache settings) the thread serves; a Redis cache
        self.unwatchable = None  # the cache settings last found not to be Redis
        self.line = None  # the subscription's socket, peeked at by requests
        self.failing = False

    def known(self):
        """The current generation if this process knows it, else None (ask the cache)."""
        target = self.target()
        if self.watching != target:
            if target == self.unwatchable:
                return None
            if leader_client() is None:  # not Redis: nothing to watch
                self.unwatchable = target
                return None
            self.start(target)
        value = self.value
        if value is None or time.monotonic() - self.proven_at > TRUST_SECONDS:
            return None
        if self.announcement_waiting():
            return None
        return value

    def announcement_waiting(self):
        """Something arrived on the subscription that the thread has not handled yet."""
        try:
            return self.arrives(timeout=0)
        except (TypeError, ValueError, OSError):  # no line yet, or just closed
            return True

    @staticmethod
    def target():
        default = settings.CACHES["default"]
        return (os.getpid(), default["BACKEND"], str(default.get("LOCATION")),
                default.get("KEY_PREFIX", ""))

    def forget(self):
        with self.lock:
            self.epoch += 1
            self.value = None

    def announce(self):
        """A new generation was written: forget this process's copy and tell every process.

        A refused announcement (an ACL without channel rights, a proxy without pub/sub) is
        logged, not raised: the purge itself is written, and the other processes notice it
        within PING_SECONDS (or read Redis on every hit, as they cannot subscribe either)."""
        self.forget()
        try:
            publish_purge()
        except Exception:
            logger.error("Page cache: could not announce a purge over Redis pub/sub.",
                         exc_info=True)

    def start(self, target):
        with self.lock:
            if self.watching == target:
                return
            self.watching, self.value, self.line = target, None, None
            self.epoch += 1
        threading.Thread(
            target=self.watch, args=(target,), name="page-cache-purge-watch", daemon=True
        ).start()

    def watch(self, target):
        """Runs in a thread of its own, as long as the process serves this cache."""
        while self.watching == target:
            pubsub = None
            try:
                leader = leader_client()
                if leader is None:  # the cache was switched away from Redis (tests)
                    return
                raw_key = cache.make_and_validate_key(self.key)
                pubsub = leader.pubsub()
                pubsub.subscribe(PURGED_CHANNEL)
                self.listen(target, leader, raw_key, pubsub)
            except Exception:
                if not self.failing:  # once per outage, not twice a second
                    logger.warning(
                        "Page cache: no purge announcements; reading the generation from "
                        "Redis on every hit until they are back.",
                        exc_info=True,
                    )
                self.failing = True
                time.sleep(PING_SECONDS)
            finally:
                self.forget()
                if pubsub is not None:
                    pubsub.close()

    def listen(self, target, leader, raw_key, pubsub):
        pinged_at, next_ping = None, 0.0
        while self.watching == target:
            now = time.monotonic()
            if pinged_at is None and now >= next_ping:
                pinged_at = now
                pubsub.ping()
            elif pinged_at is not None and now - pinged_at > TRUST_SECONDS:
                raise ConnectionError("no answer to a PING on the subscription")
            self.line = pubsub.connection._sock if pubsub.connection else None
            if not self.arrives(timeout=PING_SECONDS / 5):
                continue
            # Requests stop trusting the copy while something waits on the line; once the
            # thread has read it off, they could not tell. So forget first, read again after.
            self.forget()
            answered = False
            while (message := pubsub.get_message(timeout=0)) is not None:
                answered = answered or message["type"] == "pong"
            if answered:
                # Everything announced before the PING has arrived: the reading is current.
                self.read(target, leader, raw_key, proven_at=pinged_at)
                if self.failing:
                    logger.warning("Page cache: purge announcements are back.")
                    self.failing = False
                pinged_at, next_ping = None, now + PING_SECONDS
            else:  # an announcement (or the subscription's confirmation)
                self.read(target, leader, raw_key, proven_at=None)

    def arrives(self, timeout):
        """Wait up to `timeout` for something on the subscription, without reading it."""
        readable, _, _ = select.select([self.line], [], [], timeout)
        return bool(readable)

    def read(self, target, leader, raw_key, proven_at):
        with self.lock:
            epoch = self.epoch
        raw = leader.get(raw_key)  # stored as a plain integer (caching.fresh_generation)
        try:
            value = int(raw)
        except (TypeError, ValueError):  # none yet, or one an older release wrote
            value = None
        with self.lock:
            if self.epoch == epoch and self.watching == target:
                self.value = value
                if proven_at is not None:
                    self.proven_at = proven_at
