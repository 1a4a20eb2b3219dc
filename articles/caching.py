"""The public page cache: whole responses for anonymous readers, purged when content changes.

Every cached page carries the cache's current *generation*; purging starts a new generation,
so one cheap write retires every page at once, on every app server that shares the cache.
A page is looked up together with the generation (one round trip to a shared cache) and
served only if it carries the current one; the next render of the page overwrites it.
An entry also never outlives the moment the next scheduled article goes live.
PAGE_CACHE_SECONDS=0 turns the page cache off: every page is rendered, and marked `no-cache`.

Each app server also keeps a copy of the pages it served lately (PAGE_CACHE_LOCAL_PAGES,
least recently used first out). A copy is served only while it carries the current
generation, so a purge on any server retires the copies on all of them, as it retires the
shared entries: nothing a copy holds could not be read from the shared cache at that moment.
On Redis each process knows the current generation without asking, told of every purge over
pub/sub (purge_watch.py); elsewhere a hit on a copy reads just the generation, a few bytes
instead of the whole page.
"""

import hashlib
import pickle
import secrets
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import parse_http_date_safe

from . import machine_generation
from .machine_generation import MACHINE_GENERATION
from .models import Article
from .purge_watch import GenerationWatch

GENERATION_KEY = "newsroom:pages:generation"
NEXT_PUBLICATION_KEY = "newsroom:pages:next-publication:{}"
PAGE_KEY = "newsroom:page:{digest}"
# Query parameters that change what a public page shows; any other is ignored for the key
# (tracking parameters must not split the cache, nor can they change the page).
PAGE_PARAMETERS = ("page", "q", "view", "p", "url", "text", "instance")
UNCACHED_PREFIXES = ("/admin/", "/preview/", "/media/", "/static/")
# A reader's own copy is current: asked for these, a page is answered here (with a 304 when
# it still holds), never by the middlewares inside, so that the page itself can be stored.
CONDITIONAL_HEADERS = (
    "HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE",
)
# Headers that describe a page's body, which a 304 does not carry.
BODY_HEADERS = frozenset({
    "content-disposition", "content-encoding", "content-language", "content-length",
    "content-range", "content-type",
})
# ...and those that let a cache keep an answer: a 412 must not carry them.
KEEPING_HEADERS = frozenset({"age", "cache-control", "etag", "expires", "last-modified"})


def purge_public_pages():
    """Retire every cached public page, now and again when the transaction commits.

    The second purge drops pages that a concurrent request cached from the old data
    between the first purge and the commit. It runs with the page cache off too (one cache
    write): switched back on, the cache then never serves a page kept from before.
    """
    new_generation()
    transaction.on_commit(new_generation)


def fresh_generation():
    # An integer: Django's Redis cache stores it as it is, so purge_watch reads it directly.
    return secrets.randbits(63)


def new_generation():
    current = fresh_generation()
    write_generation(current)
    GENERATION_WATCH.announce()
    return current


def write_generation(current):
    """Make `current` the generation every process reads."""
    if not machine_generation.in_use():
        cache.set(GENERATION_KEY, current, None)
    elif not MACHINE_GENERATION.write(current):  # logged; at least this process is fresh
        cache.clear()
        LOCAL_COPIES.forget()


def generation():
    if machine_generation.in_use():  # a cache of this process's own (machine_generation.py)
        current = MACHINE_GENERATION.read()
        if current is None:  # the first, or the file was removed: counts as a purge
            current = fresh_generation()
            if MACHINE_GENERATION.write(current):
                current = MACHINE_GENERATION.read() or current  # another may have won
        return current
    current = cache.get(GENERATION_KEY)
    if isinstance(current, int):
        return current
    if current is not None:  # written by an older release (a string): start a new one
        current = new_generation()
    else:
        current = fresh_generation()
        if cache.add(GENERATION_KEY, current, None):
            GENERATION_WATCH.announce()  # the first, or the cache was cleared
    # Whatever is current now: another server may have written one in the meantime.
    return cache.get(GENERATION_KEY, current)


GENERATION_WATCH = GenerationWatch(GENERATION_KEY)


def seconds_until_next_publication(current_generation, now=None):
    """Seconds until the next scheduled article goes live, or None (one query per purge)."""
    now = now or timezone.now()
    key = NEXT_PUBLICATION_KEY.format(current_generation)
    moment = cache.get(key)
    if moment is None:
        moment = (
            Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        ) or "never"
        cache.set(key, moment, settings.PAGE_CACHE_SECONDS)
    if moment == "never":
        return None
    return max(0, (moment - now).total_seconds())


def page_key(request):
    # Every value, in order: views read the last one (`QueryDict.get`), so a key made of the
    # first would let "?page=2&page=1" store page 1 as page 2 for everyone.
    query = "&".join(
        f"{name}={value}" for name in PAGE_PARAMETERS for value in request.GET.getlist(name)
    ) if request.META.get("QUERY_STRING") else ""  # most hits: no parameters to parse
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    # Hashed: addresses may hold spaces and any length, which some cache backends refuse.
    digest = hashlib.sha256(address.encode()).hexdigest()
    return PAGE_KEY.format(digest=digest)


def is_cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(UNCACHED_PREFIXES + file_prefixes())
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def file_prefixes():
    """Where whitenoise and the media view answer, wherever STATIC_URL and MEDIA_URL put them:
    files, never pages (whitenoise answers their revalidations itself)."""
    return tuple(url for url in (settings.STATIC_URL, settings.MEDIA_URL) if url.startswith("/"))


