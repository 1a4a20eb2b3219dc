"""Uploading pictures: what the desk refuses, and what it serves from what it accepts."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from PIL import ExifTags, ImageCms, ImageFile
from PIL import Image as PILImage
from pytest_django.asserts import assertContains

from articles import images
from articles.models import Image
from tests.conftest import make_image, png_bytes

ADD_URL = "/admin/articles/image/add/"
RED, BLUE = (220, 20, 20), (20, 20, 220)


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def upload(client, content, name="photo.jpg", **fields):
    data = {
        "file": SimpleUploadedFile(name, content),
        "alt_text": "Firefighters at the harbour",
        "caption": "",
        "credit": "Newsroom/Test",
        "source_url": "",
        "focal_x": 0.5,
        "focal_y": 0.5,
        **fields,
    }
    return client.post(ADD_URL, data, follow=True)


def stored_files(tmp_path):
    """Everything in the media and originals folders that media_in_tmp set up."""
    return sorted(
        path.relative_to(tmp_path).as_posix()
        for folder in ("media", "originals")
        for path in (tmp_path / folder).rglob("*")
        if path.is_file()
    )


def jpeg(picture=None, **save_options):
    picture = picture or two_halves(60, 40)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=95, **save_options)
    return buffer.getvalue()


def two_halves(width, height):
    """Red on the left, blue on the right: shows which way up a picture is."""
    picture = PILImage.new("RGB", (width, height), BLUE)
    picture.paste(RED, (0, 0, width // 2, height))
    return picture


def noisy_jpeg():
    buffer = io.BytesIO()
    PILImage.effect_noise((128, 128), 64).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


def png_header(width, height):
    """A PNG that claims `width` × `height` pixels and holds none: a decompression bomb's
    header. Each chunk carries a correct CRC, as Pillow checks it when opening."""

    def chunk(kind, data):
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def with_iptc(jpeg_data, **datasets):
    """Insert an IPTC block the way Photoshop writes it: a JPEG APP13 segment holding an 8BIM
    resource 0x0404, whose IPTC datasets are 0x1C, record 2, dataset number, length, value."""
    numbers = {"byline": 80, "credit": 110, "copyright": 116, "caption": 120}
    iptc = b"".join(
        b"\x1c\x02" + bytes([numbers[key]]) + struct.pack(">H", len(value.encode()))
        + value.encode()
        for key, value in datasets.items()
    )
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00"  # empty name, padded to even
    resource += struct.pack(">I", len(iptc)) + iptc + b"\x00" * (len(iptc) % 2)
    payload = b"Photoshop 3.0\x00" + resource
    app13 = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg_data[:2] + app13 + jpeg_data[2:]  # right after the start-of-image marker


XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
    photoshop:Credit="dpa">
   <dc:creator><rdf:Seq><rdf:li>Jörg Müller</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt>
    <rdf:li xml:lang="de">Feuerwehr im Hafen</rdf:li>
    <rdf:li xml:lang="x-default">Firefighters at the harbour of Kiel</rdf:li>
   </rdf:Alt></dc:description>
   <Iptc4xmpCore:AltTextAccessibility><rdf:Alt>
    <rdf:li xml:lang="x-default">Two firefighters hose down a burning boat</rdf:li>
   </rdf:Alt></Iptc4xmpCore:AltTextAccessibility>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def served(image):
    with image.file.open("rb") as stored:
        data = stored.read()
    return data, PILImage.open(io.BytesIO(data))


def close_to(pixel, colour, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=False))


# Refused: each with its message, leaving no row and no file.

SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
  <script>fetch('/admin/').then(r => r.text()).then(steal)</script>
  <rect width="10" height="10"/>
</svg>"""
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("minutes.jpg", b"Minutes of the council meeting, 3 March.\n", "This is a text file"),
        ("harbour.jpg", noisy_jpeg()[:-600], "This picture is damaged or incomplete"),
        ("chart.png", SVG, "This is an SVG drawing, not a photo"),
        ("page.jpg", HTML, "This is a web page (HTML), not a picture"),
        ("scan.jpg", PDF, "This is a PDF document, not a picture"),
        ("empty.jpg", b"", "This file is empty (0 bytes)"),
        ("bomb.png", png_header(30000, 30000), "far more than 60 megapixels"),
        ("big.png", png_header(9000, 9000), "9000 × 9000 pixels (81 megapixels)"),
    ],
    ids=["text-named-jpg", "truncated-jpeg", "svg-with-script", "html", "pdf", "zero-bytes",
         "png-claiming-30000x30000", "png-over-the-pixel-limit"],
)
def test_refused_upload_says_why_and_leaves_nothing(desk, tmp_path, name, content, message):
    response = upload(desk, content, name)
    assertContains(response, escape(message))
    assert not Image.objects.exists()
    assert stored_files(tmp_path) == []


