"""Pathological bodies (100,000 unclosed tags, 50,000 levels of nesting) are sanitised,
counted, published and shown on every page that reads a body, with sane output.

The times are printed by `python bench/pathological.py`; this test asserts completion only.
"""

import math

import pytest
from django.urls import reverse

from articles.models import WORDS_PER_MINUTE
from articles.sanitize import clean_html, text_of
from bench.pathological import BODIES
from tests.conftest import make_article, publish

pytestmark = pytest.mark.django_db

# The words each body holds, which must reach readers whatever happens to the tags.
WORDS = {
    "100k unclosed <p>": ("word", 100_000),
    "100k unclosed inline tags": ("text", 1),
    "50k nested <div>": ("deep", 1),
    "50k nested <blockquote>": ("deep", 1),
    "25k nested lists": ("deep", 1),
    "30k unclosed table cells": ("cell", 1),
    "50k nested links": ("link", 1),
}


@pytest.fixture(params=BODIES, ids=list(BODIES))
def pathological(request, db):
    name = request.param
    headline = f"Pathological body {list(BODIES).index(name) + 1}"
    article = publish(make_article(headline=headline, body=BODIES[name]))
    return name, article


def test_the_body_is_sanitised_and_counted(pathological):
    name, article = pathological
    word, count = WORDS[name]
    assert text_of(article.body).split().count(word) == count
    assert article.reading_time == max(1, math.ceil(len(text_of(article.body).split())
                                                     / WORDS_PER_MINUTE))
    assert clean_html(article.body) == article.body


def test_the_article_page_and_print_view_show_it(client, pathological):
    name, article = pathological
    word, _count = WORDS[name]
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert word in page.content.decode()
    printed = client.get(article.get_absolute_url() + "?view=print")
    assert printed.status_code == 200
    html = printed.content.decode()
    assert word in html
    if name == "50k nested links":
        # One address, one endnote, however many times it is linked.
        assert html.count('<li id="note-') == 1
        assert "[2]" not in html


def test_feeds_teasers_and_search_list_it(client, pathological):
    _name, article = pathological
    for url in ("/feeds/rss/", "/feeds/atom/", reverse("articles:home"),
                reverse("articles:search") + "?q=Pathological+body"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert article.headline in response.content.decode(), url
