"""The photo desk sets an image's focal point by clicking on it, and sees the crops follow."""

import pytest

from articles.models import Image
from tests.conftest import log_in, make_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clicking_the_picture_sets_the_focal_point_and_moves_the_crops(new_page, editor):
    from PIL import Image as PILImage  # a wide picture, so that the square crop can move

    image = make_image(alt_text="A wide harbour view")
    wide = PILImage.new("RGB", (1200, 400), (30, 90, 160))
    image.file.save("wide.png", _png(wide), save=False)
    image.save()
    page = new_page()
    log_in(page, "edith")
    page.goto(f"/admin/articles/image/{image.pk}/change/")
    square = page.locator(".nr-crop[data-ratio='1.0']")
    before = square.evaluate("crop => crop.style.backgroundPosition")

    picture = page.locator(".nr-focal-stage img")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.9, "y": box["height"] * 0.5})

    assert float(page.input_value("#id_focal_x")) == pytest.approx(0.9, abs=0.01)
    assert float(page.input_value("#id_focal_y")) == pytest.approx(0.5, abs=0.01)
    assert square.evaluate("crop => crop.style.backgroundPosition") != before
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    image.refresh_from_db()
    assert image.focal_x == pytest.approx(0.9, abs=0.01)


def _png(picture):
    import io

    from django.core.files.base import ContentFile

    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="wide.png")


def test_focal_point_fields_still_work_without_javascript(client, role_groups, editor):
    image = make_image()
    client.force_login(editor)
    page = client.get(f"/admin/articles/image/{image.pk}/change/").content.decode()
    assert 'name="focal_x"' in page and "nr-crop" in page
    assert Image.objects.get(pk=image.pk).focal_x == 0.5
