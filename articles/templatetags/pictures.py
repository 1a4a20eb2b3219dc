"""Responsive pictures: <picture> with AVIF, WebP and a JPEG or PNG fallback, made on demand.

Rendering a picture costs no query and no image work: every address is computed from the
image's row (see articles/renditions.py).
"""

from django import template

from .. import renditions

register = template.Library()


@register.inclusion_tag("articles/_picture.html")
def picture(image, sizes="100vw", crop="full", lead=False, img_class="", max_width=None):
    """{% picture image sizes="(min-width: 46rem) 44rem, 100vw" crop="16:9" lead=True %}

    sizes: how wide the picture is shown, as in <img sizes>; the browser picks the width.
    crop: "full" (the master's own shape), "3:2", "16:9" or "1:1", around the focal point.
    lead: the page's most important picture, loaded first instead of lazily.
    img_class: the <img>'s class. max_width: leave larger widths out of the srcset.
    """
    if not renditions.has_renditions(image):
        return {"image": image, "picture": None, "lead": lead, "img_class": img_class}
    return {
        "image": image,
        "picture": renditions.picture(image, crop, max_width),
        "sizes": sizes,
        "lead": lead,
        "img_class": img_class,
    }


@register.simple_tag
def social_card(image):
    """{% social_card image as card %}: card.url (relative), card.width, card.height."""
    return renditions.social_card(image)


@register.simple_tag
def rendition_url(image, crop="full", width=renditions.FALLBACK_WIDTH):
    """One address in the fallback format, for places that take a single picture (a video's
    poster): the largest width up to `width`."""
    return renditions.single_url(image, crop, width)
