"""The reader pages that the accessibility (axe-core) and validity (Nu HTML Checker) tests check.

One newsroom with everything a page can show: a live article with lead image, tags, two
authors, a desk editor, updates and a correction, a two-click YouTube video with a poster,
related articles and a German translation; enough articles for the lists to paginate; an
author with a photo, bio and profiles; and a withdrawn article for the 410 page.
"""

import os
import shutil
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleUpdate, Author, Section, Video
from articles.views import PAGE_SIZE
from tests.conftest import make_article, make_image, png_bytes, publish

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

SOCIAL = {
    "facebook": "https://www.facebook.com/newsroom.example",
    "linkedin": "https://www.linkedin.com/company/newsroom-example",
    "mastodon": "https://mastodon.example/@newsroom",
    "bluesky": "",
    "rss": "/feeds/rss/",
}

BODY = (
    "<p>The harbour reopened on Monday after the storm, the "
    '<a href="https://port-authority.example/notice">port authority said</a>.</p>'
    "<h2>What changes for ships</h2>"
    "<ul><li>Ferries run on the winter timetable.</li><li>Cargo ships queue at the outer "
    "mole.</li></ul>"
    "<blockquote><p>We were lucky: the cranes are undamaged.</p></blockquote>"
    "<table><tbody><tr><th>Berth</th><th>Status</th></tr>"
    "<tr><td>North</td><td>open</td></tr><tr><td>South</td><td>closed</td></tr></tbody></table>"
    '<p>An <a href="/news/earlier-story-1.html">earlier story</a> has the background.</p>'
)


def require(path, what):
    """Skip when a test tool is missing here; in CI (`CI=true`) a missing tool is a failure."""
    if path is None or not Path(path).exists():
        message = f"{what} is missing ({path}): `make test` installs it with npm (`npm ci`)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def require_java():
    java = shutil.which("java")
    if java is None:
        message = "Java is missing: `apt-get install -y default-jre-headless` to run the checker."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return java


def build_reader_site(settings):
    """Create the newsroom; return {"article": …, "author": …, …} for reader_pages()."""
    settings.NEWSROOM_SOCIAL = SOCIAL
    past = timezone.now() - timedelta(hours=2)
    coast = Section.objects.create(name="Coast", slug="coast", description="Life by the sea.")
    anna = Author.objects.create(
        name="Anna Ahlers", slug="anna-ahlers", short_code="aah", job_title="Harbour reporter",
        bio="Anna reports on shipping and the coast.",
        website_url="https://anna.example/", mastodon_url="https://mastodon.example/@anna",
        linkedin_url="https://www.linkedin.com/in/anna-example",
    )
    anna.photo.save("anna.png", SimpleUploadedFile("anna.png", png_bytes(60, 60)))
    ben = Author.objects.create(name="Ben Brandt", slug="ben-brandt", short_code="bb")
    emma = Author.objects.create(name="Emma Weber", slug="emma-weber", short_code="emw")

    # Enough older articles for every list to have a second page; some share tags with
    # the article, so that it has related articles.
    shared_image = make_image(alt_text="Boats in the harbour", credit="Newsroom/Archive")
    for number in range(PAGE_SIZE + 1):
        publish(make_article(
            headline=f"Harbour news number {number + 1}",
            teaser="Another day on the coast.",
            section=coast, authors=[anna], lead_image=shared_image,
            tags=["harbour"] if number % 5 == 0 else [],
            kicker="Shipping" if number % 3 == 0 else "",
        ), at=past - timedelta(hours=number + 1))

    article = publish(make_article(
        headline="Harbour reopens after the storm",
        kicker="Storm damage",
        teaser="Ships are back, and the cranes are working again.",
        body=BODY, section=coast, authors=[anna, ben], desk_editor=emma, language="en",
        tags=["harbour", "storm"],
        lead_image=make_image(
            alt_text="Cranes at the harbour at dawn", caption="The north berth on Monday.",
            credit="Shutterstock/ioda",
        ),
    ), at=past)
    ArticleUpdate.objects.create(
        article=article, kind=ArticleUpdate.Kind.UPDATE, created_at=past + timedelta(minutes=30),
        text="<p>The south berth opens on Wednesday.</p>",
    )
    ArticleUpdate.objects.create(
        article=article, kind=ArticleUpdate.Kind.CORRECTION,
        created_at=past + timedelta(minutes=50),
        text="<p>An earlier version named the wrong berth. "
        '<a href="https://port-authority.example/berths">The list of berths</a>.</p>',
    )
    article.videos.add(Video.objects.create(
        title="Drone flight over the harbour", provider="youtube",
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        poster=make_image(alt_text="The harbour from above", credit="Newsroom/Drone"),
        duration=timedelta(seconds=95),
    ))
    translation = publish(make_article(
        headline="Hafen nach dem Sturm wieder offen",
        teaser="Die Schiffe sind zurück.",
        body="<p>Der Hafen ist seit Montag wieder offen.</p>",
        section=coast, authors=[anna], language="de", tags=["harbour"],
        translation_of=article, original_language="en",
        translation_method=Article.TranslationMethod.MACHINE_ASSISTED,
    ), at=past + timedelta(minutes=10))

    withdrawn = publish(make_article(headline="A story that was wrong", section=coast),
                        at=past - timedelta(days=3))
    superuser = User.objects.filter(is_superuser=True).first()  # the one publish() made
    workflow.transition(withdrawn, "withdraw", superuser, "Retracted")

    article.refresh_from_db()
    return {
        "article": article, "translation": translation, "withdrawn": withdrawn,
        "section": coast, "author": anna,
    }


def reader_pages(site, base_url):
    """[(name, path, expected status)] of every page the tests check.

    `base_url` is the origin the pages are requested from: the Mastodon share page shares
    only addresses of the site it is asked on.
    """
    article = site["article"]
    article_url = article.get_absolute_url()
    share = urlencode({"url": base_url + article_url, "text": article.headline})
    return [
        ("home", "/", 200),
        ("home-page-2", "/?page=2", 200),
        ("article", article_url, 200),
        ("article-translation", site["translation"].get_absolute_url(), 200),
        ("print-view", article_url + "?view=print", 200),
        ("section", site["section"].get_absolute_url(), 200),
        ("tag", "/tag/harbour/", 200),
        ("author", site["author"].get_absolute_url(), 200),
        ("search", "/search/?q=harbour", 200),
        ("not-found", "/no-such-page/", 404),
        ("gone", site["withdrawn"].get_absolute_url(), 410),
        ("share-mastodon", f"/share/mastodon/?{share}", 200),
    ]
