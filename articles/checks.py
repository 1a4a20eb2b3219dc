"""Deployment checks (`manage.py check --deploy`) for what Django's own do not know."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches, deploy=True)
def page_cache_reaches_every_process(app_configs=None, **kwargs):
    """A purge must reach every process that serves pages: a local-memory cache is each
    process's own, and gunicorn runs several (GUNICORN_WORKERS, by default cores + 1)."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.PAGE_CACHE_SECONDS <= 0 or backend not in PROCESS_LOCAL_CACHES:
        return []
    return [Warning(
        "The page cache lives in each process's own memory: with more than one gunicorn "
        "worker, a purge (a publication, a correction, a withdrawal) reaches only the worker "
        "that made it, and the others serve the old page for up to PAGE_CACHE_SECONDS.",
        hint="Set CACHE_URL=redis://… (one Redis for all workers and servers), or run one "
        "worker (GUNICORN_WORKERS=1), or turn the page cache off (PAGE_CACHE_SECONDS=0).",
        id="newsroom.W001",
    )]
