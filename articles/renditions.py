"""Renditions: the sizes, crops and formats readers get of an image, made once on first use.

Pages only write addresses: an address names the image, the spec (crop and width), a token
and the format, all computed from the image's row, so rendering a page costs no image work
and no query. The first request for an address makes the file (see `ensure`), stores it
through Django's storage API under the same path as the address (so a web server in front
can serve it from disk afterwards) and records a `Rendition` row; later requests find it.

The token is a short hash of what the pixels depend on: the master file and, for crops, the
focal point. A new upload or a moved focal point gives new addresses, so every address can
be cached for a year.
"""

import hashlib
import io
from dataclasses import dataclass
from fractions import Fraction
from math import ceil

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as PILImage

from .links import public_url
from .models import Image, Rendition

# Bump when the way renditions are encoded changes: every address changes with it.
VERSION = "1"
WIDTHS = (400, 800, 1200, 1600)
FALLBACK_WIDTH = 800
FULL = "full"
SOCIAL = "social"
SOCIAL_SIZE = (1200, 630)
RATIOS = {
    "3x2": Fraction(3, 2),
    "16x9": Fraction(16, 9),
    "1x1": Fraction(1),
    SOCIAL: Fraction(*SOCIAL_SIZE),
}
CROPS = [FULL, "3x2", "16x9", "1x1", SOCIAL]
MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}
ENCODERS = {
    # Speed 7 takes half the time of libavif's default 6 for files of the same size.
    "avif": {"format": "AVIF", "quality": 60, "speed": 7},
    "webp": {"format": "WEBP", "quality": 80, "method": 4},
    "jpg": {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True},
    "png": {"format": "PNG"},
}
# Decode and reduce to this multiple of the target size before the final LANCZOS pass:
# much faster than resampling from full size, and indistinguishable from it.
REDUCING_GAP = 2.0


class MasterUnreadable(Exception):
    """The image's master file is missing or cannot be decoded."""


@dataclass(frozen=True)
class Spec:
    crop: str
    width: int

    @property
    def key(self):
        return f"{self.crop}-{self.width}"


@dataclass(frozen=True)
class Picture:
    """What a <picture> element needs: one srcset per modern format, and the fallback."""

    sources: list  # (MIME type, srcset), best format first
    src: str
    srcset: str
    width: int
    height: int


@dataclass(frozen=True)
class Card:
    url: str
    width: int
    height: int


def crop_box(width, height, ratio, focal_x, focal_y):
    """The largest box of `ratio` (width / height) inside the image, centred on the focal
    point as far as the edges allow; the focal point is always inside it."""
    ratio = Fraction(ratio).limit_denominator(10_000)
    if width * ratio.denominator > height * ratio.numerator:
        box_width, box_height = max(1, min(width, round(height * ratio))), height
    else:
        box_width, box_height = width, max(1, min(height, round(width / ratio)))
    left = min(max(round(focal_x * width - box_width / 2), 0), width - box_width)
    top = min(max(round(focal_y * height - box_height / 2), 0), height - box_height)
    return left, top, left + box_width, top + box_height


def box_for(image, crop):
    """The part of the master (left, top, right, bottom) that a crop shows."""
    if crop == FULL:
        return 0, 0, image.width, image.height
    return crop_box(image.width, image.height, RATIOS[crop], image.focal_x, image.focal_y)


def widths_for(box_width, crop=FULL):
    """The widths made of a box: the standard ones it can fill, and its own if it is smaller
    than the largest; never wider than the box (no upscaling)."""
    if crop == SOCIAL:
        return [min(SOCIAL_SIZE[0], box_width)]
    fitting = [width for width in WIDTHS if width <= box_width]
    if box_width < WIDTHS[-1] and box_width not in fitting:
        fitting.append(box_width)
    return fitting


def output_size(box, width):
    left, top, right, bottom = box
    return width, max(1, round(width * (bottom - top) / (right - left)))


def fallback_format(image):
    """PNG for PNG and GIF masters (transparency, screenshots), JPEG for everything else."""
    return "png" if image.file.name.lower().endswith((".png", ".gif")) else "jpg"


def formats_for(image, crop):
    if crop == SOCIAL:
        return ["jpg"]
    return ["avif", "webp", fallback_format(image)]


def token(image, crop):
    """A short hash of what a crop's pixels depend on: the master and, for crops, the focal
    point (moving it leaves the uncropped renditions alone)."""
    parts = [VERSION, image.file.name, str(image.width), str(image.height)]
    if crop != FULL:
        parts += [f"{image.focal_x:.4f}", f"{image.focal_y:.4f}"]
    return hashlib.blake2b("|".join(parts).encode(), digest_size=5).hexdigest()


def has_renditions(image):
    return bool(image and image.file and image.width and image.height)


def url(image, spec, fmt, current_token=None):
    return public_url(
        "articles:rendition",
        image_id=image.pk,
        spec=spec.key,
        token=current_token or token(image, spec.crop),
        ext=fmt,
    )


