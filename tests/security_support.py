"""Helpers for the attack suites: database snapshots, admin URL enumeration, HTML inspection."""

import json
from html.parser import HTMLParser

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from reversion.models import Revision, Version
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    ArticleUpdate,
    AuditEntry,
    Author,
    Byline,
    Image,
    Section,
    StatusChange,
    Video,
)

PAYLOAD = '"><img src=x onerror=__xss=1></script><script>__xss=1</script>'
DANGEROUS_HTML = (
    '<p>Body</p><script>__xss=1</script><img src=x onerror="__xss=1">'
    '<a href="javascript:__xss=1">link</a><iframe src="javascript:__xss=1"></iframe>'
)


def payload(label):
    return f"{label} {PAYLOAD}"


def make_poisoned_story():
    """A live article with a payload in every text field of everything it shows."""
    from tests.conftest import make_article, make_image, publish

    section = Section.objects.create(
        name=payload("Section"), slug="payload-section", description=payload("Description"))
    author = Author.objects.create(
        name=payload("Author"), slug="payload-author", short_code="pay",
        job_title=payload("Job"), bio=payload("Bio"))
    image = make_image(
        alt_text=payload("Alt"), caption=payload("Caption"), credit=payload("Credit"))
    video = Video.objects.create(
        title=payload("Video"), provider="youtube",
        url="https://www.youtube.com/watch?v=abcdefghijk")
    article = make_article(
        headline=payload("Headline"), kicker="Kicker " + PAYLOAD[:40], teaser=payload("Teaser"),
        body=DANGEROUS_HTML, section=section, authors=[author], desk_editor=author,
        lead_image=image, tags=[payload("Tag")], slug="payload-article",
    )
    article.videos.add(video)
    ArticleUpdate.objects.create(article=article, kind="update", text=DANGEROUS_HTML)
    related = make_article(headline=payload("Related"), tags=[payload("Tag")], section=section,
                           authors=[author], slug="payload-related")
    publish(related)
    return publish(article)


# Every table an admin request could touch; a refused attempt must leave all of them alone.
SNAPSHOT_MODELS = [
    Article, ArticleUpdate, Author, Byline, Image, Section, StatusChange, Video, Tag,
    TaggedItem, Version, Revision, User, Group,
]


# Second factors, lockouts and the audit log, for the sign-in attacks (signing in writes to
# some of them, so take this snapshot once the attacker is signed in).
SIGNIN_MODELS = [
    TOTPDevice, StaticDevice, StaticToken, WebAuthnCredential, AccessAttempt, AccessFailureLog,
    AccessLog, AuditEntry,
]


def database_snapshot(models=SNAPSHOT_MODELS):
    """Every row of `models`, as plain values, to compare before and after."""
    snapshot = {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
    for user in snapshot.get("User", []):
        del user["last_login"]  # signing in is not a change an attacker made
    return snapshot


def admin_url_patterns():
    """(pattern, name) of every route under /admin/, as Django resolves them."""

    def walk(resolver, prefix):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry.name

    routes = walk(get_resolver(), "")
    return {(pattern, name) for pattern, name in routes if pattern.startswith("admin/")}


def content_type_id(model):
    return ContentType.objects.get_for_model(model).pk


class MarkupFinder(HTMLParser):
    """Collects elements, attributes and script contents as a browser's tokenizer sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, {attribute: value})
        self.scripts = []  # (attributes, text) of each <script>
        self._script = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag == "script":
            self._script = (attributes, [])

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None


def parse_html(text):
    finder = MarkupFinder()
    finder.feed(text)
    finder.close()
    return finder


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "srcset",
                  "data-embed-src", "xlink:href", "content"}


def assert_inert_html(text, where):
    """Nothing of the payload became an element, an event handler or a script URL."""
    page = parse_html(text)
    for tag, attributes in page.elements:
        assert not (tag == "img" and attributes.get("src") == "x"), where
        assert tag != "iframe" or "javascript" not in attributes.get("src", ""), where
        for name, value in attributes.items():
            assert not (name.startswith("on") and "__xss" in value), (where, tag, name)
            if name in URL_ATTRIBUTES:
                scheme = value.strip().lower().split(":")[0]
                assert scheme not in ("javascript", "vbscript", "data"), (where, tag, name, value)
    for attributes, code in page.scripts:
        if attributes.get("type") in ("application/ld+json", "application/json"):
            json.loads(code)  # a payload that closed the element early breaks the JSON
            assert "</script" not in code.lower(), where
        else:
            assert "__xss" not in code, (where, attributes)
