"""The one door for an incoming picture: refuse what we cannot serve safely, normalise the rest.

The admin's image form and the importers call `accept_upload()`. It writes nothing to storage:
the caller attaches the result to an Image (`AcceptedImage.apply_to`) and saves it, so a
refused file leaves no row and no file behind.
"""

import codecs
import contextlib
import io
import re
import struct
from dataclasses import dataclass, field
from pathlib import PurePath

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps, IptcImagePlugin

from .models import Image

# Pillow format names we open, with the extension the stored original gets. MPO is the
# multi-picture JPEG some cameras write: Pillow opens it as JPEG and reports it as MPO.
ACCEPTED_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif",
                    "GIF": "gif"}
OPENED_FORMATS = ["JPEG", "PNG", "WEBP", "AVIF", "GIF"]
ACCEPTED_MIME_TYPES = ["image/jpeg", "image/png", "image/webp", "image/avif", "image/gif"]
# Sources without lossy compression stay lossless: screenshots and graphics keep sharp edges.
LOSSLESS_SOURCES = {"PNG", "GIF"}
JPEG_QUALITY = 88
SRGB = ImageCms.createProfile("sRGB")
# What we prefill, cut to what the Image fields hold (a caption has no limit of its own).
PREFILL_LIMITS = {
    "alt_text": Image._meta.get_field("alt_text").max_length,
    "caption": 2000,
    "credit": Image._meta.get_field("credit").max_length,
}

ACCEPTED_LIST = _("The desk takes JPEG, PNG, WebP, AVIF and GIF pictures.")


@dataclass(frozen=True)
class AcceptedImage:
    """A picture that passed the door: the master we serve and the untouched original."""

    master: ContentFile  # re-encoded: upright, sRGB, no metadata; named "<stem>.jpg" or ".png"
    original: ContentFile  # the uploaded bytes, unchanged, for the private originals storage
    width: int
    height: int
    source_format: str  # Pillow's name for what was uploaded: "JPEG", "PNG", …
    # Image field name -> text the file carries (IPTC/XMP): alt_text, caption, credit.
    prefill: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # what an editor should know, e.g. an animation lost its frames

    def apply_to(self, image):
        """Attach master and original to `image` (written when it is saved) and fill its empty
        alt text, caption and credit from the file. Returns the names of the fields filled."""
        image.file = self.master
        image.original = self.original
        image.width, image.height = self.width, self.height
        filled = [name for name, value in self.prefill.items() if not getattr(image, name)]
        for name in filled:
            setattr(image, name, self.prefill[name])
        return filled


def accept_upload(upload, *, name=None):
    """Check a picture and make the master we serve from it; returns an AcceptedImage.

    `upload` is a Django File: an UploadedFile from a form, or `ContentFile(data, name=...)`
    from an importer; `name` overrides its name. Raises ValidationError, with a message an
    editor understands, for a file we refuse. Decodes the whole picture: the largest we accept
    costs a few hundred MB of memory and a second or two.
    """
    name = PurePath(str(name or upload.name or "image").replace("\\", "/")).name
    data = read_limited(upload)
    with open_header(data) as picture:
        decode(picture)
        source_format = picture.format
        prefill = read_prefill(picture)
        notes = []
        if getattr(picture, "n_frames", 1) > 1:
            notes.append(_("This was an animation: only its first frame is kept."))
        master = normalise(picture)
        content, extension = encode(master, source_format)
    stem = PurePath(name).stem[:60] or "image"
    return AcceptedImage(
        master=ContentFile(content, name=f"{stem}.{extension}"),
        original=ContentFile(data, name=f"{stem}.{ACCEPTED_FORMATS[source_format]}"),
        width=master.width,
        height=master.height,
        source_format=source_format,
        prefill=prefill,
        notes=tuple(notes),
    )


def upload_help_text():
    return _(
        "JPEG, PNG, WebP, AVIF or GIF, up to %(size)s and %(megapixels)s megapixels. The copy "
        "readers get is turned upright and stripped of location, camera and other hidden "
        "details; the file as uploaded is kept privately for re-cropping."
    ) % {
        "size": filesizeformat(settings.IMAGE_MAX_BYTES),
        "megapixels": megapixels(settings.IMAGE_MAX_PIXELS),
    }


# Refusals, cheapest first.


def read_limited(upload):
    size = upload.size  # known without reading: uploads and ContentFiles carry it
    if not size:
        raise empty_file()
    if size > settings.IMAGE_MAX_BYTES:
        raise too_large(size)
    upload.seek(0)
    data = upload.read(settings.IMAGE_MAX_BYTES + 1)
    if not data:
        raise empty_file()
    if len(data) > settings.IMAGE_MAX_BYTES:  # a file that grew after its size was taken
        raise too_large(len(data))
    return data


