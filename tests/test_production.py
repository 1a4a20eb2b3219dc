"""Production shape: settings from the environment, stateless app servers, shared purges.

The two-server test runs gunicorn twice against the test database and the same Redis, so it
needs DATABASE_URL=postgres://… and CACHE_URL=redis://… (the second pass of .ci/run).
"""

import http.client
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.test import RequestFactory

from articles.models import Article
from newsroom import db_router
from tests.conftest import article_form_data, change_url, make_article, second_factor_code

BASE_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"
FILESYSTEM = "django.core.files.storage.filesystem.FileSystemStorage"
# Variables of this shell that would change what the settings module builds.
DEPLOYMENT_VARIABLES = re.compile(r"^(AWS_|MEDIA_|DATABASE_REPLICA_URL$|ORIGINALS_ROOT$)")

RESOLVE_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
report = {"databases": sorted(settings.DATABASES), "routers": settings.DATABASE_ROUTERS,
          "middleware": settings.MIDDLEWARE, "img_src": settings.SECURE_CSP["img-src"]}
for alias in ("default", "originals"):
    storage = storages[alias]
    report[alias] = {"backend": f"{type(storage).__module__}.{type(storage).__name__}"}
    for option in ("bucket_name", "endpoint_url", "region_name", "custom_domain",
                   "querystring_auth", "default_acl", "location"):
        if hasattr(storage, option):
            report[alias][option] = str(getattr(storage, option))
