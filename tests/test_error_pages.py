"""Designed 404, 410 and 500 pages; the 500 page renders even when nothing else works."""

import re
from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.urls import include, path
from django.utils import timezone
from django.views.defaults import server_error

from articles import workflow
from tests.conftest import make_article, publish


def broken_view(request):
    raise RuntimeError("Something broke")


# This module is also the URLconf of the test that goes through the whole stack.
urlpatterns = [path("broken/", broken_view), path("", include("newsroom.urls"))]


def assert_one_h1_and_unique_ids(html):
    assert html.count("<h1") == 1
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_server_error_page_renders_without_database_or_context():
    """No `db` fixture: pytest-django refuses any query, as a broken database would."""
    request = RequestFactory().get("/some/page/")

    response = server_error(request)

    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert '<a href="/">' in html
    assert '<meta name="robots" content="noindex">' in html
    assert_one_h1_and_unique_ids(html)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_exception_in_a_view_answers_with_the_designed_500_page():
    client = Client(raise_request_exception=False)

    response = client.get("/broken/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "Something broke" not in response.content.decode()  # no internals for readers


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/no-such-page/", "/news/no-such-story-999999.html"])
def test_unknown_address_shows_the_designed_404_page(client, url):
    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert "<h1>Page not found</h1>" in html
    assert '<form class="error-search" action="/search/" method="get">' in html
    assert '<label for="error-search-q">' in html
    assert '<a href="/">Go to the front page</a>' in html
    assert '<meta name="robots" content="noindex">' in html
    assert_one_h1_and_unique_ids(html)


@pytest.mark.django_db
def test_withdrawn_article_shows_the_designed_410_page(client, superuser):
    article = publish(
        make_article(headline="A story we took back"), at=timezone.now() - timedelta(hours=1)
    )
    workflow.transition(article, "withdraw", superuser, "Legal advice")

    response = client.get(article.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 410
    assert "<h1>This article has been withdrawn</h1>" in html
    assert "A story we took back" not in html
    assert '<form class="error-search" action="/search/" method="get">' in html
    assert '<a href="/">Go to the front page</a>' in html
    assert '<meta name="robots" content="noindex">' in html
    assert_one_h1_and_unique_ids(html)
