"""Settings from the environment: secrets arrive intact, missing ones stop the start clearly.

Each case runs manage.py or the settings in a fresh Python process with a controlled
environment and its own .env file (ENV_FILE), never the checkout's.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
# Everything the settings read; the test's own values replace the runner's.
SETTINGS_VARIABLES = (
    "SECRET_KEY", "DEBUG", "HTTPS", "ALLOWED_HOSTS", "SERVE_MEDIA", "STATIC_HASHED",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "MEDIA_URL", "STATIC_URL", "ENV_FILE", "CONN_MAX_AGE", "CACHE_URL",
    # Set by the browser tests' fixture in this process; deployment checks refuse it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)
NASTY_SECRET = "$HOME s3cr#t 'single' \"double\" $(whoami) `id` \\n end"
PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "SECRET_KEY": settings.SECRET_KEY,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "img_src": settings.SECURE_CSP["img-src"],
    "script_src": settings.SECURE_CSP["script-src"],
    "CONN_MAX_AGE": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "CACHE_BACKEND": settings.CACHES["default"]["BACKEND"],
}))
"""


def run(args, tmp_path, env_file_text=None, **environment):
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env_file = tmp_path / "test.env"
    if env_file_text is not None:
        env_file.write_text(env_file_text)
    env |= {"DJANGO_SETTINGS_MODULE": "newsroom.settings", "ENV_FILE": str(env_file),
            **environment}
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )


def resolved_settings(tmp_path, env_file_text=None, **environment):
    done = run(["-c", "import django; django.setup()\n" + PRINT_SETTINGS], tmp_path,
               env_file_text, **environment)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_secret_with_dollar_hash_quotes_and_spaces_arrives_intact_from_the_environment(
    tmp_path,
):
    resolved = resolved_settings(tmp_path, SECRET_KEY=NASTY_SECRET)
    assert resolved["SECRET_KEY"] == NASTY_SECRET


def test_a_secret_starting_with_a_dollar_is_not_taken_for_another_variable(tmp_path):
    resolved = resolved_settings(tmp_path, SECRET_KEY="$HOME")
    assert resolved["SECRET_KEY"] == "$HOME"


@pytest.mark.parametrize(
    "line, expected",
    [
        # Unquoted: everything after the first "=" to the end of the line, as written.
        ("SECRET_KEY=" + NASTY_SECRET, NASTY_SECRET),
        # Single quotes: the text between them, as written (backslashes too).
        ("SECRET_KEY='" + NASTY_SECRET + "'", NASTY_SECRET),
        # Double quotes: backslash escapes apply, as in a shell.
        ('SECRET_KEY="a#b $c \\"d\\" \'e\'"', "a#b $c \"d\" 'e'"),
        ("SECRET_KEY=$leading-dollar#and-hash", "$leading-dollar#and-hash"),
    ],
    ids=["unquoted", "single-quoted", "double-quoted", "leading-dollar"],
)
def test_a_secret_in_the_env_file_arrives_intact(tmp_path, line, expected):
    resolved = resolved_settings(tmp_path, env_file_text=f"# a comment line\n{line}\n")
    assert resolved["SECRET_KEY"] == expected


def test_the_real_environment_wins_over_the_env_file(tmp_path):
    resolved = resolved_settings(
        tmp_path, env_file_text="SECRET_KEY=from-the-file\n", SECRET_KEY="from-the-environment"
    )
    assert resolved["SECRET_KEY"] == "from-the-environment"


def test_a_missing_secret_key_stops_manage_py_with_one_line_naming_it(tmp_path):
    done = run(["manage.py", "check"], tmp_path, DEBUG="false")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Configuration error: SECRET_KEY is not set")
    assert ".env" in lines[0]


