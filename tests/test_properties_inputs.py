"""Properties of the input doors: whatever bytes arrive, a clear refusal or a valid result.

Importers: arbitrary bytes and damaged copies of real export files (truncated, bytes flipped,
inserted or cut; /work/shared/testdata and our own export format) go through
`import_articles`. It either imports or ends with the command's own error; it never raises
anything else, and it never leaves a half-written article behind.

Uploads: arbitrary bytes and damaged real pictures go through `accept_upload`, which either
returns a picture we can serve or raises its ValidationError.
"""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db.models import F, Q
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage

from articles import fetch, importing
from articles.exporting import write_json
from articles.images import accept_upload
from articles.importers.detect import FORMATS
from articles.models import Article, StatusChange
from articles.sanitize import clean_html
from tests.conftest import make_article, png_bytes, publish

pytestmark = pytest.mark.django_db

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
SEED_FILES = {
    "wxr/wpimporter-valid-wxr-1.1.xml": "wxr",
    "wxr/wpimporter-crazy-cdata.xml": "wxr",
    "wxr/wpimporter-wxr-utf-8-challenges.xml": "wxr",
    "feeds/rssparser-nhs-feed.rss": "rss",
    "feeds/rsparser-DaringFireball.atom": "atom",
    "ninjs/3.1/005_complex_text_article.json": "ninjs",
    "ninjs/2.1/dpa_text.json": "ninjs",
    "ninjs/1.6/007_multimedia.json": "ninjs",
}
# Fixtures are set up once per property, not per example: rows pile up across examples,
# which the invariants below allow.
PROPERTY = settings(suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@pytest.fixture(autouse=True)
def offline_fetch(monkeypatch):
    def refuse(url, **kwargs):
        raise fetch.FetchError(f"{url}: not fetched in tests")

    monkeypatch.setattr(importing, "fetch_image", refuse)


@pytest.fixture
def seeds(db):
    """(bytes, format) of real files, plus an export of our own with every field used."""
    if not TESTDATA.is_dir():
        pytest.skip(f"{TESTDATA} is missing")
    found = [((TESTDATA / name).read_bytes(), fmt) for name, fmt in SEED_FILES.items()
             if (TESTDATA / name).is_file()]
    article = publish(make_article(tags=["harbour"], kicker="Storm"))
    article.updates.create(kind="correction", text="<p>A name was wrong.</p>")
    out = io.StringIO()
    write_json(out, Article.objects.filter(pk=article.pk))
    found.append((out.getvalue().encode(), "json"))
    return found


@st.composite
def damaged(draw, data):
    """A copy of `data` with a few cuts, flips and insertions, or truncated."""
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "cut", "duplicate"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from(
                [b"<", b">", b"&", b'"', b"\x00", b"\xff\xfe", b"]]>", b"<![CDATA[", b"{", b"}",
                 b"[", b",", b"null", b"-1e999", b'"\\ud800"', b"<script>", b"&bogus;"]
            ))
        elif kind == "cut":
            del data[at:at + draw(st.integers(1, 200))]
        elif kind == "duplicate":
            data[at:at] = data[at:at + draw(st.integers(1, 400))]
    return bytes(data)


def import_file(path, fmt):
    """Run the command as an operator would; return its error message or None."""
    try:
        call_command("import_articles", str(path), "--format", fmt,
                     stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as error:
        return str(error)
    return None


def assert_no_half_written_articles():
    imported = Article.objects.exclude(source="")
    # The last step of an item's transaction stamps it; a row without the stamp is a torso.
    assert not imported.filter(
        Q(imported_at__isnull=True) | Q(imported_version__isnull=True)
        | ~Q(imported_version=F("version"))
    ).exists()
    for article in imported:
        assert article.headline.strip()
        assert article.body == clean_html(article.body)
        if article.status != Article.Status.DRAFT:
            assert StatusChange.objects.filter(
                article=article, to_status=article.status
            ).exists(), article.status


@PROPERTY
@given(data=st.data())
def test_damaged_export_files_import_or_are_refused_never_crash(seeds, tmp_path, data):
    original, fmt = data.draw(st.sampled_from(seeds), label="seed")
    content = data.draw(damaged(original), label="damaged")
    path = tmp_path / f"damaged.{fmt}"
    path.write_bytes(content)
    import_file(path, fmt)
    assert_no_half_written_articles()


@PROPERTY
@given(content=st.binary(max_size=2000), fmt=st.sampled_from(FORMATS))
@example(content=b"", fmt="rss")  # once an AttributeError from feedparser's empty result
def test_arbitrary_bytes_are_refused_with_a_message(db, tmp_path, content, fmt):
    path = tmp_path / "random.bin"
    path.write_bytes(content)
    error = import_file(path, fmt)
    assert error is None or "run the same command again" in error
    assert_no_half_written_articles()


def seed_pictures():
    pictures = [png_bytes(), png_bytes(7, 5)]
    for fmt in ("JPEG", "WEBP", "GIF"):
        buffer = io.BytesIO()
        PILImage.new("RGB", (24, 16), (10, 120, 200)).save(buffer, fmt)
        pictures.append(buffer.getvalue())
    return pictures


def assert_served_or_refused(content, name):
    try:
        accepted = accept_upload(ContentFile(content, name=name))
    except ValidationError as error:
        assert error.messages and all(message.strip() for message in error.messages)
        return
    # What passed the door is a picture we can decode and serve as it claims.
    with PILImage.open(io.BytesIO(accepted.master.read())) as master:
        master.load()
        assert master.format in ("JPEG", "PNG")
        assert master.size == (accepted.width, accepted.height)


@PROPERTY
@given(data=st.data())
def test_damaged_pictures_are_accepted_or_refused_never_crash(data):
    original = data.draw(st.sampled_from(seed_pictures()), label="seed")
    content = data.draw(damaged(original), label="damaged")
    assert_served_or_refused(content, data.draw(st.sampled_from(["a.jpg", "b.png", "c", "d.svg"])))


@PROPERTY
@given(content=st.binary(max_size=3000))
def test_arbitrary_bytes_as_an_upload_are_refused_with_a_message(content):
    assert_served_or_refused(content, "upload.jpg")


def test_the_seeds_themselves_import(seeds, tmp_path):
    """The damaged copies start from files that import: the property explores near them."""
    for index, (content, fmt) in enumerate(seeds):
        path = tmp_path / f"seed-{index}.{fmt}"
        path.write_bytes(content)
        import_file(path, fmt)
    assert Article.objects.exclude(source="").exists()
    assert_no_half_written_articles()
