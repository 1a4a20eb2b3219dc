"""Without Redis, every gunicorn worker of a machine keeps its own pages in its own memory;
a purge in one worker must still retire the pages of all the others (through a shared file)."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from articles.caching import purge_public_pages
from articles.machine_generation import MACHINE_GENERATION, generation_file
from articles.models import Article

BASE_DIR = Path(__file__).resolve().parent.parent
PURGE_IN_ANOTHER_PROCESS = (
    "import django; django.setup(); "
    "from articles.caching import purge_public_pages; purge_public_pages()"
)


@pytest.fixture
def local_memory_cache(settings, tmp_path):
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "worker-a",
    }}
    settings.PAGE_CACHE_GENERATION_FILE = str(tmp_path / "generation")
    return settings.PAGE_CACHE_GENERATION_FILE


def purge_in_another_process(generation_path):
    """What a desk save in another gunicorn worker does: its own memory, the same file."""
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "CACHE_URL": "locmemcache://worker-b",
        "PAGE_CACHE_GENERATION_FILE": generation_path,
        # The purge itself reads no row; the test database may be in this process's memory.
        "DATABASE_URL": f"sqlite:///{Path(generation_path).parent / 'worker-b.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", PURGE_IN_ANOTHER_PROCESS],
        cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.django_db
def test_a_purge_in_another_worker_retires_this_workers_pages(
    client, local_memory_cache, live_article
):
    url = live_article.get_absolute_url()
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"
    Article.objects.filter(pk=live_article.pk).update(headline="Corrected in worker B")

    purge_in_another_process(local_memory_cache)

    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert "Corrected in worker B" in response.content.decode()
    assert client.get(url)["X-Cache"] == "hit"


def test_every_purge_is_seen_however_quickly_they_follow_each_other(local_memory_cache):
    # Two replacements between reads, within one tick of the clock: the second file may get
    # the inode number of the one read last (freed by the first replacement).
    seen = []
    for number in range(0, 600, 2):
        MACHINE_GENERATION.write(number)
        MACHINE_GENERATION.write(number + 1)
        seen.append(MACHINE_GENERATION.read())
    assert seen == list(range(1, 600, 2))


def test_the_file_is_readable_by_the_other_users_that_serve_or_purge(local_memory_cache):
    MACHINE_GENERATION.write(7)
    assert os.stat(local_memory_cache).st_mode & 0o777 == 0o644
    assert [name for name in os.listdir(Path(local_memory_cache).parent)
            if name.endswith(".new")] == []  # no temporary file left behind


@pytest.mark.django_db
def test_a_removed_generation_file_counts_as_a_purge(client, local_memory_cache, live_article):
    url = live_article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"
    os.remove(local_memory_cache)  # a temp-directory cleaner, say
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"


@pytest.mark.django_db
def test_an_unwritable_generation_file_is_logged_and_nothing_old_is_served(
    client, settings, local_memory_cache, live_article, caplog
):
    settings.PAGE_CACHE_GENERATION_FILE = str(Path(local_memory_cache) / "missing" / "file")
    url = live_article.get_absolute_url()
    with caplog.at_level(logging.ERROR, logger="articles.machine_generation"):
        purge_public_pages()  # a desk save still goes through
        answers = [client.get(url) for _ in range(3)]
    assert "could not write the generation file" in caplog.text
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert {answer["X-Cache"] for answer in answers} == {"miss"}  # never a page of before


def test_the_default_file_is_one_per_checkout_and_database(settings, monkeypatch):
    # No database access here: the connection shares the settings' dict changed below.
    settings.PAGE_CACHE_GENERATION_FILE = ""
    first = generation_file()
    assert first == generation_file()
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", "another")
    assert generation_file() != first
    settings.BASE_DIR = Path("/srv/another-checkout")
    assert generation_file() != first
    # Beside an SQLite database file (a directory the site writes to anyway), not in /tmp.
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.sqlite3")
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", "/srv/news/db.sqlite3")
    assert Path(generation_file()).parent == Path("/srv/news")