def open_header(data):
    """Open the picture, reading only its header; refuse other types and too many pixels."""
    try:
        # Pillow itself warns from 89 megapixels and refuses from twice that (before our
        # check below); a limit set above 178 megapixels therefore needs Pillow's raised too.
        picture = PILImage.open(io.BytesIO(data), formats=OPENED_FORMATS)
    except PILImage.DecompressionBombError as error:
        raise ValidationError(
            _("This picture claims far more than %(limit)s megapixels. Export a smaller "
              "version: 3000 pixels on the long side is plenty for the web."),
            code="too_many_pixels",
            params={"limit": megapixels(settings.IMAGE_MAX_PIXELS)},
        ) from error
    except PILImage.UnidentifiedImageError as error:
        raise not_a_picture(data) from error
    except (OSError, SyntaxError, ValueError, struct.error, EOFError) as error:
        raise (foreign_type(data) or damaged()) from error
    width, height = picture.size
    if width * height > settings.IMAGE_MAX_PIXELS:
        picture.close()
        raise ValidationError(
            _("This picture is %(width)s × %(height)s pixels (%(megapixels)s megapixels); the "
              "desk takes up to %(limit)s megapixels. Export a smaller version: 3000 pixels on "
              "the long side is plenty for the web."),
            code="too_many_pixels",
            params={
                "width": width,
                "height": height,
                "megapixels": megapixels(width * height),
                "limit": megapixels(settings.IMAGE_MAX_PIXELS),
            },
        )
    return picture


def decode(picture):
    # Decoding every pixel is what finds a truncated or corrupt file. This relies on Pillow's
    # default ImageFile.LOAD_TRUNCATED_IMAGES = False, which nothing in the project changes.
    try:
        picture.load()
    except Exception as error:  # a hostile file can make any decoder fail in its own way
        raise damaged() from error


def empty_file():
    return ValidationError(
        _("This file is empty (0 bytes): the upload or the export went wrong. Try again."),
        code="empty",
    )


def too_large(size):
    return ValidationError(
        _("This file is %(size)s; the desk takes files up to %(limit)s. Export a smaller "
          "version: 3000 pixels on the long side is plenty for the web."),
        code="too_large",
        params={"size": filesizeformat(size), "limit": filesizeformat(settings.IMAGE_MAX_BYTES)},
    )


def damaged():
    return ValidationError(
        _("This picture is damaged or incomplete (perhaps a download was cut short). Open it "
          "in an image editor, save it again and upload that."),
        code="damaged",
    )


def not_a_picture(data):
    return foreign_type(data) or ValidationError(
        format_lazy("{} {}", _("This file is not a picture the desk can use."), ACCEPTED_LIST),
        code="unsupported_type",
    )


def foreign_type(data):
    """Say what a refused file looks like, when we can tell from its first bytes."""
    what = sniff(data[:2048])
    if what is None:
        return None
    return ValidationError(format_lazy("{} {}", what, ACCEPTED_LIST), code="unsupported_type")


HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


def sniff(head):
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"%PDF-" in head[:1024]:
        return _("This is a PDF document, not a picture. Export the page you need as JPEG or PNG.")
    if lowered.startswith((b"<!doctype html", b"<html")):
        return web_page()
    if b"<svg" in lowered:
        return _("This is an SVG drawing, not a photo. SVG files can carry scripts, so the "
                 "desk does not take them: export the drawing as PNG.")
    if any(tag in lowered for tag in (b"<head", b"<body", b"<script", b"<iframe")):
        return web_page()
    if looks_like_text(head):
        return _("This is a text file, not a picture, whatever its name says.")
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return _("This is an HEIC photo (the iPhone's format), which browsers cannot show. "
                 "Export it as JPEG.")
    for magic, kind in [
        (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"8BPS", "Photoshop"), (b"BM", "BMP"),
    ]:
        if head.startswith(magic):
            return format_lazy(_("This is a {kind} file. Save it as JPEG or PNG."), kind=kind)
    if head.startswith(b"PK\x03\x04"):
        return _("This is an archive or an office document, not a picture.")
    return None


def web_page():
    return _("This is a web page (HTML), not a picture. Save the picture itself and upload it.")


def looks_like_text(head):
    if b"\x00" in head:
        return False
    try:
        # Incremental: a character cut in two at the end of `head` is not an error.
        text = codecs.getincrementaldecoder("utf-8")().decode(head)
    except UnicodeDecodeError:
        return False
    return all(char.isprintable() or char.isspace() for char in text)


def megapixels(pixels):
    return f"{pixels / 1_000_000:.3g}"


# What we serve: upright, sRGB, 8 bits, no metadata.


def normalise(picture):
    """Return the picture upright, in L, RGB or RGBA, with sRGB colours."""
    with contextlib.suppress(Exception):  # unreadable EXIF: serve the picture as stored
        ImageOps.exif_transpose(picture, in_place=True)
    if picture.mode == "CMYK" or (
        picture.mode in ("RGB", "RGBA") and picture.info.get("icc_profile")
    ):
        picture = to_srgb(picture, picture.info.get("icc_profile"))
    elif picture.mode.startswith("I"):
        # 16-bit greys: scale to 8 bits; a plain convert would clip everything to white.
        picture = picture.convert("I").point(lambda value: value / 256).convert("L")
    elif picture.mode != "RGBA" and picture.has_transparency_data:
        picture = picture.convert("RGBA")  # palette, grey and RGB with a transparent colour
    elif picture.mode == "1":
        picture = picture.convert("L")
    elif picture.mode not in ("L", "RGB", "RGBA"):
        picture = picture.convert("RGB")
    if picture.mode == "RGBA" and picture.getchannel("A").getextrema() == (255, 255):
        picture = picture.convert("RGB")  # an alpha channel that hides nothing
    return picture


