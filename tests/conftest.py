import importlib
import io
import os
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings
from PIL import Image as PILImage

from articles import workflow
from articles.models import Article, Author, Byline, Image, Section
from articles.signin import has_second_factor, second_factor_required

ROLES = {
    "reporter": "Reporters",
    "editor": "Editors",
    "chief": "Chief editors",
}


def make_user(username, group=None, **extra):
    user = User.objects.create_user(
        username, f"{username}@example.org", "correct horse battery staple", is_staff=True, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def enrolled_device(user):
    """The user's authenticator app, set up as the enrol page would (one is made if needed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def current_code(device):
    """What the authenticator app shows now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"


def second_factor_code(user):
    """A code the verify page accepts now: the app's, or a backup code if the app's code of
    this 30-second step was already used (TOTP codes are good once)."""
    device = enrolled_device(user)
    if device.last_t < TOTP(device.bin_key, device.step, device.t0, device.digits).t():
        return current_code(device)
    backup, _created = StaticDevice.objects.get_or_create(user=user, name="backup")
    return backup.token_set.create(token=StaticToken.random_token()).token


_plain_force_login = Client.force_login


def verified_force_login(client, user, backend=None):
    """Sign in as `user` and, where the desk asks for a second factor, verify one: the session
    then holds the device id the verify page would have stored, and the second-factor
    middleware checks it on every request as in production."""
    _plain_force_login(client, user, backend)
    if second_factor_required(user) or has_second_factor(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = enrolled_device(user).persistent_id
        session.save()


@pytest.fixture(autouse=True)
def desk_logins_pass_the_second_factor(monkeypatch):
    """`client.force_login` in tests signs in with a verified second factor; tests of the
    second factor itself sign in through the login page (or `password_only_login`)."""
    monkeypatch.setattr(Client, "force_login", verified_force_login)


def password_only_login(client, user):
    _plain_force_login(client, user)


@pytest.fixture
def reporter(db):
    user = make_user("rita", ROLES["reporter"], first_name="Rita", last_name="Reporter")
    Author.objects.create(name="Rita Reporter", slug="rita-reporter", short_code="rr", user=user)
    return user


@pytest.fixture
def other_reporter(db):
    user = make_user("otto", ROLES["reporter"], first_name="Otto", last_name="Other")
    Author.objects.create(name="Otto Other", slug="otto-other", short_code="oo", user=user)
    return user


@pytest.fixture
def editor(db):
    return make_user("edith", ROLES["editor"], first_name="Edith", last_name="Editor")


@pytest.fixture
def chief(db):
    return make_user("charles", ROLES["chief"], first_name="Charles", last_name="Chief")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "correct horse battery staple")


def png_bytes(width=40, height=30, color=(200, 30, 30)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def make_image(**overrides):
    fields = {
        "alt_text": "A red square",
        "credit": "Newsroom/Test",
        "caption": "A caption",
        **overrides,
    }
    image = Image(**fields)
    image.file.save("test.png", SimpleUploadedFile("test.png", png_bytes()), save=False)
    image.save()
    return image


def make_article(*, authors=(), tags=(), **overrides):
    """An article that passes the publish checklist unless overrides say otherwise."""
    section = overrides.pop("section", None) or Section.objects.get_or_create(
        slug="politics", defaults={"name": "Politics"}
    )[0]
    fields = {
        "headline": "Parliament passes the budget",
        "teaser": "After a long night the budget passed.",
        "body": "<p>The budget passed with a narrow majority.</p>",
        "section": section,
        **overrides,
    }
    if "lead_image" not in fields:
        fields["lead_image"] = make_image()
    article = Article.objects.create(**fields)
    if not authors:
        authors = [
            Author.objects.get_or_create(
                slug="staff", defaults={"name": "Staff Writer", "short_code": "stf"}
            )[0]
        ]
    for position, author in enumerate(authors):
        Byline.objects.create(article=article, author=author, position=position)
    if tags:
        article.tags.add(*tags)
    return article


def publish(article, *, at=None, user=None):
    """Publish through the workflow's door as a superuser (tests of other things need it)."""
    user = user or User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "publisher", "publisher@example.org", "x"
    )
    if article.status == Article.Status.DRAFT:
        workflow.transition(article, "submit", user)
    return workflow.transition(article, "publish", user, publish_at=at)


@pytest.fixture
def live_article(db):
    return publish(make_article(), at=timezone.now() - timedelta(minutes=5))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, test in a database file rather than shared memory: concurrent connections
    then wait for the write lock as in production, instead of failing at once with
    "database table is locked"."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Every role fixture hashes a password; the production hasher would dominate test time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def empty_page_cache():
    """The page cache as a fresh deployment has it: the shared cache emptied, and this
    process's copies of pages and of the generation forgotten (cache.clear() alone leaves
    those: on Redis they are trusted until the next PING, as after a Redis restart)."""
    from django.core.cache import cache

    from articles.caching import GENERATION_WATCH, LOCAL_COPIES

    cache.clear()
    LOCAL_COPIES.forget()
    GENERATION_WATCH.forget()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty page cache, as a fresh deployment would."""
    empty_page_cache()


@pytest.fixture
def uncached(settings):
    """Bypass the public page cache: for tests that count a view's own queries, or that
    change rows behind the workflow's back (which would otherwise purge the cache)."""
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if name != "articles.caching.PublicPageCacheMiddleware"
    ]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path, monkeypatch):
    """Uploaded files go to a throwaway folder, never into the project."""
    from django.core.files.storage import storages

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "originals": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "originals"},
        },
    }
    # Image.original resolved its storage when the model was defined; point it at this one.
    monkeypatch.setattr(Image._meta.get_field("original"), "storage", storages["originals"])


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def article_form_data(article, **overrides):
    """The POST an editor's browser sends from the article change form, unchanged."""
    article.refresh_from_db()
    data = {
        "base_version": article.version,
        "headline": article.headline,
        "slug": article.slug,
        "kicker": article.kicker,
        "teaser": article.teaser,
        "body": article.body,
        "section": article.section_id or "",
        "desk_editor": article.desk_editor_id or "",
        "lead_image": article.lead_image_id or "",
        "language": article.language,
        "translation_of": article.translation_of_id or "",
        "original_url": article.original_url,
        "original_language": article.original_language,
        "translation_method": article.translation_method,
        "tags": [tag.pk for tag in article.tags.all()],
        "new_tags": "",
        "videos": [video.pk for video in article.videos.all()],
        "top_story_rank": article.top_story_rank or "",
    }
    bylines = list(article.bylines.all())
    data |= {
        "bylines-TOTAL_FORMS": len(bylines),
        "bylines-INITIAL_FORMS": len(bylines),
        "bylines-MIN_NUM_FORMS": 0,
        "bylines-MAX_NUM_FORMS": 1000,
    }
    for index, byline in enumerate(bylines):
        data |= {
            f"bylines-{index}-id": byline.pk,
            f"bylines-{index}-article": article.pk,
            f"bylines-{index}-author": byline.author_id,
            f"bylines-{index}-position": byline.position,
        }
    updates = list(article.updates.all())
    data |= {
        "updates-TOTAL_FORMS": len(updates),
        "updates-INITIAL_FORMS": len(updates),
        "updates-MIN_NUM_FORMS": 0,
        "updates-MAX_NUM_FORMS": 1000,
    }
    for index, update in enumerate(updates):
        data |= {
            f"updates-{index}-id": update.pk,
            f"updates-{index}-article": article.pk,
            f"updates-{index}-kind": update.kind,
            f"updates-{index}-created_at_0": timezone.localtime(update.created_at).strftime(
                "%Y-%m-%d"
            ),
            f"updates-{index}-created_at_1": timezone.localtime(update.created_at).strftime(
                "%H:%M:%S"
            ),
            f"updates-{index}-text": update.text,
        }
    return data | overrides


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, chromium_or_skip

    chromium_or_skip()
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
    # test body stay synchronous, so the async-safety guard does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def role_groups(transactional_db):
    """Recreate the role groups that a transactional test's flush removed."""
    from django.apps import apps

    groups_migration = importlib.import_module("articles.migrations.0002_editorial_groups")
    groups_migration.create_groups(apps, None)
    audit_migration = importlib.import_module("articles.migrations.0008_audit_log")
    audit_migration.let_chief_editors_read_the_audit_log(apps, None)


