"""Benchmarks (see bench/RESULTS.md). Shared here: a scratch newsroom for self-contained runs."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_scratch_django(workdir):
    """Django on a throw-away SQLite database and media folders under `workdir`.

    The caller's settings, environment file and data are never touched; migrate is the
    caller's to run (image workers share one migrated database).
    """
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        SECRET_KEY="bench-only",
        DEBUG="false",
        HTTPS="false",
        SERVE_MEDIA="false",
        STATIC_HASHED="false",
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{workdir}/bench.sqlite3",
        CACHE_URL="locmemcache://bench",
        MEDIA_ROOT=f"{workdir}/media",
        ORIGINALS_ROOT=f"{workdir}/originals",
        ENV_FILE=f"{workdir}/none.env",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
