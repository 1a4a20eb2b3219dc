from django import template

from articles.printing import print_edition as build_print_edition

register = template.Library()


@register.simple_tag(takes_context=True)
def print_edition(context, article):
    """`{% print_edition article as edition %}`: the URL header, dates and numbered links."""
    url = context["request"].build_absolute_uri(article.get_absolute_url())
    return build_print_edition(article, url)
