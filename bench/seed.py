#!/usr/bin/env python
"""Seed a benchmark newsroom: sections, authors, tags, shared images and N live articles.

    .venv/bin/python bench/seed.py --articles 20000 --paths-dir /tmp/newsroom-bench/paths

Settings come from the environment as for the site (DATABASE_URL, MEDIA_ROOT, …); point it at
a database of its own, never at a newsroom's. Deterministic (fixed random seed).

Bench-only bulk path: articles, bylines, tags and updates are inserted with bulk_create, in
drafts, with the fields Article.save() derives (slug, sanitised body, reading time, preview
secret) computed here the same way. Publishing then goes through the one door,
workflow.transition("publish_directly"), for every article, so status, times and the status
log are exactly what the desk would write. Run again on a seeded database, it only rewrites
the path lists.

The path lists (one URL path per line) feed bench/load.sh and bench/queries.py:
article_rotate.txt (100 articles), article_one.txt, home.txt, section.txt, tag.txt,
search.txt, feed.txt.
"""

import argparse
import io
import os
import random
import secrets
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

VOCABULARY = (
    "council budget minister report election market growth climate energy city court "
    "hospital school transport housing police river festival museum league season coach "
    "players research university study data survey vote policy tax trade strike union bank "
    "rate inflation harbour airport railway bridge storm flood harvest farmers residents "
    "officials spokesperson statement inquiry committee hearing evidence plan proposal "
    "funding project community district region national international local morning "
    "evening week month year first last new old public private small large early late "
    "government parliament opposition mayor judge doctors nurses teachers pupils workers "
    "company shares prices wages rents tenants landlords drivers passengers visitors fans "
    "after before during while because although since until against between across under "
    "said told announced confirmed rejected approved delayed opened closed raised cut "
    "warned promised expects plans wants needs the a of to in on for with at by from and "
    "but or that this these those which who its their our more most less fewer than about"
)
WORDS = VOCABULARY.split()
SECTIONS = ["Politics", "Business", "Science", "Culture", "Sport", "Health", "World", "Technology"]
FIRST = ["Anna", "Ben", "Clara", "David", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas",
         "Kira", "Liam", "Mona", "Nils", "Olga", "Pavel", "Rosa", "Sami", "Tara", "Umar"]
LAST = ["Berger", "Costa", "Dahl", "Evans", "Fischer", "Garcia", "Hansen", "Ito", "Jovanovic",
        "Keller", "Larsen", "Moreau", "Novak", "Okafor", "Petrov", "Quinn", "Rossi", "Schmidt"]
BATCH = 500


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()


def sentence(rng, low=8, high=18):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."


