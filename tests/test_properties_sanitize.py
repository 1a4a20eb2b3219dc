"""Property: whatever HTML goes into clean_html, only the allowlist comes out.

Hypothesis builds hostile fragments (scripts, styles, frames, SVG and MathML, event handlers,
javascript:/vbscript:/data: addresses hidden behind entities, case and whitespace, comments,
CDATA, unclosed and mis-nested tags). The output is read back by Python's HTML tokenizer,
which decodes entities as a browser does, and checked against the sanitiser's own allowlist.
"""

import re
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from articles.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    MAX_DEPTH,
    clean_html,
)

NASTY_TAGS = [
    "script", "style", "iframe", "object", "embed", "svg", "math", "img", "form", "input",
    "button", "base", "link", "meta", "template", "noscript", "textarea", "title", "xmp",
    "plaintext", "noembed", "frameset", "video", "audio", "source", "details", "select",
    "animate", "set", "foreignObject", "mglyph", "annotation-xml", "div", "span",
]
TAGS = sorted(ALLOWED_TAGS) + NASTY_TAGS
ATTRIBUTES = [
    "href", "src", "title", "hreflang", "style", "class", "id", "onclick", "onerror",
    "ONLOAD", "onmouseover", "formaction", "action", "xlink:href", "srcdoc", "data", "start",
    "colspan", "background", "poster", "rel", "target", "lang",
]
SCHEMES = [
    "javascript:", "JaVaScRiPt:", "vbscript:", "data:text/html;base64,PHNjcmlwdD4=",
    "data:image/svg+xml,<svg onload=alert(1)>", "java\tscript:", "java&#x09;script:",
    "&#106;avascript:", "&#x6A;&#x61;vascript:", " \x01javascript:", "jav&#x0A;ascript:",
    "javascript&colon;", "https://example.org/", "http://example.org/a?b=c#d", "mailto:a@b.c",
    "tel:+491234", "/relative", "#anchor", "ftp://example.org/", "file:///etc/passwd",
    "//evil.example/",
]
TEXT = st.sampled_from([
    "text", "alert(1)", "&lt;script&gt;", "&amp;", "<", ">", "\"", "'", "&#0;", "\x00",
    "<!-- comment -->", "<!--", "-->", "<![CDATA[<script>alert(1)</script>]]>", "</p>",
    "<script>alert(1)</script>", "<svg><script>alert(1)</script>", "<?php ?>", "&",
    "<a href=javascript:alert(1)>x", "<img src=x onerror=alert(1)",
])
QUOTES = st.sampled_from(['"', "'", ""])


@st.composite
def attribute(draw):
    name = draw(st.sampled_from(ATTRIBUTES))
    value = draw(st.one_of(st.sampled_from(SCHEMES).map(lambda s: s + "alert(1)"),
                           st.sampled_from(["alert(1)", "1", "color:red", "x"])))
    quote = draw(QUOTES)
    if not quote:
        value = re.sub(r"[\s\"'=<>`]", "", value) or "x"
    return f" {name}={quote}{value}{quote}"


def element(children):
    @st.composite
    def build(draw):
        tag = draw(st.sampled_from(TAGS))
        if draw(st.booleans()):
            tag = tag.upper()
        attributes = "".join(draw(st.lists(attribute(), max_size=3)))
        inner = "".join(draw(st.lists(children, max_size=3)))
        closing = draw(st.sampled_from([f"</{tag}>", "", f"</{tag} >", "</p>"]))
        return f"<{tag}{attributes}>{inner}{closing}"

    return build()


HTML = st.recursive(TEXT | st.text(max_size=5), element, max_leaves=12)
FRAGMENTS = st.lists(HTML, min_size=1, max_size=5).map("".join)


class Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, {attribute: value})
        self.comments = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.comments.append(data)

    def unknown_decl(self, data):
        self.comments.append(data)


def parsed(html):
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector


def url_scheme(value):
    """The scheme a browser would see: tabs and newlines removed, control characters and
    spaces trimmed, as the URL standard does."""
    cleaned = re.sub(r"[\t\n\r]", "", value).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08"
                                                   "\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15"
                                                   "\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", cleaned)
    return match.group(1).lower() if match else None


def assert_only_the_allowlist(html):
    result = parsed(html)
    assert not result.comments, html
    for tag, attributes in result.elements:
        assert tag in ALLOWED_TAGS, (tag, html)
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, set())
        if tag == "a":
            allowed = allowed | {"rel"}  # added by the sanitiser: noopener noreferrer
        for name, value in attributes.items():
            assert name in allowed, (tag, name, html)
            assert not name.startswith("on"), (tag, name, html)
            if name == "href":
                scheme = url_scheme(value or "")
                assert scheme is None or scheme in ALLOWED_URL_SCHEMES, (value, html)


@given(FRAGMENTS)
def test_clean_html_lets_only_the_allowlist_through(html):
    assert_only_the_allowlist(clean_html(html))


@given(FRAGMENTS)
def test_clean_html_is_idempotent(html):
    once = clean_html(html)
    assert clean_html(once) == once


@given(st.text(max_size=300))
def test_clean_html_survives_any_text(text):
    assert_only_the_allowlist(clean_html(text))


def test_the_oracle_sees_what_it_must_refuse():
    """The checks above could pass vacuously if the oracle were blind: show it is not."""
    for dirty in [
        "<script>x</script>", '<p onclick="x">a</p>', '<a href="java&#x09;script:x">a</a>',
        '<a href=" vbscript:x">a</a>', "<!-- c -->", "<svg></svg>", '<p style="x">a</p>',
    ]:
        try:
            assert_only_the_allowlist(dirty)
        except AssertionError:
            continue
        raise AssertionError(f"the oracle let {dirty!r} through")


def depth(html):
    """The deepest nesting of elements in sanitised HTML (void elements do not nest)."""
    deepest = level = 0
    for match in re.finditer(r"<(/?)([a-z0-9]+)", html):
        if match.group(2) in ("br", "hr"):
            continue
        level += -1 if match.group(1) else 1
        deepest = max(deepest, level)
    return deepest


@given(
    st.lists(st.sampled_from(["div", "blockquote", "ul", "li", "b", "em", "table", "td", "p",
                              "span", "a", "strong", "h2", "pre"]), min_size=1, max_size=8),
    st.integers(min_value=MAX_DEPTH - 5, max_value=3000),
    st.booleans(),
)
def test_deep_nesting_is_capped_and_cleaning_stays_idempotent(tags, levels, closed):
    opening = "".join(f"<{tags[level % len(tags)]}>" for level in range(levels))
    closing = "".join(f"</{tags[level % len(tags)]}>" for level in reversed(range(levels)))
    cleaned = clean_html(opening + "deep" + (closing if closed else ""))
    assert "deep" in cleaned
    assert depth(cleaned) <= MAX_DEPTH + 2  # html5 may wrap a level or two (tbody, tr)
    assert clean_html(cleaned) == cleaned
    assert_only_the_allowlist(cleaned)