def is_cacheable_response(response):
    control = response.get("Cache-Control", "")
    return (
        response.status_code in (200, 301, 404, 410)
        # A redirect that repeats the query (to https://, or adding a slash) would send the
        # next reader of this key to the first one's parameters (utm_…, or worse).
        and not (response.status_code == 301 and "?" in response.get("Location", ""))
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
        and "Cookie" not in response.get("Vary", "")
        and not getattr(response, "streaming", False)
    )


def answer_conditionally(request, response):
    """The page, or a 304 when the reader's copy is current (as ConditionalGetMiddleware does).

    Django's 304 keeps only the headers a cache needs to refresh its copy; this one keeps
    every header but the body's, so it carries the page's security headers as the page does.
    """
    if request.method != "GET" or not any(name in request.META for name in CONDITIONAL_HEADERS):
        return response
    answer = get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )
    if answer is not response:  # 304, or 412 (If-Match / If-Unmodified-Since failed)
        left_out = BODY_HEADERS if answer.status_code == 304 else BODY_HEADERS | KEEPING_HEADERS
        for header, value in response.items():
            if header not in answer and header.lower() not in left_out:
                answer[header] = value
    return answer


def page_cache_is_on():
    return settings.PAGE_CACHE_SECONDS > 0


class LocalCopies:
    """Pages this process served lately, by key: (generation, stored, expires, pickled page).

    Pickled, so that each hit gets a response object of its own to add headers to.
    """

    def __init__(self):
        self.pages = OrderedDict()
        self.lock = threading.Lock()  # gthread workers serve several requests at once

    def forget(self):
        with self.lock:
            self.pages.clear()

    def get(self, key):
        with self.lock:
            copy = self.pages.get(key)
            if copy is not None:
                self.pages.move_to_end(key)
            return copy

    def keep(self, key, entry):
        size = settings.PAGE_CACHE_LOCAL_PAGES
        if size <= 0:
            return
        page = pickle.dumps(entry["response"], pickle.HIGHEST_PROTOCOL)
        copy = (entry["generation"], entry["stored"], entry["expires"], page)
        with self.lock:
            self.pages[key] = copy
            self.pages.move_to_end(key)
            while len(self.pages) > size:
                self.pages.popitem(last=False)


LOCAL_COPIES = LocalCopies()


class PublicPageCacheMiddleware:
    """Serve anonymous readers from the page cache; never cache anything personal.

    The outermost middleware: a page is stored as it left all the others (security headers
    included), and a hit is answered without running them again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # Someone signed in: their pages may differ, so no shared cache may keep them.
                patch_cache_control(response, private=True, no_store=True)
            return response
        if not page_cache_is_on():
            return self.render_uncached(request)
        key = page_key(request)
        now = time.time()
        copy = LOCAL_COPIES.get(key)
        if copy is not None:
            current_generation = GENERATION_WATCH.known() or generation()
            copy_generation, stored, expires, page = copy
            if copy_generation == current_generation and expires > now:
                return self.hit(request, pickle.loads(page), stored, now)
            entry = cache.get(key)
        else:
            found = cache.get_many([GENERATION_KEY, key])
            current_generation = found.get(GENERATION_KEY) or generation()
            entry = found.get(key)
        if (
            entry is not None
            and entry.get("generation") == current_generation
            and entry["expires"] > now
        ):
            LOCAL_COPIES.keep(key, entry)
            return self.hit(request, entry["response"], entry.get("stored", now), now)
        response = self.render(request)
        if is_cacheable_response(response):
            self.store(key, response, current_generation)
        return answer_conditionally(request, response)

    def render(self, request):
        """The whole page, even for a reader who has it: so that it can be stored."""
        conditions = {name: request.META.pop(name) for name in CONDITIONAL_HEADERS
                      if name in request.META}
        try:
            return self.get_response(request)
        finally:
            request.META.update(conditions)

    @staticmethod
    def hit(request, response, stored, now):
        response["X-Cache"] = "hit"
        # How long the copy has been kept: a CDN or browser counts its max-age from the
        # moment we stored the page, so the copy still never outlives the next scheduled
        # publication, however late in its life the hit comes.
        response["Age"] = str(int(now - stored))
        return answer_conditionally(request, response)

    def render_uncached(self, request):
        """The page cache is off: no cache read or write, and no promise of caching."""
        response = self.render(request)
        if is_cacheable_response(response):
            # Browsers and CDNs may keep the page but must ask before each use; the ETag and
            # Last-Modified make that a cheap 304 when nothing changed. Without a header,
            # browsers would guess a lifetime from Last-Modified.
            patch_cache_control(response, no_cache=True)
        return answer_conditionally(request, response)

    def store(self, key, response, current_generation):
        seconds = settings.PAGE_CACHE_SECONDS
        until_publication = seconds_until_next_publication(current_generation)
        if until_publication is not None:
            seconds = min(seconds, int(until_publication))
        browser_seconds = min(settings.PAGE_BROWSER_SECONDS, seconds)
        patch_cache_control(
            response, public=True, max_age=browser_seconds, s_maxage=seconds
        )
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if not response.has_header("ETag"):  # a HEAD request's page (Django tags only GETs)
            set_response_etag(response)
        if seconds > 0:
            now = time.time()
            entry = {
                "response": response,
                "generation": current_generation,
                "stored": now,
                "expires": now + seconds,
            }
            cache.set(key, entry, seconds)
            LOCAL_COPIES.keep(key, entry)
        response["X-Cache"] = "miss"
