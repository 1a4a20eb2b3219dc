"""How long pathological bodies take through every step that reads a body: the sanitiser,
saving (reading time), publishing (checklist), the article page, the print view, the feeds,
the home page with its teaser cards, search and the JSON export.

    python bench/pathological.py

Self-contained: a temporary folder holds an SQLite database and MEDIA_ROOT; your settings and
data are not touched. tests/test_pathological_bodies.py runs the same bodies and asserts that
each step completes with sane output; this script only prints the times.
"""

import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the bench package importable

from bench import setup_scratch_django  # noqa: E402

# Each body is what a hostile or broken import could hand us; all hold about 100,000 tags.
BODIES = {
    "100k unclosed <p>": "<p>word " * 100_000,
    "100k unclosed inline tags": "<b><i><em><strong>" * 25_000 + "text",
    "50k nested <div>": "<div>" * 50_000 + "deep" + "</div>" * 50_000,
    "50k nested <blockquote>": "<blockquote>" * 50_000 + "deep" + "</blockquote>" * 50_000,
    "25k nested lists": "<ul><li>" * 25_000 + "deep",
    "30k unclosed table cells": "<table><tr><td>" * 10_000 + "cell",
    "50k nested links": '<a href="https://example.org/">' * 50_000 + "link",
}


def setup_django(workdir):
    setup_scratch_django(workdir)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(results, step, function):
    start = time.perf_counter()
    value = function()
    results.append((step, time.perf_counter() - start))
    return value


def measure(name, body, fixtures):
    from django.test import Client

    from articles import workflow
    from articles.exporting import write_json
    from articles.models import Article, Byline
    from articles.sanitize import clean_html

    results = []
    cleaned = timed(results, "clean_html", lambda: clean_html(body))
    article = Article(headline=f"Pathological: {name}", teaser="A body from a broken export.",
                      body=body, section=fixtures["section"], lead_image=fixtures["image"])
    timed(results, "save (sanitise, reading time)", article.save)
    Byline.objects.create(article=article, author=fixtures["author"], position=0)
    timed(results, "publish (checklist)", lambda: workflow.transition(
        article, "publish_directly", fixtures["user"], "bench"))
    client = Client()
    for step, url in [
        ("article page", article.get_absolute_url()),
        ("print view", article.get_absolute_url() + "?view=print"),
        ("RSS feed", "/feeds/rss/"),
        ("Atom feed", "/feeds/atom/"),
        ("home (teaser cards)", "/"),
        ("search", "/search/?q=deep"),
    ]:
        response = timed(results, step, lambda url=url: client.get(url))
        assert response.status_code == 200, (step, response.status_code)
    timed(results, "JSON export", lambda: write_json(io.StringIO(), Article.objects.filter(
        pk=article.pk)))
    article.delete()
    return len(body), len(cleaned), results


def make_fixtures():
    from django.contrib.auth.models import User
    from django.core.files.base import ContentFile
    from PIL import Image as PILImage

    from articles.images import accept_upload
    from articles.models import Author, Image, Section

    buffer = io.BytesIO()
    PILImage.new("RGB", (60, 40), (30, 90, 160)).save(buffer, "PNG")
    image = Image(alt_text="A blue field", credit="Bench/Newsroom")
    accept_upload(ContentFile(buffer.getvalue(), name="blue.png")).apply_to(image)
    image.save()
    return {
        "image": image,
        "section": Section.objects.create(name="Bench", slug="bench"),
        "author": Author.objects.create(name="Bench Writer", slug="bench", short_code="bw"),
        "user": User.objects.create_superuser("bench", "bench@example.org", "x"),
    }


def main():
    with tempfile.TemporaryDirectory() as workdir:
        setup_django(workdir)
        fixtures = make_fixtures()
        for name, body in BODIES.items():
            size, cleaned_size, results = measure(name, body, fixtures)
            print(f"{name}: {size / 1024:.0f} KB in, {cleaned_size / 1024:.0f} KB after clean_html")
            for step, seconds in results:
                print(f"    {step:32} {seconds * 1000:8.0f} ms")
            print(f"    {'total':32} {sum(s for _, s in results) * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
