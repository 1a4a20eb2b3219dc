"""Deployment checks (`manage.py check --deploy`) for what Django's own do not know."""

import os

from django.conf import settings
from django.core.checks import Info, Tags, Warning, register

from .machine_generation import generation_file
from .machine_generation import in_use as generation_in_a_file


@register(Tags.caches, deploy=True)
def page_cache_reaches_every_process(app_configs=None, **kwargs):
    """A purge must reach every process that serves pages. With a local-memory cache the
    processes of this machine learn of it through a file (machine_generation.py); processes
    on other machines cannot."""
    if settings.PAGE_CACHE_SECONDS <= 0 or not generation_in_a_file():
        return []
    directory = os.path.dirname(generation_file())
    if not os.access(directory, os.W_OK | os.X_OK):
        return [Warning(
            f"The page cache's generation file cannot be written in {directory}: a purge "
            "(a publication, a correction) would reach only the process that made it, and "
            "the other workers would serve old pages for up to PAGE_CACHE_SECONDS.",
            hint="Let the site's user write there, or set PAGE_CACHE_GENERATION_FILE to a "
            "path in a directory it may write to (the same for every worker and command).",
            id="newsroom.W002",
        )]
    return [Info(
        "The page cache lives in each process's own memory: purges reach every gunicorn "
        "worker on this machine (through PAGE_CACHE_GENERATION_FILE), but not app servers "
        "on other machines, which would serve old pages for up to PAGE_CACHE_SECONDS.",
        hint="With more than one app server, set CACHE_URL=redis://… (one Redis for all).",
        id="newsroom.I001",
    )]