def test_pixel_bomb_is_refused_from_its_header_without_decoding(desk, tmp_path, monkeypatch):
    def no_decoding(self):
        raise AssertionError("a picture over the pixel limit was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    monkeypatch.setattr(PILImage.Image, "load", no_decoding)
    for width, height in [(30000, 30000), (9000, 9000)]:
        response = upload(desk, png_header(width, height), "bomb.png")
        assertContains(response, "megapixels")
    assert not Image.objects.exists()
    assert stored_files(tmp_path) == []


def test_pixel_limit_comes_from_settings(desk, tmp_path, settings):
    settings.IMAGE_MAX_PIXELS = 1000
    response = upload(desk, png_bytes(40, 30), "small.png")
    assertContains(response, escape("40 × 30 pixels"))
    assert not Image.objects.exists()


def test_oversized_file_is_refused_before_it_is_read(desk, tmp_path, settings, monkeypatch):
    settings.IMAGE_MAX_BYTES = 1000

    def no_opening(*args, **kwargs):
        raise AssertionError("an oversized file was opened")

    monkeypatch.setattr(PILImage, "open", no_opening)
    response = upload(desk, noisy_jpeg(), "huge.jpg")
    assertContains(response, "the desk takes files up to 1000")
    assert not Image.objects.exists()
    assert stored_files(tmp_path) == []


def test_importers_get_the_same_refusals(db):
    with pytest.raises(ValidationError) as refused:
        images.accept_upload(ContentFile(SVG, name="logo.jpg"))
    assert refused.value.code == "unsupported_type"
    assert "SVG drawing" in refused.value.messages[0]


# Accepted: what we serve, and what we keep.


def test_exif_orientation_is_applied_to_the_served_picture(desk):
    exif = PILImage.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned: rotate 90° clockwise to view
    upload(desk, jpeg(two_halves(60, 40), exif=exif.tobytes()))
    image = Image.objects.get()
    assert (image.width, image.height) == (40, 60)
    _, master = served(image)
    assert master.size == (40, 60)
    # The stored left half (red) is the top once turned upright.
    assert close_to(master.getpixel((20, 5)), RED)
    assert close_to(master.getpixel((20, 55)), BLUE)
    assert ExifTags.Base.Orientation not in master.getexif()


def test_location_and_camera_serial_are_stripped_and_the_original_kept(desk, tmp_path):
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "Nikon"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = "SN-4711-0815"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (54.0, 19.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (10.0, 8.0, 36.0)
    sent = jpeg(exif=exif.tobytes(), comment=b"Taken at the minister's house")
    sent_exif = PILImage.open(io.BytesIO(sent)).getexif()  # the test's own input has them
    assert sent_exif.get_ifd(ExifTags.IFD.GPSInfo) and b"SN-4711-0815" in sent

    upload(desk, sent, "harbour.jpg")
    image = Image.objects.get()
    data, master = served(image)
    assert master.format == "JPEG"
    assert not master.getexif()
    assert not master.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert not {"exif", "xmp", "icc_profile", "comment", "photoshop"} & set(master.info)
    for secret in (b"SN-4711-0815", b"Nikon", b"minister", b"Exif"):
        assert secret not in data
    with image.original.open("rb") as original:
        assert original.read() == sent
    stored = stored_files(tmp_path)
    assert [path for path in stored if path.startswith("originals/")] == [
        f"originals/{image.original.name}"
    ]
    assert [path for path in stored if path.startswith("media/")] == [f"media/{image.file.name}"]


def test_cmyk_jpeg_is_served_as_rgb(desk):
    upload(desk, jpeg(PILImage.new("CMYK", (30, 20), (0, 255, 255, 0))), "agency.jpg")
    _, master = served(Image.objects.get())
    assert master.mode == "RGB"
    assert close_to(master.getpixel((10, 10)), (255, 0, 0))


def test_embedded_colour_profile_is_applied_and_not_served(desk):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload(desk, jpeg(icc_profile=srgb), "tagged.jpg")
    _, master = served(Image.objects.get())
    assert "icc_profile" not in master.info
    assert close_to(master.getpixel((5, 20)), RED)


def test_palette_png_keeps_its_transparency(desk):
    picture = PILImage.new("P", (20, 10), 0)
    picture.putpalette([0, 0, 0, *RED])
    picture.paste(1, (10, 0, 20, 10))  # the right half red, the left half transparent
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", transparency=0)
    upload(desk, buffer.getvalue(), "logo.png")
    _, master = served(Image.objects.get())
    assert master.format == "PNG"
    assert master.mode == "RGBA"
    assert master.getpixel((2, 5))[3] == 0
    assert master.getpixel((15, 5)) == (*RED, 255)


def test_16_bit_grey_png_is_scaled_not_clipped(desk):
    picture = PILImage.new("I;16", (20, 10), 32768)  # mid grey in 16 bits
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    upload(desk, buffer.getvalue(), "scan.png")
    _, master = served(Image.objects.get())
    assert master.mode == "L"
    assert master.getpixel((5, 5)) == 128


def test_animated_gif_keeps_its_first_frame_and_says_so(desk):
    frames = [PILImage.new("RGB", (20, 20), colour) for colour in (RED, BLUE)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    response = upload(desk, buffer.getvalue(), "spinner.gif")
    assertContains(response, "only its first frame is kept")
    _, master = served(Image.objects.get())
    assert master.format == "PNG"
    assert getattr(master, "n_frames", 1) == 1
    assert close_to(master.getpixel((5, 5)), RED)


def test_iptc_credit_and_caption_fill_empty_fields(desk):
    sent = with_iptc(
        jpeg(), caption="Firefighters at the harbour of Kiel", credit="Reuters", byline="Jane Doe"
    )
    response = upload(desk, sent, credit="", caption="")
    assertContains(response, "Filled in from the file")
    image = Image.objects.get()
    assert image.credit == "Reuters/Jane Doe"
    assert image.caption == "Firefighters at the harbour of Kiel"
    data, _ = served(image)
    assert b"Reuters" not in data and b"Photoshop" not in data


def test_prefilled_credit_shows_when_alt_text_is_still_missing(desk):
    sent = with_iptc(jpeg(), credit="Reuters", byline="Jane Doe")
    response = upload(desk, sent, alt_text="", credit="")
    assertContains(response, 'value="Reuters/Jane Doe"')
    assertContains(response, "This field is required")  # the alt text: the editor's to write
    assert not Image.objects.exists()


def test_editors_own_credit_wins_over_the_files(desk):
    upload(desk, with_iptc(jpeg(), credit="Reuters"), credit="Newsroom/Own photographer")
    assert Image.objects.get().credit == "Newsroom/Own photographer"


def test_xmp_fills_alt_text_caption_and_credit_and_is_not_served(desk):
    response = upload(desk, jpeg(xmp=XMP.encode()), alt_text="", caption="", credit="")
    assertContains(response, "Filled in from the file")
    image = Image.objects.get()
    assert image.alt_text == "Two firefighters hose down a burning boat"
    assert image.caption == "Firefighters at the harbour of Kiel"
    assert image.credit == "dpa/Jörg Müller"
    _, master = served(image)
    assert "xmp" not in master.info


def test_xmp_with_entities_is_ignored_not_expanded(desk):
    # The start of a "billion laughs": expanded, the caption would be 100 letters a.
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<rdf:Description dc:description="&b;"/></rdf:RDF>'
    )
    upload(desk, jpeg(xmp=bomb.encode()), caption="")
    assert Image.objects.get().caption == ""


def test_changing_text_keeps_the_saved_file(desk):
    image = make_image()
    name = image.file.name
    response = desk.post(
        f"/admin/articles/image/{image.pk}/change/",
        {"alt_text": "A new description", "caption": "", "credit": "Newsroom/Test",
         "source_url": "", "focal_x": 0.3, "focal_y": 0.5},
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.alt_text, image.file.name, image.width) == ("A new description", name, 40)


def test_importers_attach_an_accepted_picture_to_an_image(db, tmp_path):
    accepted = images.accept_upload(ContentFile(with_iptc(jpeg(), credit="AP"), name="x.jpg"))
    image = Image(alt_text="A boat")
    assert accepted.apply_to(image) == ["credit"]
    image.save()
    image.refresh_from_db()
    assert (image.credit, image.width, image.height) == ("AP", 60, 40)
    assert image.file.name.endswith(".jpg")
    assert len(stored_files(tmp_path)) == 2  # the master and the original
