"""The page cache's generation when the cache lives in each process's own memory.

Django's local-memory cache (the default without CACHE_URL) is one per process, and
`make serve` runs several gunicorn workers: a purge written into the purging worker's memory
would leave the other workers serving the old pages for up to PAGE_CACHE_SECONDS. With such
a cache the generation is kept in a small file instead, which every process on this machine
reads: a purge replaces the file; a lookup stats it (one system call) and reads it again only
when it is another file than the one read last. The pages stay in each process's memory.
Processes on other machines cannot see the file: several app servers need a shared cache
(Redis), as `check --deploy` says (newsroom.I001; W002 when the file cannot be written).
"""

import contextlib
import hashlib
import logging
import os
import tempfile
import time

from django.conf import settings

logger = logging.getLogger(__name__)

PROCESS_LOCAL_CACHES = ("django.core.cache.backends.locmem.LocMemCache",)


def in_use():
    return settings.CACHES["default"]["BACKEND"] in PROCESS_LOCAL_CACHES


_paths = {}


def generation_file():
    """PAGE_CACHE_GENERATION_FILE, else one per project directory and database, beside the
    SQLite database (a directory the site must be able to write to anyway) or else in the
    project directory: processes serving the same pages share it, other checkouts and test
    runs do not. Not the temp directory: a command run with another TMPDIR or PrivateTmp
    would purge a file the workers never read, and anyone could take the name there first."""
    if settings.PAGE_CACHE_GENERATION_FILE:
        return settings.PAGE_CACHE_GENERATION_FILE
    database = settings.DATABASES["default"]
    source = (str(settings.BASE_DIR), database["ENGINE"], str(database["NAME"]),
              str(database.get("HOST", "")), str(database.get("PORT", "")))
    path = _paths.get(source)
    if path is None:
        digest = hashlib.sha256(repr(source).encode()).hexdigest()[:16]
        path = _paths[source] = os.path.join(
            _directory(database), f".newsroom-page-generation-{digest}"
        )
    return path


def _directory(database):
    name = str(database["NAME"])
    on_disk = name and name != ":memory:" and not name.startswith("file:")
    if database["ENGINE"].endswith("sqlite3") and on_disk:
        return os.path.dirname(os.path.abspath(name))
    return str(settings.BASE_DIR)


class MachineGeneration:
    def __init__(self):
        self.last = (None, None)  # ((path, inode, modified), value) of the file read last
        self.failing = False

    def read(self):
        """The generation in the file, or None while there is none."""
        path = generation_file()
        try:
            status = os.stat(path)
        except OSError:  # none yet, or it cannot be (write() says why)
            return None
        seen = (path, status.st_ino, status.st_mtime_ns)
        last_seen, value = self.last  # one tuple: other threads never see half an update
        if seen != last_seen:
            try:
                with open(path, "rb") as file:
                    value = int(file.read())
            except (OSError, ValueError):  # replaced just now, or not ours
                return None
            self.last = (seen, value)
        return value

    def write(self, value):
        """Replace the file in one step, so that no process ever reads half of it. A failure
        is logged, not raised: a desk save must not fail because a directory did."""
        path = generation_file()
        temporary = None
        try:
            descriptor, temporary = tempfile.mkstemp(
                dir=os.path.dirname(path), prefix=".newsroom-page-generation-", suffix=".new"
            )
            with os.fdopen(descriptor, "w") as file:
                file.write(str(value))
            os.chmod(temporary, 0o644)  # readable by every user that serves or purges
            # Later than the file it replaces, even within one tick of the clock: with the
            # inode, readers can always tell a new file from the one they read last.
            try:
                previous = os.stat(path).st_mtime_ns
            except FileNotFoundError:
                previous = 0
            moment = max(time.time_ns(), previous + 1)
            os.utime(temporary, ns=(moment, moment))
            os.replace(temporary, path)
        except OSError:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            if not self.failing:
                logger.error("Page cache: could not write the generation file %s; other "
                             "processes may serve old pages.", path, exc_info=True)
            self.failing = True
            return False
        self.failing = False
        return True


MACHINE_GENERATION = MachineGeneration()