def jpeg(rng, size=(1600, 900)):
    """A photo-like JPEG: a gradient with blurred shapes and grain."""
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFilter

    width, height = size
    colours = [tuple(rng.randint(0, 255) for _ in range(3)) for _ in range(2)]
    gradient = PILImage.linear_gradient("L").resize(size).rotate(rng.randint(0, 359))
    picture = PILImage.composite(
        PILImage.new("RGB", size, colours[0]), PILImage.new("RGB", size, colours[1]), gradient
    )
    draw = ImageDraw.Draw(picture)
    for _ in range(rng.randint(12, 30)):
        x, y = rng.randint(-200, width), rng.randint(-200, height)
        box = (x, y, x + rng.randint(40, 600), y + rng.randint(40, 400))
        fill = tuple(rng.randint(0, 255) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=fill)
    picture = picture.filter(ImageFilter.GaussianBlur(rng.uniform(1.5, 6)))
    grain = PILImage.effect_noise(size, rng.uniform(18, 40)).convert("RGB")
    buffer = io.BytesIO()
    PILImage.blend(picture, grain, 0.12).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def body(rng, earlier):
    """600–900 words in 6–9 paragraphs: a subheading, emphasis, a quote, links out and in."""
    paragraphs = rng.randint(6, 9)
    words_left = rng.randint(600, 900)
    links = [
        f'<a href="https://example.org/{rng.choice(WORDS)}/{rng.randint(1, 9999)}">'
        f"{rng.choice(WORDS)} {rng.choice(WORDS)}</a>"
        for _ in range(2)
    ]
    links += [
        f'<a href="{url}">{rng.choice(WORDS)} {rng.choice(WORDS)}</a>'
        for url in rng.sample(earlier, min(2, len(earlier)))
    ]
    rng.shuffle(links)
    parts = []
    for number in range(paragraphs):
        target = words_left // (paragraphs - number)
        sentences, count = [], 0
        while count < target:
            sentences.append(sentence(rng))
            count += len(sentences[-1].split())
        words_left -= count
        if links and number > 0:
            where = rng.randrange(len(sentences))
            sentences[where] = sentences[where][:-1] + ", see " + links.pop() + "."
        if number == 1:
            sentences[0] = f"<strong>{sentences[0]}</strong>"
        if number == 3:
            parts.append(f"<h2>{sentence(rng, 3, 6)[:-1]}</h2>")
        if number == 4 and rng.random() < 0.5:
            parts.append(f"<blockquote><p>{sentence(rng)}</p></blockquote>")
        parts.append(f"<p>{' '.join(sentences)}</p>")
    return "".join(parts)


def seed(options, out):
    from django.contrib.auth.models import User
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.utils import timezone
    from django.utils.text import slugify
    from taggit.models import Tag, TaggedItem

    from articles import workflow
    from articles.models import Article, ArticleUpdate, Author, Byline, Image, Section
    from articles.sanitize import clean_html

    rng = random.Random(options.seed)
    started = time.monotonic()

    def progress(message):
        out(f"[{time.monotonic() - started:6.1f}s] {message}")

    editor, _ = User.objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    sections = [
        Section.objects.create(name=name, slug=slugify(name), order=number)
        for number, name in enumerate(SECTIONS)
    ]
    images = []
    for number in range(options.images):
        image = Image(
            alt_text=sentence(rng, 5, 10)[:-1],
            caption=sentence(rng, 6, 14),
            credit=f"{rng.choice(LAST)}/Newsbench",
        )
        image.file.save(f"bench-{number + 1:02d}.jpg", ContentFile(jpeg(rng)), save=False)
        image.width, image.height = 1600, 900
        image.save()
        images.append(image)
    progress(f"{len(images)} images")

    authors, codes = [], set()
    while len(authors) < options.authors:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        code = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(3))
        if slugify(name) in {a.slug for a in authors} or code in codes:
            continue
        codes.add(code)
        authors.append(Author.objects.create(
            name=name, slug=slugify(name), short_code=code,
            job_title=rng.choice(["Reporter", "Correspondent", "Editor"]), bio=sentence(rng),
        ))
    tag_names = set()
    while len(tag_names) < options.tags:
        tag_names.add(f"{rng.choice(WORDS[:60])} {rng.choice(WORDS[:60])}")
    tags = Tag.objects.bulk_create(
        [Tag(name=name, slug=slugify(name)) for name in sorted(tag_names)]
    )
    progress(f"{len(sections)} sections, {len(authors)} authors, {len(tags)} tags")

    content_type = ContentType.objects.get_for_model(Article)
    now = timezone.now().replace(second=0, microsecond=0)
    total = options.articles
    earlier = []
    for start in range(0, total, BATCH):
        numbers = range(start, min(total, start + BATCH))
        drafts = []
        for number in numbers:
            headline = sentence(rng, 6, 11)[:-1]
            text = clean_html(body(rng, earlier[-2000:]))
            article = Article(
                headline=headline,
                slug=f"{slugify(headline)[:150]}-{number + 1}",
                kicker=rng.choice(["", "", "Analysis", "Exclusive", "Live"]),
                teaser=sentence(rng, 18, 30),
                body=text,
                section=rng.choice(sections),
                lead_image=rng.choice(images),
                desk_editor=rng.choice(authors),
                top_story_rank=(total - number) if total - number <= 5 else None,
                preview_secret=secrets.token_hex(16),
                created_by=editor,
            )
            article.reading_time = article.compute_reading_time()
            drafts.append(article)
        with transaction.atomic():
            Article.objects.bulk_create(drafts)
            Byline.objects.bulk_create([
                Byline(article=article, author=author, position=position)
                for article in drafts
                for position, author in enumerate(rng.sample(authors, rng.choice([1, 1, 2, 3])))
            ])
            TaggedItem.objects.bulk_create([
                TaggedItem(object_id=article.pk, tag=tag, content_type=content_type)
                for article in drafts
                for tag in rng.sample(tags, rng.randint(3, 6))
            ])
            for number, article in zip(numbers, drafts, strict=True):
                # Oldest first, about an hour apart; the newest went out ten minutes ago.
                published = now - timedelta(minutes=10 + (total - 1 - number) * 60)
                workflow.transition(
                    article, "publish_directly", editor, "Bench seed",
                    publish_at=published, now=published,
                )
                earlier.append(article.get_absolute_url())
            ArticleUpdate.objects.bulk_create([
                ArticleUpdate(
                    article=article,
                    kind=rng.choice(["update", "correction"]),
                    text=f"<p>{sentence(rng)}</p>",
                    created_at=article.published_at + timedelta(minutes=45),
                )
                for article in drafts
                if rng.random() < 0.05
            ])
        progress(f"{numbers.stop} articles")