def test_production_without_allowed_hosts_fails_the_deploy_check_naming_it(tmp_path):
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path,
               DEBUG="false", HTTPS="true", SECRET_KEY="k" * 60)
    assert done.returncode != 0
    assert "ALLOWED_HOSTS" in done.stderr


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    done = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path,
        DEBUG="false", HTTPS="true", ALLOWED_HOSTS="news.example.org",
        SECRET_KEY="a#Long$secret'with\"quotes and spaces-" + "x" * 40,
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_deploy_check_says_a_local_memory_page_cache_serves_one_machine_only(tmp_path):
    production = {"DEBUG": "false", "HTTPS": "true", "ALLOWED_HOSTS": "news.example.org",
                  "SECRET_KEY": "a#Long$secret'with\"quotes and spaces-" + "x" * 40}
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path,
               **production)
    assert done.returncode == 0, done.stderr  # right on one machine: a note, not a warning
    said = done.stderr + done.stdout
    assert "newsroom.I001" in said and "CACHE_URL=redis://" in said
    for fine in ({"CACHE_URL": "redis://127.0.0.1:6379/1"}, {"PAGE_CACHE_SECONDS": "0"}):
        done = run(["manage.py", "check", "--deploy"], tmp_path, **production, **fine)
        assert "newsroom.I001" not in done.stderr + done.stdout
    unwritable = {"PAGE_CACHE_GENERATION_FILE": str(tmp_path / "missing" / "generation")}
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path,
               **production, **unwritable)
    assert done.returncode != 0
    assert "newsroom.W002" in done.stderr and "PAGE_CACHE_GENERATION_FILE" in done.stderr


def test_https_turns_on_hsts_redirects_and_secure_cookies(tmp_path):
    resolved = resolved_settings(tmp_path, SECRET_KEY="k", HTTPS="true")
    assert resolved["SECURE_HSTS_SECONDS"] == 31_536_000
    assert resolved["SECURE_SSL_REDIRECT"] is True
    assert resolved["SESSION_COOKIE_SECURE"] is True


def test_a_cdn_for_media_and_static_files_is_allowed_by_the_policy(tmp_path):
    resolved = resolved_settings(
        tmp_path, SECRET_KEY="k", MEDIA_URL="https://media.example.net/m/",
        STATIC_URL="https://static.example.net/s/",
    )
    assert "https://media.example.net" in resolved["img_src"]
    assert resolved["script_src"] == ["'self'", "https://static.example.net"]


@pytest.mark.parametrize(
    ("database_url", "conn_max_age", "expected"),
    [
        # Reopening an SQLite file per page re-reads its schema: keep it open by default.
        ("sqlite:////tmp/newsroom-config-test.sqlite3", None, 60),
        # A PostgreSQL connection per worker is the operator's call (max_connections).
        ("postgres://postgres@127.0.0.1:5432/newsroom", None, 0),
        ("sqlite:////tmp/newsroom-config-test.sqlite3", "0", 0),
        ("postgres://postgres@127.0.0.1:5432/newsroom", "60", 60),
    ],
)
def test_workers_keep_their_database_connection_as_configured(
    tmp_path, database_url, conn_max_age, expected
):
    environment = {"SECRET_KEY": "k", "DATABASE_URL": database_url}
    if conn_max_age is not None:
        environment["CONN_MAX_AGE"] = conn_max_age
    assert resolved_settings(tmp_path, **environment)["CONN_MAX_AGE"] == expected


@pytest.mark.parametrize(
    ("cache_url", "backend"),
    [
        (None, "django.core.cache.backends.locmem.LocMemCache"),
        ("redis://127.0.0.1:6379/1", "newsroom.redis_cache.ReusingRedisCache"),
    ],
)
def test_a_redis_cache_url_gets_the_backend_that_reuses_its_client(tmp_path, cache_url, backend):
    environment = {"SECRET_KEY": "k"} | ({"CACHE_URL": cache_url} if cache_url else {})
    assert resolved_settings(tmp_path, **environment)["CACHE_BACKEND"] == backend


def test_the_redis_cache_keeps_one_client_and_still_works():
    from redis.exceptions import ConnectionError as RedisConnectionError

    from newsroom.redis_cache import ReusingRedisCache

    redis_cache = ReusingRedisCache("redis://127.0.0.1:6379/14", {"KEY_PREFIX": "config-test"})
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    try:
        redis_cache.set("answer", {"page": "<p>42</p>"}, 30)
    except RedisConnectionError as error:
        pytest.skip(f"no Redis on 127.0.0.1:6379 ({error})")
    assert redis_cache.get_many(["answer", "missing"]) == {"answer": {"page": "<p>42</p>"}}
    redis_cache.delete("answer")