def addresses(image, crop):
    """A function (width, format) → address, for one crop of an image: one reverse() per
    picture rather than one per address (a page of cards has hundreds of addresses)."""
    current = token(image, crop)
    folder = url(image, Spec(crop, 1), "jpg", current).rpartition("/")[0]
    return lambda width, fmt: f"{folder}/{Spec(crop, width).key}-{current}.{fmt}"


def storage_name(image_id, spec, fmt, current_token):
    # The same path as the address under MEDIA_URL, so a web server can serve stored ones.
    return f"r/{image_id}/{spec.key}-{current_token}.{fmt}"


def specs_for(image):
    """Every (spec, format) of an image's rendition set."""
    wanted = []
    for crop in CROPS:
        box = box_for(image, crop)
        for width in widths_for(box[2] - box[0], crop):
            wanted += [(Spec(crop, width), fmt) for fmt in formats_for(image, crop)]
    return wanted


def offered_spec(image, key, fmt):
    """The Spec an address names, if the image offers it in that format; else ValueError."""
    crop, _, width = key.rpartition("-")
    if crop not in CROPS or not width.isdigit() or not has_renditions(image):
        raise ValueError(f"unknown spec {key!r}")
    box = box_for(image, crop)
    spec = Spec(crop, int(width))
    if (
        spec.key != key  # one address per rendition: no leading zeros
        or spec.width not in widths_for(box[2] - box[0], crop)
        or fmt not in formats_for(image, crop)
    ):
        raise ValueError(f"image {image.pk} has no {key}.{fmt}")
    return spec


# What pages use: addresses only, computed from the image's row.


def crop_key(name):
    """"16:9" → "16x9", as in addresses."""
    crop = name.replace(":", "x")
    if crop not in CROPS or crop == SOCIAL:
        raise ValueError(f"Unknown crop {name!r}: use full, 3:2, 16:9 or 1:1.")
    return crop


def picture(image, crop=FULL, max_width=None):
    """The addresses and size of a <picture>; max_width trims the srcset for pictures that
    are never shown large (thumbnails)."""
    crop = crop_key(crop)
    box = box_for(image, crop)
    widths = widths_for(box[2] - box[0], crop)
    if max_width:
        widths = [width for width in widths if width <= max_width] or widths[:1]
    address = addresses(image, crop)
    srcsets = {
        fmt: ", ".join(f"{address(width, fmt)} {width}w" for width in widths)
        for fmt in formats_for(image, crop)
    }
    fallback = fallback_format(image)
    width, height = output_size(box, widths[-1])
    return Picture(
        sources=[(MIME_TYPES[fmt], srcsets[fmt]) for fmt in ("avif", "webp")],
        src=address(pick(widths, FALLBACK_WIDTH), fallback),
        srcset=srcsets[fallback],
        width=width,
        height=height,
    )


def social_card(image):
    """The 1200×630 card that link previews show, cropped around the focal point."""
    if not has_renditions(image):
        return Card(image.file.url, image.width, image.height)
    box = box_for(image, SOCIAL)
    spec = Spec(SOCIAL, widths_for(box[2] - box[0], SOCIAL)[0])
    return Card(url(image, spec, "jpg"), *output_size(box, spec.width))


def single_url(image, crop=FULL, width=FALLBACK_WIDTH):
    """One address in the fallback format, the largest width up to `width`: for places that
    take a single picture (a video's poster, structured data)."""
    if not has_renditions(image):
        return image.file.url
    crop = crop_key(crop)
    box = box_for(image, crop)
    spec = Spec(crop, pick(widths_for(box[2] - box[0], crop), width))
    return url(image, spec, formats_for(image, crop)[-1])


def pick(widths, most):
    return max([width for width in widths if width <= most], default=widths[0])


# Making renditions.


def open_master(image, scale=1.0):
    """The master decoded at no less than `scale` of its size; JPEGs decode smaller directly
    (libjpeg scales by 1/2, 1/4 or 1/8 while decoding), which saves most of the time."""
    try:
        with image.file.storage.open(image.file.name, "rb") as handle:
            master = PILImage.open(handle)
            if scale < 1 and master.format == "JPEG":
                master.draft(master.mode, (ceil(master.width * scale), ceil(master.height * scale)))
            master.load()
    except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError) as error:
        raise MasterUnreadable(f"{image.file.name}: {error}") from error
    if master.mode not in ("RGB", "RGBA"):
        master = master.convert("RGBA" if master.has_transparency_data else "RGB")
    return master


