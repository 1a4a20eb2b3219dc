"""{% translate %} for a plain message, worked out once per language.

Load it after i18n: `{% load i18n remembered_i18n %}`. It is the same tag (makemessages finds
it as ever), but a quoted message without `as`, `context`, `noop` or filters is translated once
per language and kept on its node; any other use is Django's own TranslateNode, unchanged.
Catalogs change only with a new release, which starts new processes. On a cold article page
its twenty-one `{% translate %}` were about a twelfth of the render.
"""

from django import template
from django.templatetags import i18n
from django.utils.translation import get_language

register = template.Library()


class RememberedTranslateNode(i18n.TranslateNode):
    def render(self, context):
        key = (get_language(), context.autoescape)  # a handful: the site's languages
        try:
            return self.remembered[key]
        except KeyError:
            value = self.remembered[key] = super().render(context)
            return value


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = i18n.do_translate(parser, token)
    expression = node.filter_expression
    if (not node.noop and node.asvar is None and node.message_context is None
            and not expression.filters and expression.var.literal is not None):
        node.__class__ = RememberedTranslateNode
        node.remembered = {}
    return node
