"""Renditions: focal-point crops, srcset, the rendition endpoint, the race, rebuilds."""

import io
import re
import threading
import time
from datetime import timedelta
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import clear_script_prefix, include, path, set_script_prefix
from django.utils import timezone
from PIL import Image as PILImage

from articles import renditions
from articles.models import Image, Rendition, Video
from articles.renditions import Spec, crop_box, widths_for
from tests.conftest import make_article, make_image, publish

pytestmark = pytest.mark.django_db

# For the test that runs without the development media server: this module is the URLconf.
urlpatterns = [path("", include("articles.urls"))]

RATIOS = [Fraction(3, 2), Fraction(16, 9), Fraction(1), Fraction(1200, 630)]
SIZES = [(6000, 4000), (4000, 6000), (1000, 1000), (40, 30), (7, 1000), (1000, 7)]
EDGES = [0.0, 0.001, 0.25, 0.5, 0.75, 0.999, 1.0]
FOCAL_POINTS = [(x, y) for x in EDGES for y in EDGES]


def jpeg_bytes(width, height, exif=None):
    picture = PILImage.linear_gradient("L").resize((width, height)).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90, **({"exif": exif} if exif else {}))
    return buffer.getvalue()


def make_photo(width=2000, height=1500, data=None, name="photo.jpg", **fields):
    """A JPEG master, as agencies send them (or `data` under another name)."""
    image = Image(alt_text="Cranes at dawn", credit="Newsroom/Test", **fields)
    data = data or jpeg_bytes(width, height)
    # A named ContentFile: Django reads an unnamed one as no file, and leaves width unset.
    image.file.save(name, ContentFile(data, name=name), save=False)
    image.save()
    return image


def rendition_files(settings):
    root = Path(settings.MEDIA_ROOT) / "r"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def render(source, **context):
    return Template("{% load pictures %}" + source).render(Context(context))


