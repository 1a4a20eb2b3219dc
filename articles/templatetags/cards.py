"""Cards: one article in a list, as a reader scans it.

    {% card article heading_level=3 top=True lead=forloop.first eager=forloop.first %}

heading_level: 2 (default), or 3 under a section heading; lead: the lead story's large
picture; top: a top story's 16:9 picture (else a 3:2 thumbnail); eager: the first picture on
the page. Text in another language than the page's carries its own lang, so that screen
readers pick the right voice.

Built in Python rather than an included template, as {% picture %} is: a list page has up
to 25 cards, and the template took 450 µs a card, over half of a cold home page.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext

from ..dates import iso_datetime, reader_datetime
from ..markup import markup
from .pictures import picture

register = template.Library()

SIZES_LEAD = "(min-width: 46rem) 44rem, calc(100vw - 2rem)"
SIZES_TOP = "(min-width: 46rem) 22rem, calc(100vw - 2rem)"


@register.simple_tag
def card(article, heading_level=2, lead=False, top=False, eager=False):
    lang = ""
    if article.language != get_language():
        lang = markup(' lang="{}"', article.language)
    kicker = teaser = ""
    if article.kicker:
        kicker = markup('<p class="kicker"{}>{}</p>\n    ', lang, article.kicker)
    if article.teaser:
        teaser = markup('<p class="teaser"{}>{}</p>\n    ', lang, article.teaser)
    return markup(
        '<article class="card{}">\n  <div class="card-text">\n    {}'
        '<h{} class="card-headline"{}><a href="{}">{}</a></h{}>\n    {}'
        '<p class="meta">\n      {}{}{}\n      <span class="reading-time">{}</span>\n    </p>\n'
        "  </div>\n  {}\n</article>",
        " card-lead" if lead else "",
        kicker,
        heading_level, lang, article.get_absolute_url(), article.headline, heading_level,
        teaser,
        section_link(article.section),
        byline(article.byline_authors()),
        published(article.published_at),
        ngettext("%(minutes)s min. read", "%(minutes)s min. read", article.reading_time)
        % {"minutes": article.reading_time},
        card_picture(article.lead_image, lead=lead, top=top, eager=eager),
    )


def section_link(section):
    if section is None:
        return ""
    return markup(
        '<a class="card-section" href="{}">{}</a>\n      ', section.get_absolute_url(), section.name
    )


def byline(authors):
    """By Ada, Ben and Cleo."""
    if not authors:
        return ""
    names = [author.name for author in authors]
    if len(names) == 1:
        return markup('<span class="card-byline">{} {}</span>\n      ', gettext("By"), names[0])
    return markup(
        '<span class="card-byline">{} {} {} {}</span>\n      ',
        gettext("By"),
        SafeString(", ".join(escape(name) for name in names[:-1])),
        gettext("and"),
        names[-1],
    )


def published(when):
    # As the template filter |date would: in the reader's time zone, in the locale's format.
    if when is None:
        return ""
    return markup('<time datetime="{}">{}</time>', iso_datetime(when), reader_datetime(when))


def card_picture(image, *, lead, top, eager):
    if image is None:
        return ""
    if lead:
        return picture(image, crop="16:9", sizes=SIZES_LEAD, lead=eager, img_class="card-image")
    if top:
        return picture(image, crop="16:9", sizes=SIZES_TOP, lead=eager, img_class="card-image")
    return picture(
        image, crop="3:2", sizes="8rem", max_width=800, lead=eager, img_class="card-image"
    )
