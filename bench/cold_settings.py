"""The site's settings without the public page cache: every request renders its page.

Bench-only. PAGE_CACHE_SECONDS=0 is not the same thing: the cache middleware then stores
nothing but still runs (two cache reads and one SQL query per request).
"""

from newsroom.settings import *  # noqa: F403
from newsroom.settings import MIDDLEWARE

MIDDLEWARE = [name for name in MIDDLEWARE if name != "articles.caching.PublicPageCacheMiddleware"]
