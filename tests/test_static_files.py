"""Production serves our CSS and JS under hashed, compressed names."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.templatetags.static import static

HASHED = {"BACKEND": "newsroom.staticfiles.HashedStaticFiles"}


@pytest.fixture
def hashed_static(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": HASHED}
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


def test_collectstatic_writes_hashed_and_compressed_files(hashed_static):
    url = static("css/site.css")
    assert url.startswith("/static/css/site.") and url.endswith(".css")
    assert url != "/static/css/site.css"
    hashed = hashed_static / url.removeprefix("/static/")
    assert hashed.exists()
    assert hashed.with_name(hashed.name + ".gz").exists()


def test_a_kept_address_is_the_one_the_manifest_gives(hashed_static, settings):
    first = static("css/site.css")
    assert staticfiles_storage.known_urls  # kept, and asked again from what was kept
    assert static("css/site.css") == first
    assert first == staticfiles_storage.url("css/site.css", force=True)


def test_debug_still_switches_hashing_off_after_an_address_was_kept(hashed_static, settings):
    hashed = static("js/listen.js")
    settings.DEBUG = True
    assert static("js/listen.js") == "/static/js/listen.js"
    settings.DEBUG = False
    assert static("js/listen.js") == hashed


def test_a_file_missing_from_the_manifest_is_an_error_each_time(hashed_static):
    for _ in range(2):  # a failure is not kept as an address
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            static("css/no-such-file.css")