def to_srgb(picture, icc_profile):
    mode = "RGB" if picture.mode == "CMYK" else picture.mode
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            if mode == picture.mode and "sRGB" in ImageCms.getProfileDescription(source):
                return picture
            return ImageCms.profileToProfile(picture, source, SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken or mismatched profile: convert as if there were none
    return picture.convert(mode) if picture.mode != mode else picture


def encode(picture, source_format):
    # Nothing from the upload rides along: no EXIF (GPS, serial numbers, maker notes), XMP,
    # IPTC, ICC profile or comment. Browsers take untagged pictures as sRGB.
    picture.info = {}
    buffer = io.BytesIO()
    if picture.mode == "RGBA" or source_format in LOSSLESS_SOURCES:
        picture.save(buffer, "PNG")
        return buffer.getvalue(), "png"
    picture.save(buffer, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
    return buffer.getvalue(), "jpg"


# What the file says about itself, for the editor to check.

IPTC_FIELDS = {(2, 120): "caption", (2, 110): "credit", (2, 80): "byline", (2, 116): "copyright"}
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XMP_FIELDS = {
    "caption": "{http://purl.org/dc/elements/1.1/}description",
    "credit": "{http://ns.adobe.com/photoshop/1.0/}Credit",
    "byline": "{http://purl.org/dc/elements/1.1/}creator",
    "copyright": "{http://purl.org/dc/elements/1.1/}rights",
    "alt_text": "{http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/}AltTextAccessibility",
}
COPYRIGHT_PREFIX = re.compile(r"^(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?[,:-]?\s*", re.IGNORECASE)


def read_prefill(picture):
    """Alt text, caption and credit from the file's IPTC and XMP, where it carries them."""
    found = read_iptc(picture)
    # XMP wins where both say something: it is Unicode, while IPTC's encoding is a guess.
    found |= {key: value for key, value in read_xmp(picture.info.get("xmp")).items() if value}
    found["credit"] = credit_line(
        found.get("credit", ""), found.get("byline", ""), found.get("copyright", "")
    )
    return {
        name: found[name][:limit].strip()
        for name, limit in PREFILL_LIMITS.items()
        if found.get(name)
    }


def credit_line(credit, byline, copyright):
    """Agency and photographer as the house writes them: "Reuters/Jane Doe"."""
    parts = [credit] if credit else []
    if byline and byline.casefold() != credit.casefold():
        parts.append(byline)
    if parts:
        return "/".join(parts)
    return COPYRIGHT_PREFIX.sub("", copyright)


def read_iptc(picture):
    try:
        info = IptcImagePlugin.getiptcinfo(picture) or {}
    except Exception:  # broken IPTC costs the prefill, not the upload
        return {}
    found = {}
    for key, name in IPTC_FIELDS.items():
        values = info.get(key) or []
        values = values if isinstance(values, list) else [values]
        text = ", ".join(filter(None, (plain_text(decode_iptc(value)) for value in values)))
        if text:
            found[name] = text
    return found


def decode_iptc(value):
    # Most IPTC written this century is UTF-8; older agency files are Windows Latin-1.
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("cp1252", errors="replace")


def read_xmp(packet):
    if not packet:
        return {}
    if isinstance(packet, str):
        packet = packet.encode()
    try:
        # No DTD, no entities, no network: an XMP packet needs none of them.
        root = SafeElementTree.fromstring(packet.strip(b"\x00 \t\r\n"), forbid_dtd=True)
    except (SafeElementTree.ParseError, DefusedXmlException, ValueError):
        return {}
    descriptions = list(root.iter(f"{{{RDF}}}Description"))
    return {name: xmp_property(descriptions, tag) for name, tag in XMP_FIELDS.items()}


def xmp_property(descriptions, tag):
    for description in descriptions:
        if tag in description.attrib:
            return plain_text(description.attrib[tag])
        element = description.find(tag)
        if element is None:
            continue
        items = element.findall(f"{{{RDF}}}*/{{{RDF}}}li")
        if not items:
            return plain_text(element.text or "")
        if element.find(f"{{{RDF}}}Alt") is not None:
            default = [item for item in items if item.get(XML_LANG) == "x-default"]
            return plain_text((default or items)[0].text or "")
        return ", ".join(filter(None, (plain_text(item.text or "") for item in items)))
    return ""


def plain_text(value):
    """One line of printable text: no control characters, runs of white space made one."""
    return " ".join("".join(char for char in value if char.isprintable() or char.isspace()).split())
