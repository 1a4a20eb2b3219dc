"""Attacks through addresses: URL fields take only web addresses, and no redirect or absolute
URL leads to another host, whatever the request says about its own host."""

import io
import json
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from articles.models import Article, Author, Video
from tests.conftest import article_form_data, make_article, make_image, publish
from tests.security_support import parse_html

pytestmark = pytest.mark.django_db

NOT_WEB_ADDRESSES = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://files.example.org/video.mp4",
    "file:///etc/passwd",
]
OFF_HOST = [
    "//evil.example/",
    "https://evil.example/",
    "http://evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "http:evil.example",
    "https:/evil.example",
    "/%09/evil.example",
    "javascript:alert(1)",
]


def form_errors(response):
    return response.context["adminform"].form.errors


@pytest.mark.parametrize("address", NOT_WEB_ADDRESSES)
def test_author_links_take_only_web_addresses(client, chief, address):
    client.force_login(chief)
    for field in ("website_url", "mastodon_url", "bluesky_url", "linkedin_url"):
        response = client.post("/admin/articles/author/add/", {
            "name": "Ann Author", "slug": "ann-author", "short_code": "ann", field: address,
        })
        assert response.status_code == 200, field  # the form again, with the error
        assert field in form_errors(response), field
    assert not Author.objects.exists()


@pytest.mark.parametrize("address", NOT_WEB_ADDRESSES)
def test_video_address_takes_only_web_addresses(client, editor, address):
    client.force_login(editor)
    response = client.post("/admin/articles/video/add/", {
        "title": "Clip", "provider": "file", "url": address})
    assert "url" in form_errors(response)
    assert not Video.objects.exists()


@pytest.mark.parametrize("address", NOT_WEB_ADDRESSES)
def test_original_and_image_source_addresses_take_only_web_addresses(client, editor, address):
    article = make_article()
    client.force_login(editor)
    response = client.post(f"/admin/articles/article/{article.pk}/change/",
                           article_form_data(article, original_url=address))
    assert "original_url" in form_errors(response)
    image = article.lead_image
    response = client.post(f"/admin/articles/image/{image.pk}/change/", {
        "alt_text": image.alt_text, "credit": image.credit, "caption": image.caption,
        "source_url": address, "focal_x": 0.5, "focal_y": 0.5})
    assert "source_url" in form_errors(response)
    article.refresh_from_db()
    image.refresh_from_db()
    assert (article.original_url, image.source_url) == ("", "")


def test_ftp_is_refused_with_a_clear_message(client, chief):
    client.force_login(chief)
    response = client.post("/admin/articles/author/add/", {
        "name": "Ann", "slug": "ann", "short_code": "ann", "website_url": "ftp://x.example/"})
    assert form_errors(response)["website_url"] == [
        "Enter a web address that starts with http:// or https://."
    ]


