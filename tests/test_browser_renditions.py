"""Chromium picks a rendition from <picture>, and the first request for it makes it."""

import io

import pytest
from PIL import Image as PILImage

from articles.models import Rendition
from tests.conftest import make_article, publish
from tests.test_renditions import make_photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEAD = "document.querySelector('.lead-image img')"


def test_browser_loads_the_avif_rendition_the_sizes_call_for(new_page):
    image = make_photo(2400, 1600)
    article = publish(make_article(lead_image=image))
    page = new_page()
    page.set_viewport_size({"width": 600, "height": 900})

    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(article.get_absolute_url())
    page.wait_for_function(f"{LEAD}.complete && {LEAD}.naturalWidth > 0")

    # 600 CSS pixels at device scale 1: the 800-wide rendition, in the best format.
    assert page.evaluate(f"{LEAD}.currentSrc").endswith(".avif")
    assert "/full-800-" in page.evaluate(f"{LEAD}.currentSrc")
    rendition = next(r for r in responses if "/media/r/" in r.url)
    assert rendition.status == 200
    assert rendition.headers["content-type"] == "image/avif"
    assert PILImage.open(io.BytesIO(rendition.body())).size == (800, 533)
    assert list(Rendition.objects.values_list("spec", "format")) == [("full-800", "avif")]
