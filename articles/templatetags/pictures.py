"""Responsive pictures: <picture> with AVIF, WebP and a JPEG or PNG fallback, made on demand.

Rendering a picture costs no query and no image work: every address is computed from the
image's row (see articles/renditions.py). The markup of a picture with renditions is kept
per process, keyed by everything it is made of: it cost ~150 µs, and a list page has 25.
"""

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .. import renditions

register = template.Library()

# Markup of pictures with renditions, by PictureKey. Cleared when full rather than kept
# least-recently-used: refilling costs one picture's markup each.
MADE = {}
MADE_MAX = 20_000  # ~1.5 KB each: 30 MB at most

LOADING_EAGER = mark_safe('loading="eager" fetchpriority="high"')
LOADING_LAZY = mark_safe('loading="lazy"')


@register.simple_tag
def picture(image, sizes="100vw", crop="full", lead=False, img_class="", max_width=None):
    """{% picture image sizes="(min-width: 46rem) 44rem, 100vw" crop="16:9" lead=True %}

    sizes: how wide the picture is shown, as in <img sizes>; the browser picks the width.
    crop: "full" (the master's own shape), "3:2", "16:9" or "1:1", around the focal point.
    lead: the page's most important picture, loaded first instead of lazily.
    img_class: the <img>'s class. max_width: leave larger widths out of the srcset.

    Built with format_html rather than an included template: a page of cards has twenty of
    them, and a sub-template per picture was a quarter of a list page's rendering time.
    """
    if renditions.has_renditions(image):
        key = (
            image.pk, image.file.name, image.width, image.height, image.focal_x, image.focal_y,
            image.alt_text, sizes, crop, lead, img_class, max_width,
            get_script_prefix(), get_urlconf(),  # what the addresses depend on
        )
        markup = MADE.get(key)
        if markup is None:
            if len(MADE) >= MADE_MAX:
                MADE.clear()
            markup = MADE[key] = rendition_picture(image, sizes, crop, lead, img_class, max_width)
        return markup
    if image and image.file:
        # Not kept: a storage's address may be signed and expire (S3 query-string auth).
        size = ""
        if image.width:
            size = format_html(' width="{}" height="{}"', image.width, image.height)
        return format_html(
            '<img{} src="{}" alt="{}"{} {} decoding="async">',
            img_attribute(img_class), image.file.url, image.alt_text, size, loading(lead),
        )
    return ""


def rendition_picture(image, sizes, crop, lead, img_class, max_width):
    found = renditions.picture(image, crop, max_width)
    sources = format_html_join(
        "",
        '<source type="{}" srcset="{}" sizes="{}">',
        ((mime_type, srcset, sizes) for mime_type, srcset in found.sources),
    )
    return format_html(
        '<picture>{}<img{} src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" '
        '{} decoding="async"></picture>',
        sources, img_attribute(img_class), found.src, found.srcset, sizes, found.width,
        found.height, image.alt_text, loading(lead),
    )


def img_attribute(img_class):
    return format_html(' class="{}"', img_class) if img_class else ""


def loading(lead):
    return LOADING_EAGER if lead else LOADING_LAZY


@receiver(setting_changed)
def forget_pictures(setting, **kwargs):
    """Tests that swap the URLconf or the script name get pictures of their own."""
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        MADE.clear()


@register.simple_tag
def rendition_url(image, crop="full", width=renditions.FALLBACK_WIDTH):
    """One address in the fallback format, for places that take a single picture (a video's
    poster): the largest width up to `width`."""
    return renditions.single_url(image, crop, width)