class Tags(HTMLParser):
    """The start tags of an HTML fragment, as (name, attributes) pairs."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def srcset_widths(srcset):
    return [int(entry.rsplit(" ", 1)[1].rstrip("w")) for entry in srcset.split(", ")]


# Crops around the focal point.


@pytest.mark.parametrize("ratio", RATIOS, ids=str)
@pytest.mark.parametrize("size", SIZES, ids=lambda size: "x".join(map(str, size)))
def test_crop_keeps_the_focal_point_inside_the_largest_box_of_the_ratio(size, ratio):
    width, height = size
    for focal_x, focal_y in FOCAL_POINTS:
        left, top, right, bottom = crop_box(width, height, ratio, focal_x, focal_y)

        assert 0 <= left < right <= width and 0 <= top < bottom <= height
        assert left <= focal_x * width <= right and top <= focal_y * height <= bottom
        # The largest box: it spans the image in one direction, and has the ratio within
        # a pixel's rounding.
        assert right - left == width or bottom - top == height
        box_width, box_height = right - left, bottom - top
        if min(box_width, box_height) > 1:
            assert abs(box_width - box_height * ratio) <= 1


def test_crop_is_centred_on_the_focal_point_where_the_edges_allow():
    assert crop_box(6000, 4000, Fraction(1), 0.5, 0.5) == (1000, 0, 5000, 4000)
    assert crop_box(6000, 4000, Fraction(1), 0.4, 0.5) == (400, 0, 4400, 4000)
    assert crop_box(6000, 4000, Fraction(1), 0.0, 0.5) == (0, 0, 4000, 4000)
    assert crop_box(6000, 4000, Fraction(1), 1.0, 0.5) == (2000, 0, 6000, 4000)
    assert crop_box(4000, 6000, Fraction(16, 9), 0.5, 0.1) == (0, 0, 4000, 2250)


@pytest.mark.parametrize(
    ("box_width", "expected"),
    [
        (6000, [400, 800, 1200, 1600]),
        (1600, [400, 800, 1200, 1600]),
        (1000, [400, 800, 1000]),
        (800, [400, 800]),
        (300, [300]),
    ],
)
def test_widths_never_upscale_and_include_a_smaller_masters_own_width(box_width, expected):
    assert widths_for(box_width) == expected


def test_social_card_is_1200_by_630_and_never_upscaled():
    card = renditions.social_card(make_photo(2400, 1600))
    assert (card.width, card.height) == (1200, 630)
    small = renditions.social_card(make_photo(800, 600))
    assert small.width == 800 and abs(small.width / small.height - 1200 / 630) < 0.01


# The template tag: addresses only.


def test_picture_lists_every_width_in_order_for_each_format():
    image = make_photo(2000, 1500)
    token = renditions.token(image, "full")

    tags = Tags(render('{% picture image sizes="50vw" %}', image=image)).found

    assert [name for name, _ in tags] == ["picture", "source", "source", "img"]
    (_, avif), (_, webp), (_, img) = tags[1:]
    assert avif["type"] == "image/avif" and webp["type"] == "image/webp"
    for attrs, ext in ((avif, "avif"), (webp, "webp"), (img, "jpg")):
        assert srcset_widths(attrs["srcset"]) == [400, 800, 1200, 1600]
        assert attrs["srcset"].split(", ")[0] == f"/media/r/{image.pk}/full-400-{token}.{ext} 400w"
        assert attrs["sizes"] == "50vw"
    assert img["src"] == f"/media/r/{image.pk}/full-800-{token}.jpg"
    assert (img["width"], img["height"]) == ("1600", "1200")
    assert img["alt"] == "Cranes at dawn"
    assert img["loading"] == "lazy" and img["decoding"] == "async"
    assert "fetchpriority" not in img


def test_a_shown_picture_changes_with_its_image_alt_text_focal_point_and_script_name():
    """Markup is kept per process (pictures.py), but only for exactly the same inputs."""
    image = make_photo(2000, 1500)
    template = '{% picture image sizes="50vw" crop="16:9" %}'
    first = render(template, image=image)
    assert render(template, image=image) == first

    image.alt_text = "Cranes at dusk"
    image.save()
    assert 'alt="Cranes at dusk"' in render(template, image=image)

    old_token = renditions.token(image, "16x9")
    image.focal_x, image.focal_y = 0.9, 0.1
    image.save()
    moved = render(template, image=image)
    assert old_token in first and old_token not in moved
    assert renditions.token(image, "16x9") in moved

    set_script_prefix("/zeitung/")
    try:
        assert f'src="/zeitung/media/r/{image.pk}/' in render(template, image=image)
    finally:
        clear_script_prefix()
    assert render(template, image=image) == moved


def test_picture_addresses_are_those_the_url_configuration_makes():
    image = make_photo(2000, 1500)

    address = renditions.addresses(image, "16x9")

    for width in (400, 1600):
        for fmt in ("avif", "jpg"):
            assert address(width, fmt) == renditions.url(image, Spec("16x9", width), fmt)


def test_picture_crops_have_the_crops_shape():
    image = make_photo(2000, 1500, focal_x=0.2, focal_y=0.8)

    img = Tags(render('{% picture image crop="16:9" %}', image=image)).found[-1][1]

    assert (img["width"], img["height"]) == ("1600", "900")
    assert f"/media/r/{image.pk}/16x9-800-{renditions.token(image, '16x9')}.jpg" == img["src"]


def test_small_png_master_is_offered_at_its_own_width_with_a_png_fallback():
    image = make_image()  # 40×30 PNG

    tags = Tags(render("{% picture image %}", image=image)).found

    img = tags[-1][1]
    assert img["src"].endswith(".png") and srcset_widths(img["srcset"]) == [40]
    assert srcset_widths(tags[1][1]["srcset"]) == [40]
    assert (img["width"], img["height"]) == ("40", "30")


def test_thumbnails_leave_large_widths_out():
    image = make_photo(2000, 1500)

    img = Tags(render('{% picture image crop="3:2" max_width=800 %}', image=image)).found[-1][1]

    assert srcset_widths(img["srcset"]) == [400, 800]
    assert (img["width"], img["height"]) == ("800", "533")


def test_lead_picture_loads_first_not_lazily():
    img = Tags(render("{% picture image lead=True %}", image=make_photo())).found[-1][1]

    assert img["fetchpriority"] == "high"
    assert img.get("loading") != "lazy"


def test_picture_costs_no_query_and_no_image_work(django_assert_num_queries, monkeypatch):
    image = Image.objects.get(pk=make_photo().pk)
    monkeypatch.setattr(PILImage, "open", forbidden)

    with django_assert_num_queries(0):
        render('{% picture image crop="3:2" %}', image=image)
        assert renditions.social_card(image).url


def test_moving_the_focal_point_changes_the_crops_addresses_only():
    image = make_photo()
    before = {crop: renditions.token(image, crop) for crop in renditions.CROPS}

    image.focal_x = 0.9
    after = {crop: renditions.token(image, crop) for crop in renditions.CROPS}

    assert after["full"] == before["full"]
    assert all(after[crop] != before[crop] for crop in ("3x2", "16x9", "1x1", "social"))


# The rendition endpoint.


def forbidden(*args, **kwargs):
    raise AssertionError("no image work here")


@pytest.mark.parametrize(
    ("ext", "pillow_format"), [("avif", "AVIF"), ("webp", "WEBP"), ("jpg", "JPEG")]
)
def test_first_request_makes_the_rendition_and_later_ones_serve_it(
    client, settings, monkeypatch, ext, pillow_format
):
    image = make_photo(2000, 1500, focal_x=0.1)
    address = renditions.url(image, Spec("3x2", 400), ext)

    first = client.get(address)

    assert first.status_code == 200
    assert first["Content-Type"] == renditions.MIME_TYPES[ext]
    assert first["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Cookie" not in first.get("Vary", "") and not first.cookies
    made = PILImage.open(io.BytesIO(b"".join(first.streaming_content)))
    assert (made.format, made.size) == (pillow_format, (400, 267))
    assert Rendition.objects.count() == 1 and len(rendition_files(settings)) == 1

    monkeypatch.setattr(renditions, "render", forbidden)
    again = client.get(address)
    assert again.status_code == 200 and Rendition.objects.count() == 1


def test_renditions_carry_no_metadata_from_the_master(client):
    exif = PILImage.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x8825] = {2: (52.0, 31.0, 0.0)}  # GPS latitude
    image = make_photo(data=jpeg_bytes(900, 600, exif=exif))

    for ext in ("jpg", "webp", "avif"):
        response = client.get(renditions.url(image, Spec("full", 800), ext))
        made = PILImage.open(io.BytesIO(b"".join(response.streaming_content)))
        assert not made.getexif(), ext
        assert "icc_profile" not in made.info and "xmp" not in made.info


def test_transparent_png_stays_transparent_except_on_the_social_card(client):
    buffer = io.BytesIO()
    PILImage.new("RGBA", (900, 600), (200, 30, 30, 0)).save(buffer, "PNG")
    image = make_photo(data=buffer.getvalue(), name="logo.png")

    def fetch(spec, ext):
        response = client.get(renditions.url(image, spec, ext))
        return PILImage.open(io.BytesIO(b"".join(response.streaming_content)))

    for ext in ("png", "webp", "avif"):
        assert fetch(Spec("full", 800), ext).convert("RGBA").getpixel((5, 5))[3] == 0, ext
    card = fetch(Spec("social", 900), "jpg")
    assert card.mode == "RGB" and card.getpixel((5, 5)) == (255, 255, 255)


@pytest.mark.parametrize(
    "address",
    [
        "/media/r/999999/full-400-0123456789.jpg",  # no such image
        "/media/r/{pk}/full-999-{full}.jpg",  # a width the image is not offered in
        "/media/r/{pk}/full-0400-{full}.jpg",  # the same width, spelt differently
        "/media/r/{pk}/huge-400-{full}.jpg",  # no such crop
        "/media/r/{pk}/social-1200-{social}.avif",  # the social card is JPEG only
        "/media/r/{pk}/full-400-{full}.png",  # a JPEG master's fallback is JPEG
        "/media/r/{pk}/full-400-0123456789.jpg",  # a token never served
        "/media/r/{pk}/full-400-{full}.gif",
        "/media/r/{pk}/full-400.jpg",
        "/media/r/abc/full-400-{full}.jpg",
        "/media/r/{pk}/../full-400-{full}.jpg",
    ],
)
def test_unknown_or_malformed_addresses_are_not_found(client, settings, address):
    image = make_photo()
    address = address.format(
        pk=image.pk,
        full=renditions.token(image, "full"),
        social=renditions.token(image, "social"),
    )

    assert client.get(address).status_code == 404
    assert not Rendition.objects.exists() and not rendition_files(settings)


def test_an_address_from_before_the_focal_point_moved_redirects_to_the_current_one(client):
    image = make_photo()
    old = renditions.url(image, Spec("1x1", 400), "webp")
    assert client.get(old).status_code == 200

    image.focal_x = 0.05
    image.save()
    response = client.get(old)

    assert response.status_code == 302
    assert response["Location"] == renditions.url(image, Spec("1x1", 400), "webp")
    assert client.get(response["Location"]).status_code == 200


def test_unreadable_master_is_not_found_and_leaves_nothing_behind(client, settings):
    image = make_photo()
    image.file.storage.delete(image.file.name)

    response = client.get(renditions.url(image, Spec("full", 400), "jpg"))

    assert response.status_code == 404
    assert not Rendition.objects.exists() and not rendition_files(settings)


def test_lost_file_is_made_again(client, settings):
    image = make_photo()
    address = renditions.url(image, Spec("full", 400), "jpg")
    client.get(address)
    rendition_files(settings)[0].unlink()

    response = client.get(address)

    assert response.status_code == 200 and len(rendition_files(settings)) == 1


@pytest.mark.urls(__name__)
def test_endpoint_works_without_the_development_media_server(client):
    image = make_photo()

    response = client.get(renditions.url(image, Spec("full", 800), "avif"))

    assert response.status_code == 200
    assert client.get(image.file.url).status_code == 404  # no media serving in this URLconf


def test_endpoint_answers_head_but_refuses_posts(client):
    image = make_photo()
    address = renditions.url(image, Spec("full", 400), "jpg")

    assert client.head(address).status_code == 200
    assert client.post(address).status_code == 405


def test_object_storage_addresses_are_a_redirect_away(client, monkeypatch):
    image = make_photo()
    monkeypatch.setattr(
        FileSystemStorage, "url", lambda self, name: f"https://cdn.example/media/{name}"
    )

    response = client.get(renditions.url(image, Spec("full", 400), "jpg"))

    assert response.status_code == 302
    assert response["Location"].startswith(f"https://cdn.example/media/r/{image.pk}/full-400-")


# Two first requests at once.


@pytest.mark.django_db(transaction=True)
def test_two_first_requests_make_one_rendition(client, settings, monkeypatch):
    image = make_photo(2000, 1500)
    address = renditions.url(image, Spec("16x9", 800), "webp")
    barrier = threading.Barrier(2)
    made = []
    encode = renditions.encode

    def slow_encode(picture, fmt):
        made.append(fmt)
        time.sleep(0.3)  # hold the lock long enough for the other request to arrive
        return encode(picture, fmt)

    monkeypatch.setattr(renditions, "encode", slow_encode)
    bodies, statuses = [], []

    def fetch():
        try:
            barrier.wait()
            response = client.get(address)
            statuses.append(response.status_code)
            bodies.append(b"".join(response.streaming_content))
        finally:
            connection.close()

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200, 200]
    assert bodies[0] == bodies[1]
    assert made == ["webp"]
    assert Rendition.objects.count() == 1
    assert len(rendition_files(settings)) == 1


# Pages never wait for renditions.


def test_article_page_answers_without_making_renditions(client, settings, monkeypatch):
    image = make_photo(2000, 1500)
    article = publish(make_article(lead_image=image), at=timezone.now() - timedelta(minutes=1))
    monkeypatch.setattr(PILImage, "open", forbidden)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert not Rendition.objects.exists() and not rendition_files(settings)
    html = response.content.decode()
    assert f'src="/media/r/{image.pk}/full-800-' in html
    assert 'fetchpriority="high"' in html


def count_queries(client, address):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_pictures_add_no_queries_to_pages(client, uncached):
    first = publish(make_article(lead_image=make_photo(), top_story_rank=1))
    publish(make_article(lead_image=make_photo()))
    home, article = count_queries(client, "/"), count_queries(client, first.get_absolute_url())

    for rank in (2, 3, None, None):
        publish(make_article(lead_image=make_photo(), top_story_rank=rank))
    first.videos.add(
        Video.objects.create(
            title="Storm", provider="youtube", url="https://youtu.be/abcdefghijk",
            poster=make_photo(),
        )
    )

    assert count_queries(client, "/") == home
    assert count_queries(client, first.get_absolute_url()) == article <= 6
    assert not Rendition.objects.exists()


def test_social_card_and_structured_data_point_at_renditions(client):
    image = make_photo(2400, 1600)
    article = publish(make_article(lead_image=image), at=timezone.now() - timedelta(minutes=1))

    html = client.get(article.get_absolute_url()).content.decode()

    token = renditions.token(image, "social")
    card = f"http://testserver/media/r/{image.pk}/social-1200-{token}.jpg"
    assert f'<meta property="og:image" content="{card}">' in html
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    assert f'<meta name="twitter:image" content="{card}">' in html
    data = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    assert f'"{card}"' in data
    assert f"/media/r/{image.pk}/full-1600-" in data
    assert client.get(card.removeprefix("http://testserver")).status_code == 200


def test_cards_use_3_by_2_crops_and_top_stories_16_by_9(client, superuser):
    image = make_photo(2000, 1500)
    for rank in (1, 2, None):
        article = publish(make_article(lead_image=image, top_story_rank=rank))

    html = client.get("/").content.decode()

    assert html.count(f"/media/r/{image.pk}/16x9-") and html.count(f"/media/r/{image.pk}/3x2-")
    assert article.headline in html


def test_video_poster_is_a_rendition(client):
    image = make_photo(1920, 1080)
    article = publish(make_article(lead_image=image))
    video = Video.objects.create(
        title="Storm", provider="youtube", url="https://youtu.be/abcdefghijk", poster=image
    )
    article.videos.add(video)

    html = client.get(article.get_absolute_url()).content.decode()

    holder = html[html.index("data-embed-holder"):]
    assert f"/media/r/{image.pk}/16x9-" in holder[: holder.index("embed-notice")]


# Rebuilding.


def test_rebuild_makes_every_rendition_and_reports(settings):
    photo, screenshot = make_photo(2000, 1500), make_image()
    out, err = io.StringIO(), io.StringIO()

    call_command("rebuild_renditions", stdout=out, stderr=err)

    lines = out.getvalue().splitlines()
    expected = len(renditions.specs_for(photo)) + len(renditions.specs_for(screenshot))
    assert lines[0].startswith(f"[1/2] image {photo.pk} (images/")
    assert lines[1].startswith(f"[2/2] image {screenshot.pk} (images/")
    assert lines[-1] == (
        f"2 images: {expected} renditions made, 0 stale removed, "
        "0 files of deleted images removed, 0 failed."
    )
    assert Rendition.objects.count() == expected == len(rendition_files(settings))
    assert err.getvalue() == ""


def test_rebuild_removes_renditions_of_an_old_focal_point(settings):
    image = make_photo(2000, 1500)
    call_command("rebuild_renditions", stdout=io.StringIO())
    before = set(rendition_files(settings))
    crops = Rendition.objects.exclude(spec__startswith="full-").count()

    image.focal_y = 0.95
    image.save()
    out = io.StringIO()
    call_command("rebuild_renditions", "--missing-only", stdout=out)

    assert f": {crops} made, {crops} stale removed" in out.getvalue()
    after = set(rendition_files(settings))
    assert len(after) == len(before) and len(after - before) == crops
    tokens = {row.token for row in Rendition.objects.filter(spec__startswith="1x1-")}
    assert tokens == {renditions.token(image, "1x1")}


def test_rebuild_missing_only_keeps_what_exists(settings):
    image = make_photo()
    call_command("rebuild_renditions", "--image", str(image.pk), stdout=io.StringIO())
    out = io.StringIO()

    call_command("rebuild_renditions", "--missing-only", verbosity=1, stdout=out)

    assert "0 renditions made, 0 stale removed" in out.getvalue()


def test_rebuild_removes_files_of_deleted_images(settings):
    image = make_photo()
    call_command("rebuild_renditions", stdout=io.StringIO())
    count = Rendition.objects.count()
    image.delete()
    out = io.StringIO()

    call_command("rebuild_renditions", stdout=out)

    assert f"{count} files of deleted images removed" in out.getvalue()
    assert not rendition_files(settings)


def test_rebuild_counts_and_explains_failures_and_exits_non_zero():
    good, broken = make_photo(), make_photo()
    broken.file.storage.delete(broken.file.name)
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match=rf"1 of 2 images failed: image {broken.pk}: "):
        call_command("rebuild_renditions", stdout=out, stderr=err)

    assert f"image {broken.pk}: failed:" in err.getvalue()
    assert "1 failed." in out.getvalue()
    assert Rendition.objects.filter(image=good).exists()


def test_rebuild_refuses_unknown_images():
    with pytest.raises(CommandError, match="No image with id 424242"):
        call_command("rebuild_renditions", "--image", "424242")


def test_quiet_rebuild_prints_nothing():
    make_photo()
    out = io.StringIO()

    call_command("rebuild_renditions", verbosity=0, stdout=out)

    assert out.getvalue() == ""

