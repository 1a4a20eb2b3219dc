"""Security headers on every kind of response: pages (fresh, cached, 304), desk, feeds, media.

The Content Security Policy of public pages allows scripts, styles, fonts and frames from
our own origin only (plus the two video players after a click), without 'unsafe-inline' and
without a nonce: a cached page is the same bytes for every reader, so its header is too.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from articles import renditions
from tests.conftest import make_image

EXPECTED_PUBLIC_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "media-src": ["'self'"],
    "font-src": ["'self'"],
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]


def policy(response, header="Content-Security-Policy"):
    directives = {}
    for part in response[header].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    features = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in DENIED_FEATURES:
        assert features[feature] == "()", feature
    assert policy(response)["frame-ancestors"] == ["'none'"]


def assert_public_csp(response):
    assert policy(response) == EXPECTED_PUBLIC_CSP
    assert "nonce" not in response["Content-Security-Policy"]
    assert "unsafe" not in response["Content-Security-Policy"]


def test_article_page_carries_every_security_header(client, live_article):
    response = client.get(live_article.get_absolute_url())
    assert response.status_code == 200
    assert_common_headers(response)
    assert_public_csp(response)


def test_a_cached_hit_carries_the_same_policy_and_its_json_ld_needs_no_nonce(
    client, live_article
):
    first = client.get(live_article.get_absolute_url())
    hit = client.get(live_article.get_absolute_url())
    assert hit["X-Cache"] == "hit"
    assert_common_headers(hit)
    assert hit["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert_public_csp(hit)
    html = hit.content.decode()
    # The only inline <script> is the JSON-LD data block, which CSP does not govern because
    # browsers never execute it; it carries no nonce that a cached copy could replay.
    assert html.count("<script") == html.count("<script src=") + 1
    assert '<script type="application/ld+json">' in html
    assert "nonce" not in html
    assert " style=" not in html


def test_a_304_carries_the_security_headers(client, live_article):
    first = client.get(live_article.get_absolute_url())
    response = client.get(live_article.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert response.status_code == 304
    assert_common_headers(response)
    assert_public_csp(response)


@pytest.mark.parametrize("name", ["articles:home", "articles:search"])
def test_list_pages_carry_the_public_policy(client, live_article, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_common_headers(response)
    assert_public_csp(response)


def test_print_view_carries_the_public_policy(client, live_article):
    response = client.get(live_article.get_absolute_url() + "?view=print")
    assert response.status_code == 200
    assert_common_headers(response)
    assert_public_csp(response)


def test_feeds_and_sitemaps_carry_the_security_headers(client, live_article):
    for url in ("/feeds/rss/", "/sitemap.xml"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_common_headers(response)


def test_the_desk_gets_its_own_policy_with_a_nonce_and_no_inline_scripts(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 200
    assert_common_headers(response)
    desk = policy(response)
    nonces = [value for value in desk["script-src"] if value.startswith("'nonce-")]
    assert desk["script-src"] == ["'self'", *nonces]
    assert len(nonces) == 1
    # The prose editor's inline import map carries the nonce of this response.
    assert f'nonce="{nonces[0][7:-1]}"' in response.content.decode()
    assert desk["object-src"] == ["'none'"]
    assert desk["frame-ancestors"] == ["'none'"]


def test_https_responses_carry_hsts(client, live_article, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get(live_article.get_absolute_url(), secure=True)
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_uploaded_pictures_are_served_as_pictures_with_nosniff(client, db):
    image = make_image()
    response = client.get(image.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert_common_headers(response)


@pytest.mark.parametrize(
    "name, content",
    [
        ("page.html", b"<script>alert(1)</script>"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("notes.txt", b"<script>alert(1)</script>"),
        ("no-extension", b"<html><script>alert(1)</script>"),
    ],
)
def test_media_that_is_not_an_allowed_picture_is_only_ever_downloaded(client, db, name, content):
    stored = default_storage.save(f"images/{name}", ContentFile(content))
    response = client.get(default_storage.url(stored))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert_common_headers(response)


def test_renditions_are_served_as_their_picture_type_with_nosniff(client, db):
    image = make_image()
    address = renditions.url(image, renditions.Spec("full", 40), "webp")
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert_common_headers(response)