def render(image, wanted):
    """Yield (spec, format, bytes) for each wanted (spec, format): decodes the master once,
    resamples each spec once and encodes each format. Costs seconds for a large master."""
    by_crop = {}
    for spec, fmt in wanted:
        by_crop.setdefault(spec.crop, {}).setdefault(spec, []).append(fmt)
    boxes = {crop: box_for(image, crop) for crop in by_crop}
    scale = min(
        1.0,
        max(
            REDUCING_GAP * spec.width / (boxes[crop][2] - boxes[crop][0])
            for crop, specs in by_crop.items()
            for spec in specs
        ),
    )
    master = open_master(image, scale)
    scale_x, scale_y = master.width / image.width, master.height / image.height
    for crop, specs in by_crop.items():
        box = boxes[crop]
        source = master
        region = (box[0] * scale_x, box[1] * scale_y, box[2] * scale_x, box[3] * scale_y)
        largest = round(REDUCING_GAP * max(spec.width for spec in specs))
        if len(specs) > 1 and region[2] - region[0] > largest:
            # Several widths of one crop: resample the crop once to twice the largest width
            # and each width from that, not each from the full master (a third of the time).
            source = resize(master, region, output_size(box, largest))
            region = (0, 0, source.width, source.height)
        for spec, formats in specs.items():
            resized = resize(source, region, output_size(box, spec.width))
            for fmt in formats:
                yield spec, fmt, encode(resized, fmt)


def resize(picture, region, size):
    resized = picture.resize(
        size, PILImage.Resampling.LANCZOS, box=region, reducing_gap=REDUCING_GAP
    )
    resized.info = {}  # no EXIF, XMP or ICC profile from the master reaches readers
    return resized


def encode(picture, fmt):
    if fmt == "jpg" and picture.mode == "RGBA":
        flat = PILImage.new("RGB", picture.size, "white")
        flat.paste(picture, mask=picture.getchannel("A"))
        picture = flat
    buffer = io.BytesIO()
    picture.save(buffer, **ENCODERS[fmt])
    return buffer.getvalue()


def store(image, spec, fmt, current_token, make):
    """Return (row, created): the rendition's row, made once however many ask at once.

    The first caller inserts the row, calls make() for the bytes and saves the file before
    its transaction commits; a concurrent caller's insert waits on the unique constraint
    (SQLite: on the write lock) and then finds the finished row.
    """
    name = storage_name(image.pk, spec, fmt, current_token)
    width, height = output_size(box_for(image, spec.crop), spec.width)
    with transaction.atomic():
        row, created = Rendition.objects.get_or_create(
            image=image,
            spec=spec.key,
            format=fmt,
            token=current_token,
            defaults={"file": name, "width": width, "height": height},
        )
        if not created:
            return row, False
        data = make()
        storage = row.file.storage
        if storage.exists(name):
            storage.delete(name)  # left by a transaction that failed after saving its file
        saved = storage.save(name, ContentFile(data))
        if saved != name:
            try:
                Rendition.objects.filter(pk=row.pk).update(file=saved)
            except BaseException:
                storage.delete(saved)
                raise
            row.file.name = saved
    return row, True


def ensure(image, spec, fmt):
    """The rendition's row, made now if missing (one query when it exists)."""
    current = token(image, spec.crop)
    found = Rendition.objects.filter(
        image=image, spec=spec.key, format=fmt, token=current
    ).first()
    if found is not None:
        return found

    def make():
        return next(render(image, [(spec, fmt)]))[2]

    return store(image, spec, fmt, current, make)[0]


def forget(rows):
    """Delete renditions and their files; return how many."""
    count = 0
    for row in rows:
        if row.file:
            row.file.storage.delete(row.file.name)
        row.delete()
        count += 1
    return count


@dataclass
class Rebuilt:
    made: int = 0
    removed: int = 0


def rebuild(image, missing_only=False):
    """Make an image's whole rendition set and delete the renditions it no longer uses
    (old sizes, an earlier file or focal point). Regenerates existing ones unless
    missing_only. Costs seconds per large image."""
    if not has_renditions(image):
        raise MasterUnreadable(f"image {image.pk} has no file or no size")
    wanted = {
        (spec.key, fmt, token(image, spec.crop)): (spec, fmt) for spec, fmt in specs_for(image)
    }
    rows = list(Rendition.objects.filter(image=image))
    stale = [row for row in rows if (row.spec, row.format, row.token) not in wanted]
    current = [row for row in rows if (row.spec, row.format, row.token) in wanted]
    result = Rebuilt(removed=forget(stale))
    if missing_only:
        have = {(row.spec, row.format, row.token) for row in current}
        wanted = {key: value for key, value in wanted.items() if key not in have}
    else:
        forget(current)
    if not wanted:
        return result
    for spec, fmt, data in render(image, list(wanted.values())):
        _, created = store(image, spec, fmt, token(image, spec.crop), lambda data=data: data)
        result.made += created
    return result


def sweep_orphans(storage):
    """Delete the rendition folders of images that no longer exist; return files deleted."""
    try:
        folders, _ = storage.listdir("r")
    except FileNotFoundError:
        return 0
    existing = {str(pk) for pk in Image.objects.values_list("pk", flat=True)}
    deleted = 0
    for folder in folders:
        if folder.isdigit() and folder not in existing:
            _, files = storage.listdir(f"r/{folder}")
            for name in files:
                storage.delete(f"r/{folder}/{name}")
                deleted += 1
    return deleted