report["media_url"] = storages["default"].url("images/2026/11/bridge.jpg")
print(json.dumps(report))
"""


def resolved_settings(**environment):
    """What newsroom.settings builds for `environment`, read in a fresh Python process."""
    env = {k: v for k, v in os.environ.items() if not DEPLOYMENT_VARIABLES.match(k)}
    env |= {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "resolve-settings-only",
        # boto3 must never look for credentials on the network (instance metadata).
        "AWS_EC2_METADATA_DISABLED": "true",
        **environment,
    }
    done = subprocess.run(
        [sys.executable, "-c", RESOLVE_SETTINGS],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_media_and_originals_stay_on_local_disk_by_default():
    resolved = resolved_settings()
    assert resolved["default"]["backend"] == FILESYSTEM
    assert resolved["originals"]["backend"] == FILESYSTEM
    assert resolved["media_url"] == "/media/images/2026/11/bridge.jpg"
    assert resolved["databases"] == ["default"]
    assert resolved["routers"] == []


def test_s3_media_and_private_originals_come_from_the_environment():
    resolved = resolved_settings(
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="newsroom-media",
        AWS_ORIGINALS_BUCKET_NAME="newsroom-originals",
        AWS_S3_ENDPOINT_URL="https://objects.example.net",
        AWS_S3_REGION_NAME="eu-central-1",
        AWS_S3_CUSTOM_DOMAIN="media.example.org",
    )
    media, originals = resolved["default"], resolved["originals"]
    assert media["backend"] == "storages.backends.s3.S3Storage"
    assert media["bucket_name"] == "newsroom-media"
    assert media["endpoint_url"] == "https://objects.example.net"
    assert media["region_name"] == "eu-central-1"
    assert media["custom_domain"] == "media.example.org"
    assert media["querystring_auth"] == "False"
    # Public media is addressed through the custom domain, unsigned; pages may load it.
    assert resolved["media_url"] == "https://media.example.org/images/2026/11/bridge.jpg"
    assert "https://media.example.org" in resolved["img_src"]
    assert originals["backend"] == "storages.backends.s3.S3Storage"
    assert originals["bucket_name"] == "newsroom-originals"
    assert originals["default_acl"] == "private"
    assert originals["querystring_auth"] == "True"


def test_naming_a_bucket_is_enough_to_store_media_in_it():
    resolved = resolved_settings(AWS_STORAGE_BUCKET_NAME="newsroom-media")
    assert resolved["default"]["backend"] == "storages.backends.s3.S3Storage"
    # Without a bucket of their own, originals stay on the server's disk.
    assert resolved["originals"]["backend"] == FILESYSTEM


def test_a_read_replica_is_used_only_when_configured():
    resolved = resolved_settings(
        DATABASE_REPLICA_URL="postgres://reader@replica.invalid:5432/newsroom"
    )
    assert resolved["databases"] == ["default", "replica"]
    assert resolved["routers"] == ["newsroom.db_router.ReplicaRouter"]
    assert "newsroom.db_router.ReplicaReadsMiddleware" in resolved["middleware"]


def test_replica_serves_anonymous_readers_but_never_the_desk_or_a_transaction(transactional_db):
    router = db_router.ReplicaRouter()
    seen = {}

    def view(request):
        seen[request.path] = router.db_for_read(Article)
        with transaction.atomic():
            seen[request.path + " in a transaction"] = router.db_for_read(Article)
        return None

    middleware = db_router.ReplicaReadsMiddleware(view)
    factory = RequestFactory()
    middleware(factory.get("/news/story-1.html"))
    middleware(factory.get("/admin/articles/article/"))
    signed_in = factory.get("/section/politics/")
    signed_in.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    middleware(signed_in)
    middleware(factory.post("/search/"))

    assert seen["/news/story-1.html"] == "replica"
    assert seen["/news/story-1.html in a transaction"] == "default"
    assert seen["/admin/articles/article/"] == "default"
    assert seen["/section/politics/"] == "default"
    assert seen["/search/"] == "default"
    assert router.db_for_read(Article) == "default"  # outside a request: commands, imports
    assert router.db_for_write(Article) == "default"
    assert router.allow_migrate("replica", "articles") is False


# Two app servers, one database, one Redis.


def postgres_and_redis_or_skip():
    database = settings.DATABASES["default"]["ENGINE"]
    cache = settings.CACHES["default"]["BACKEND"]
    if database.endswith("postgresql") and cache.endswith("RedisCache"):
        return
    message = (
        "runs two gunicorn servers on PostgreSQL and Redis: set DATABASE_URL=postgres://… and "
        "CACHE_URL=redis://… (the PostgreSQL pass of .ci/run does)"
    )
    if os.environ.get("CI") == "true" and database.endswith("postgresql"):
        pytest.fail(message)  # CI's PostgreSQL pass must run it
    pytest.skip(message)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    """The test database (pytest-django's test_<name>) as a URL for the servers."""
    db = connection.settings_dict
    credentials = urllib.parse.quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A reader's or an editor's HTTP client against one server; keeps its own cookies."""

    def __init__(self, base_url, cookies=None):
        self.base_url = base_url
        self.cookies = cookies if cookies is not None else http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base_url + path, body, timeout=10) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.headers, answer.read().decode()

    def csrf_token(self):
        return next(c.value for c in self.cookies if c.name == settings.CSRF_COOKIE_NAME)

    def log_in(self, username):
        self.request("/admin/login/")
        status, headers, _ = self.request("/admin/login/", {
            "username": username, "password": PASSWORD, "next": "/admin/",
            "csrfmiddlewaretoken": self.csrf_token(),
        })
        assert (status, headers["Location"]) == (302, "/admin/"), "login refused"
        # The desk asks for the second factor; the verified state is kept in the session.
        user = User.objects.get(username=username)
        status, headers, _ = self.request("/admin/2fa/verify/?next=/admin/", {
            "code": second_factor_code(user), "next": "/admin/",
            "csrfmiddlewaretoken": self.csrf_token(),
        })
        assert (status, headers["Location"]) == (302, "/admin/"), "second factor refused"

    def save_article(self, article, **changes):
        self.request(change_url(article))  # the form, as an editor opens it
        status, headers, page = self.request(change_url(article), {
            **article_form_data(article, **changes), "csrfmiddlewaretoken": self.csrf_token(),
        })
        assert status == 302, page[:2000]
        return headers["Location"]


class Server:
    def __init__(self, name, environment, log_dir):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"gunicorn-{name}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                cwd=BASE_DIR,
                env=environment | {"GUNICORN_BIND": f"127.0.0.1:{self.port}"},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: master and workers die together
            )

    def wait_until_ready(self, deadline):
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/robots.txt", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"server {self.name} did not start:\n{self.log_path.read_text()[-3000:]}")

    def kill(self, sig=signal.SIGKILL):
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
        self.process.wait(timeout=20)


@pytest.fixture
def editor_with_password(role_groups, settings):
    # The servers check passwords with the production hashers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = User.objects.create_user("edna", "edna@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.mark.production
def test_two_app_servers_share_publication_purges_and_sessions(
    transactional_db, editor_with_password, settings, tmp_path
):
    postgres_and_redis_or_skip()
    environment = {
        k: v for k, v in os.environ.items() if not DEPLOYMENT_VARIABLES.match(k)
    } | {
        "DATABASE_URL": database_url(),
        "CACHE_URL": os.environ["CACHE_URL"],
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
        "HTTPS": "false",
        "STATIC_HASHED": "false",
        "SERVE_MEDIA": "true",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "ORIGINALS_ROOT": str(tmp_path / "originals"),
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    article = make_article(
        headline="Harbour bridge reopens",
        body="<p>The harbour bridge reopened to traffic on Monday morning.</p>",
    )
    url = article.get_absolute_url()
    deadline = time.monotonic() + 60
    servers = []
    try:
        a = Server("a", environment, tmp_path)
        servers.append(a)
        b = Server("b", environment, tmp_path)
        servers.append(b)
        a.wait_until_ready(deadline)
        b.wait_until_ready(deadline)
        reader = Browser(b.url)

        # B has cached the home page and the article's 404 before the editor acts.
        for _ in range(2):
            status, headers, home = reader.request("/")
            assert "Harbour bridge reopens" not in home
            missing, missing_headers, _ = reader.request(url)
        assert (headers["X-Cache"], missing, missing_headers["X-Cache"]) == ("hit", 404, "hit")

        # An editor publishes at server A's desk; a reader on server B sees it at once.
        editor = Browser(a.url)
        editor.log_in("edna")
        editor.save_article(article, _transition="publish_directly", _transition_note="Open")
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
        status, _, page = reader.request(url)
        assert status == 200
        assert "Harbour bridge reopens" in page
        assert "Harbour bridge reopens" in reader.request("/")[2]

        # The session started on A is good on B: nothing lives in one server's memory.
        on_b = Browser(b.url, cookies=editor.cookies)
        assert on_b.request("/admin/")[0] == 200

        # B serves the article from the cache; a correction at A's desk retires that copy.
        status, headers, _ = reader.request(url)
        assert (status, headers["X-Cache"]) == (200, "hit")
        correction = {
            "updates-TOTAL_FORMS": 1,
            "updates-0-kind": "correction",
            "updates-0-created_at_0": "2026-11-27",
            "updates-0-created_at_1": "12:00:00",
            "updates-0-text": "<p>An earlier version gave the wrong day.</p>",
        }
        editor.save_article(
            article,
            headline="Harbour bridge reopens after repairs",
            body="<p>The harbour bridge reopened to traffic on Tuesday morning.</p>",
            **correction,
        )
        status, headers, page = reader.request(url)
        assert (status, headers["X-Cache"]) == (200, "miss")
        assert "Harbour bridge reopens after repairs" in page
        assert "Tuesday morning" in page
        assert "An earlier version gave the wrong day." in page

        # Server A dies in the middle of load; every request to B still succeeds.
        stop = threading.Event()
        a_failures = []

        def load_a():
            client = Browser(a.url)
            while not stop.is_set():
                try:
                    client.request(url)
                except (OSError, http.client.HTTPException) as error:  # refused, or cut off
                    a_failures.append(error)
                    time.sleep(0.01)

        paths = [url, "/", "/section/politics/", "/search/?q=bridge+{}", "/feeds/rss/"]
        answers = []
        loader = threading.Thread(target=load_a, daemon=True)
        loader.start()
        try:
            for number in range(200):
                if number == 50:
                    a.kill()
                path = paths[number % len(paths)].format(number)
                answers.append((path, reader.request(path)[0]))
            # B's cached pages can outrun the loader: give it the moment to meet A's death.
            deadline = time.monotonic() + 5
            while not a_failures and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            stop.set()
            loader.join(timeout=15)
        assert a.process.returncode == -signal.SIGKILL
        assert a_failures, "server A was not under load when it was killed"
        assert [answer for answer in answers if answer[1] != 200] == []
    finally:
        for server in servers:
            try:
                server.kill(signal.SIGTERM)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                server.kill()