def write_paths(directory, out):
    from django.db.models import Count
    from taggit.models import Tag

    from articles.models import Article, Section

    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    live = list(Article.objects.live().order_by("pk").values_list("pk", "slug"))
    urls = [f"/news/{slug}-{pk}.html" for pk, slug in live]
    # One typical article from the middle of the archive: two authors, as many pages have.
    pairs = Article.objects.live().annotate(n=Count("bylines")).filter(n=2).order_by("pk")
    one = pairs[pairs.count() // 2].get_absolute_url() if pairs.exists() else urls[len(urls) // 2]
    section = Section.objects.order_by("order").first()
    tag = Tag.objects.annotate(n=Count("taggit_taggeditem_items")).order_by("-n", "name").first()
    lists = {
        "article_rotate": rng.sample(urls, min(100, len(urls))),
        "article_one": [one],
        "home": ["/"],
        "section": [section.get_absolute_url()],
        "tag": [f"/tag/{tag.slug}/"],
        "search": ["/search/?q=harbour+budget"],
        "feed": ["/feeds/rss/"],
    }
    for name, paths in lists.items():
        (directory / f"{name}.txt").write_text("\n".join(paths) + "\n")
    out(f"path lists in {directory}: {', '.join(lists)}")


def refresh_statistics(out):
    """On PostgreSQL, what autovacuum would do a minute after a bulk load, before measuring.

    Freshly loaded tables have no planner statistics and no visibility map: the planner then
    guesses one row per table and loops (the tag page took 27 ms instead of 1 at 2,000
    articles) and index-only scans read the heap. A newsroom's database has both.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        out("VACUUM ANALYZE done")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--images", type=int, default=12)
    parser.add_argument("--authors", type=int, default=30)
    parser.add_argument("--tags", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--paths-dir", type=Path, help="write URL path lists here")
    options = parser.parse_args()
    setup_django()

    from articles.models import Article

    def out(message):
        sys.stdout.write(message + "\n")
        sys.stdout.flush()

    existing = Article.objects.count()
    if existing:
        out(f"{existing} articles already there: not seeding (use a fresh database to reseed)")
    else:
        seed(options, out)
        refresh_statistics(out)
    if options.paths_dir:
        write_paths(options.paths_dir, out)


if __name__ == "__main__":
    main()