@pytest.fixture
def new_page(browser, live_server, role_groups):
    """Open a fresh browser context (its own cookies) and page; closes them afterwards."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, username, password="correct horse battery staple"):
    """Sign in at the desk with the password and, where the desk asks, a second factor."""
    user = User.objects.get(username=username)
    needs_code = second_factor_required(user) or has_second_factor(user)
    code = second_factor_code(user) if needs_code else None
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    if needs_code:
        page.wait_for_url("**/admin/2fa/verify/**")
        page.fill("#id_code", code)
        page.click("#verify-form input[type=submit]")
    page.wait_for_url("**/admin/")


# Property-based tests: a modest number of examples while developing, more (and reproducible)
# in CI. HYPOTHESIS_PROFILE picks another profile; the machine is shared, so no deadline.
hypothesis_settings.register_profile("dev", max_examples=40, deadline=None)
hypothesis_settings.register_profile(
    "ci", max_examples=150, deadline=None, derandomize=True, print_blob=True,
)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)


def purge_on_another_server():
    """What purge_public_pages() in another process does: a new generation where every
    process reads it (the shared cache, or with a local-memory cache this machine's file),
    announced on Redis; this process's own copy of the generation is untouched."""
    from articles.caching import fresh_generation, write_generation
    from articles.purge_watch import publish_purge

    current = fresh_generation()
    write_generation(current)
    publish_purge()
    return current
