"""The one HTML allowlist. Bodies, captions and imported HTML all pass through clean_html()."""

import html
import re
from collections import Counter

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup", "code",
    "blockquote", "ul", "ol", "li", "a", "hr", "figure", "figcaption", "pre", "table",
    "thead", "tbody", "tr", "th", "td", "caption",
}
ALLOWED_ATTRIBUTES = {
    # On every tag (nh3 allows these two by default; named here so the list is complete).
    "*": {"lang", "title"},
    "a": {"href", "title", "hreflang"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    # Tags whose content must vanish with them, not be kept as text.
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript"},
    link_rel="noopener noreferrer",
    strip_comments=True,
)


# Far deeper than any real article. html5ever (inside nh3) builds trees in time quadratic in
# their depth (50,000 nested <div> took minutes), and browsers flatten beyond 512 levels.
MAX_DEPTH = 200
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "source", "track", "wbr"}
# A new one of these closes an open one of its kind right above it (<p>one<p>two).
SIBLING_TAGS = {"p", "li", "dt", "dd", "tr", "td", "th", "option"}
RAW_TAG = re.compile(
    r"""<!--.*?(?:-->|\Z)|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)(?:[^>"']|"[^"]*"|'[^']*')*>""",
    re.DOTALL,
)


def clean_html(html: str) -> str:
    """Return `html` reduced to the allowlist: no scripts, event handlers or javascript: URLs."""
    if not html:
        return ""
    cleaned = _cleaner.clean(limit_nesting(html))
    # Clean again until nothing changes, so that what we store reads back as the same tree:
    # parsing can add levels (a table gains its <tbody>), and mis-nested input (<a> inside
    # <a>, from the adoption agency) can serialise to HTML that parses differently.
    for _attempt in range(3):
        again = _cleaner.clean(limit_nesting(cleaned))
        if again == cleaned:
            break
        cleaned = again
    cleaned = cleaned.strip()
    # The rich-text editor submits a lone empty paragraph for an empty body.
    return "" if cleaned in ("<p></p>", "<p><br></p>") else cleaned


def limit_nesting(html_text: str) -> str:
    """Drop the start and end tags of elements nested deeper than MAX_DEPTH; keep the text.

    One pass over the tags with a simple model of HTML's nesting; only the depth is at stake,
    since nh3 has the last word on what comes out.
    """
    if html_text.count("<") <= MAX_DEPTH:
        return html_text
    parts, last = [], 0
    open_tags, dropped = [], Counter()
    for match in RAW_TAG.finditer(html_text):
        closing, name = match.group(1), (match.group(2) or "").lower()
        if not name or name in VOID_TAGS or match.group(0).endswith("/>"):
            continue
        if closing:
            keep = not dropped[name]
            if keep and name in open_tags:
                while open_tags.pop() != name:
                    pass
            elif not keep:
                dropped[name] -= 1
        else:
            if name in SIBLING_TAGS and open_tags and open_tags[-1] == name:
                open_tags.pop()
            keep = len(open_tags) < MAX_DEPTH
            if keep:
                open_tags.append(name)
            else:
                dropped[name] += 1
        if not keep:
            parts.append(html_text[last:match.start()])
            last = match.end()
    parts.append(html_text[last:])
    return "".join(parts)


# A tag of sanitised HTML: quoted attribute values may hold ">". One linear pass, where
# html.parser (and Django's strip_tags, built on it) takes seconds on 100,000 tags.
TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")


def text_of(html_text: str, separator: str = " ") -> str:
    """The readable text of sanitised HTML, tags replaced by `separator`, entities decoded."""
    return html.unescape(TAG.sub(separator, html_text or ""))