def test_imported_script_addresses_never_become_links(client, tmp_path):
    """An export from elsewhere with javascript: links imports without them."""
    export = {"format": "newsroom-export", "version": 1, "articles": [{
        "source": "elsewhere", "external_id": "1", "headline": "Imported story",
        "teaser": "Teaser", "body": "<p>Body</p>", "status": "published",
        "published_at": "2026-01-01T10:00:00+00:00", "language": "en",
        "section": {"name": "World", "slug": "world"},
        "authors": [{"name": "Ivy Imported", "slug": "ivy", "short_code": "ivy",
                     "website_url": "javascript:alert(1)", "mastodon_url": "data:text/html,x",
                     "linkedin_url": "https://www.linkedin.com/in/ivy"}],
        "original_url": "javascript:alert(2)", "original_language": "de",
        "translation_method": "human",
        "videos": [{"url": "javascript:alert(3)", "provider": "file", "title": "Clip"}],
    }]}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export))
    call_command("import_articles", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    article = Article.objects.get()
    author = Author.objects.get()
    assert article.original_url == ""
    assert (author.website_url, author.mastodon_url) == ("", "")
    assert author.linkedin_url == "https://www.linkedin.com/in/ivy"
    assert not Video.objects.exists()
    for path in ("/author/ivy/", article.get_absolute_url()):
        page = parse_html(client.get(path).content.decode())
        hrefs = [attrs.get("href", "") + attrs.get("src", "") for _tag, attrs in page.elements]
        assert not [h for h in hrefs if h.strip().lower().startswith(("javascript", "data"))]


@pytest.mark.parametrize("target", OFF_HOST)
def test_login_next_stays_on_our_host(client, editor, target):
    response = client.post("/admin/login/?next=" + target, {
        "username": "edith", "password": "correct horse battery staple", "next": target})
    assert response.status_code == 302
    assert urlsplit(response["Location"]).netloc in ("", "testserver")
    assert not response["Location"].lower().startswith(("javascript", "/\\", "\\"))


@pytest.mark.parametrize("target", OFF_HOST)
def test_logout_next_stays_on_our_host(client, editor, target):
    client.force_login(editor)
    response = client.post("/admin/logout/?next=" + target)
    if response.status_code == 302:
        assert urlsplit(response["Location"]).netloc in ("", "testserver")


def test_reader_redirects_stay_on_our_host(client, live_article):
    wrong_slug = f"/news/old-slug-{live_article.pk}.html?view=print"
    for path in (wrong_slug, f"/-{live_article.pk}", "/favicon.ico"):
        response = client.get(path, headers={"x-forwarded-host": "evil.example"})
        assert response.status_code in (301, 302), path
        assert urlsplit(response["Location"]).netloc in ("", "testserver"), path


def test_desk_redirects_stay_on_our_host(client, editor):
    article = make_article()
    client.force_login(editor)
    hostile = {"referer": "https://evil.example/", "x-forwarded-host": "evil.example"}
    change = f"/admin/articles/article/{article.pk}/change/"
    for extra in ({"_transition": "submit"}, {"_continue": "1"},
                  {"_save": "1", "next": "https://evil.example/"}):
        response = client.post(change + "?next=https://evil.example/&_changelist_filters="
                               "next%3Dhttps%3A%2F%2Fevil.example",
                               article_form_data(article, **extra), headers=hostile)
        assert response.status_code == 302
        assert urlsplit(response["Location"]).netloc in ("", "testserver")
    response = client.post(f"/admin/articles/article/{article.pk}/revoke-preview-links/",
                           headers=hostile)
    assert urlsplit(response["Location"]).netloc == ""


def test_preview_link_and_share_page_use_our_host(client, editor, live_article):
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{live_article.pk}/preview-link/",
                      headers={"x-forwarded-host": "evil.example"})
    assert page.context["preview_link"].startswith("http://testserver/preview/")
    client.logout()
    for url in ("https://evil.example/news/x-1.html", "//evil.example/", "javascript:alert(1)"):
        response = client.get("/share/mastodon/", {"url": url, "text": "Hi"})
        assert response.status_code == 404, url


def test_host_header_is_refused_and_forwarded_host_ignored(client, live_article, settings):
    assert not getattr(settings, "USE_X_FORWARDED_HOST", False)
    assert "*" not in settings.ALLOWED_HOSTS
    for path in (live_article.get_absolute_url(), "/feeds/rss/", "/sitemap.xml"):
        assert client.get(path, headers={"host": "evil.example"}).status_code == 400, path
        response = client.get(path, headers={"x-forwarded-host": "evil.example"})
        assert response.status_code == 200
        assert "evil.example" not in response.content.decode(), path


def test_share_page_builds_links_only_to_a_well_formed_instance(client, live_article):
    url = f"http://testserver{live_article.get_absolute_url()}"
    for instance in ("evil.example/../x", "javascript:alert(1)", "a b", "x" * 300):
        response = client.get("/share/mastodon/", {"url": url, "instance": instance})
        page = parse_html(response.content.decode())
        hrefs = [attrs.get("href", "") for _tag, attrs in page.elements]
        assert not [h for h in hrefs if h.startswith("javascript") or "/../" in h], instance


def test_lead_image_credit_link_is_not_taken_from_the_source_url(client):
    article = publish(make_article(lead_image=make_image(source_url="https://evil.example/p")))
    page = client.get(article.get_absolute_url()).content.decode()
    assert "evil.example" not in page  # the source is for the desk, never a reader's link


@pytest.mark.django_db
def test_view_on_site_with_a_mangled_address_is_a_plain_404(client, editor):
    client.force_login(editor)
    for path in ("/admin/r/abc/1/", "/admin/r/1/abc/", "/admin/r/999999/1/"):
        assert client.get(path).status_code == 404
