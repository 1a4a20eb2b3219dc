"""WordPress's stored post content turned into plain HTML.

WordPress keeps posts the way the editor typed them and finishes them only on display:
block-editor comments, shortcodes, bare URLs that become embeds, and blank lines that
`wpautop` turns into paragraphs. `convert()` does the part of that work a newsroom needs:

- block-editor comments (`<!-- wp:paragraph -->`) and `<!--more-->` markers go;
- `[caption]…[/caption]` becomes `<figure>` with the image and a `<figcaption>` holding the
  caption and, when the shortcode names one, the credit in parentheses;
- `[embed]`, `[video]`, `[youtube]`, `[vimeo]`, block-editor video and embed figures and a
  YouTube or Vimeo address alone on its line become `VideoRecord`s and leave the body;
  other embeds (tweets, Instagram, WordPress.tv) stay as plain links, reported in the notes;
- `[sourcecode]`/`[code]` become `<pre><code>`;
- other shortcodes are removed, their enclosed text kept, and reported in the notes. A bracket
  counts as a shortcode when its name is a known one, it has `key=value` attributes or a
  closing tag, so prose such as "[simple boat]" or "[top]" stays;
- classic (pre-block) content gets paragraphs: blank lines separate `<p>`s and single line
  breaks become `<br>`, as wpautop does; block content already has its paragraphs.

The result is raw HTML: the shared sanitiser decides afterwards which tags survive.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape, unescape
from urllib.parse import urlsplit

from .fields import video_from_url
from .records import VideoRecord

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
_PAGE_MARKER = re.compile(r"<!--\s*(?:more|nextpage|noteaser)\b.*?-->", re.DOTALL)
_BLOCK_EMBED = re.compile(
    r"<figure\b[^>]*\bwp-block-embed\b[^>]*>\s*<div\b[^>]*>\s*(\S+?)\s*</div>"
    r"(?:\s*<figcaption\b[^>]*>(.*?)</figcaption>)?\s*</figure>",
    re.DOTALL,
)
_BLOCK_VIDEO = re.compile(
    r"<figure\b[^>]*\bwp-block-video\b[^>]*>\s*<video\b[^>]*?\bsrc=\"([^\"]+)\"[^>]*>.*?</video>"
    r"(?:\s*<figcaption\b[^>]*>(.*?)</figcaption>)?\s*</figure>",
    re.DOTALL,
)
_SHORTCODE_NAME = re.compile(r"\[\[?([A-Za-z][\w-]*)(?![\w-])([^\]]*)\]")
_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)"""
    r"""|"([^"]*)"|'([^']*)'|(\S+)"""
)
_CAPTION_MEDIA = re.compile(
    r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL | re.IGNORECASE
)
# Kept whole by the paragraph pass: code keeps its line breaks, figures their structure.
_ATOMIC = re.compile(r"<(pre|figure)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.MULTILINE)

_CAPTION_CODES = frozenset({"caption", "wp_caption"})
_VIDEO_CODES = frozenset({"embed", "video", "youtube", "vimeo"})
_CODE_CODES = frozenset({"sourcecode", "code"})
# Names that are shortcodes even when written bare, like "[gallery]": WordPress core's and
# the most common plugins'. They are removed and reported.
_OTHER_KNOWN_CODES = frozenset(
    {"gallery", "playlist", "audio", "contact-form", "contact-field", "googlemaps", "tweet",
     "twitter", "instagram", "soundcloud", "slideshow", "polldaddy", "archives", "sitemap"}
)  # fmt: skip
_KNOWN_CODES = _OTHER_KNOWN_CODES | _CAPTION_CODES | _VIDEO_CODES | _CODE_CODES
_VIDEO_FILE_KEYS = ("src", "mp4", "m4v", "webm", "ogv", "mov", "flv", "wmv")

_BLOCK_TAGS = (
    r"(?:address|article|aside|blockquote|caption|col|colgroup|dd|details|div|dl|dt|fieldset"
    r"|figcaption|figure|footer|form|h[1-6]|header|hgroup|hr|li|main|menu|nav|ol|p|pre"
    r"|section|summary|table|tbody|td|tfoot|th|thead|tr|ul|audio|video|iframe|object|script"
    r"|style|math|svg)"
)
_OPENING_BLOCK = re.compile(rf"(<{_BLOCK_TAGS}\b[^>]*>)", re.IGNORECASE)
_CLOSING_BLOCK = re.compile(rf"(</{_BLOCK_TAGS}\s*>|<hr\b[^>]*>)", re.IGNORECASE)
_STARTS_WITH_BLOCK = re.compile(rf"^</?{_BLOCK_TAGS}\b", re.IGNORECASE)
_LEADING_CONTAINER = re.compile(
    r"^((?:\s*<(?:blockquote|div|section|article|aside|header|footer|main|nav|details)\b[^>]*>)+)",
    re.IGNORECASE,
)
_TRAILING_CLOSERS = re.compile(rf"((?:\s*</{_BLOCK_TAGS}\s*>)+)\s*$", re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|<br>)*</p>\s*")


@dataclass
class Converted:
    html: str
    videos: list[VideoRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Conversion:
    def __init__(self):
        self.videos = []
        self.removed = Counter()
        self.linked_hosts = []

    def add_video(self, url, title=""):
        video = video_from_url(url, title=title)
        if video and all(known.url != video.url for known in self.videos):
            self.videos.append(video)
        return video

    def link(self, url):
        host = urlsplit(url).hostname or url
        if host not in self.linked_hosts:
            self.linked_hosts.append(host)
        href = escape(url)
        return f'\n\n<p><a href="{href}">{href}</a></p>\n\n'

    def notes(self):
        notes = [f"kept the {host} embed as a plain link" for host in self.linked_hosts]
        for name, count in self.removed.items():
            times = f" ({count}×)" if count > 1 else ""
            notes.append(f"removed unknown shortcode [{name}]{times}")
        return notes


def convert(content):
    """Turn a post's `content:encoded` into HTML, videos and notes on what changed."""
    text = (content or "").replace("\r\n", "\n").replace("\r", "\n")
    has_blocks = bool(_BLOCK_COMMENT.search(text))
    text = _PAGE_MARKER.sub("", _BLOCK_COMMENT.sub("", text))
    work = _Conversion()
    text = _BLOCK_VIDEO.sub(lambda m: _block_video(work, m), text)
    text = _BLOCK_EMBED.sub(lambda m: _block_embed(work, m), text)
    text = _shortcodes(work, text)

    kept = []

    def protect(match):
        kept.append(match[0])
        return f"\n\n\x00{len(kept) - 1}\x00\n\n"

    text = _ATOMIC.sub(protect, text)
    text = _URL_LINE.sub(lambda m: _bare_url(work, m[1]), text)
    if not has_blocks:
        text = _autop(text)
    text = re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m[1])], text)
    text = _EMPTY_PARAGRAPH.sub("", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return Converted(html=text, videos=work.videos, notes=work.notes())


def _block_video(work, match):
    work.add_video(unescape(match[1]), title=_plain(match[2]))
    return "\n\n"


def _block_embed(work, match):
    url = unescape(match[1])
    if work.add_video(url, title=_plain(match[2])):
        return "\n\n"
    return work.link(url) if url.startswith(("http://", "https://")) else match[0]


def _bare_url(work, url):
    url = unescape(url)
    if work.add_video(url):
        return ""
    return work.link(url).strip("\n")


def _plain(html):
    return " ".join(re.sub(r"<[^>]+>", " ", unescape(html or "")).split())


def _shortcode_names(text):
    """The bracketed names in `text` that are shortcodes rather than prose."""
    names = set()
    for match in _SHORTCODE_NAME.finditer(text):
        name, attributes = match[1], match[2]
        if name in _KNOWN_CODES or "=" in attributes or f"[/{name}]" in text:
            names.add(name)
    return names


def _shortcodes(work, text):
    names = _shortcode_names(text)
    if not names:
        return text
    alternatives = "|".join(sorted((re.escape(name) for name in names), key=len, reverse=True))
    # The shape of WordPress's get_shortcode_regex(): [[escaped]], [name attrs /],
    # [name attrs] and [name attrs]content[/name].
    pattern = re.compile(
        r"\[(\[?)(" + alternatives + r")(?![\w-])([^\]/]*(?:/(?!\])[^\]/]*)*?)"
        r"(?:(/)\]|\](?:(.*?)\[/\2\])?)(\]?)",
        re.DOTALL,
    )
    return pattern.sub(lambda match: _shortcode(work, match), text)


def _shortcode(work, match):
    if match[1] == "[" and match[6] == "]":
        return match[0][1:-1]  # [[gallery]] is how WordPress writes a literal "[gallery]"
    name, content = match[2], match[5]
    named, positional = _attributes(match[3])
    if name in _CAPTION_CODES:
        return _caption(named, _shortcodes(work, content or ""))
    if name in _CODE_CODES:
        code = escape(unescape((content or "").strip("\n")), quote=False)
        return f"\n\n<pre><code>{code}</code></pre>\n\n"
    if name in _VIDEO_CODES:
        url = _video_address(name, named, positional, content)
        if url and work.add_video(url):
            return "\n\n"
        if url and name == "embed":
            return work.link(url)
    work.removed[name] += 1
    return _shortcodes(work, content) if content else ""


def _attributes(text):
    text = text.strip()
    if text.startswith("="):  # Jetpack's legacy form: [youtube=https://…]
        text = text[1:]
    named, positional = {}, []
    for match in _ATTRIBUTE.finditer(text):
        if match[1] or match[3] or match[5]:
            key = (match[1] or match[3] or match[5]).lower()
            named[key] = match[2] if match[1] else match[4] if match[3] else match[6]
        else:
            positional.append(next(value for value in match.groups()[6:] if value is not None))
    return named, positional


def _video_address(name, named, positional, content):
    if name == "embed":
        return unescape((content or "").strip()) or named.get("src")
    if name == "video":
        return next((named[key] for key in _VIDEO_FILE_KEYS if named.get(key)), None)
    value = named.get("url") or named.get("id") or (positional[0] if positional else "")
    value = unescape(value.strip())
    if name == "vimeo" and value.isdigit():
        return f"https://vimeo.com/{value}"
    if name == "youtube" and re.fullmatch(r"[A-Za-z0-9_-]{11}", value):
        return f"https://www.youtube.com/watch?v={value}"
    return value or None


def _caption(named, content):
    media = _CAPTION_MEDIA.match(content)
    image, text = (media[1], media[2]) if media else ("", content)
    caption = (named.get("caption") or text).strip()
    credit = (named.get("credit") or "").strip()
    if credit:
        caption = f"{caption} ({escape(credit, quote=False)})" if caption else escape(credit)
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"\n\n<figure>{image.strip()}{figcaption}</figure>\n\n"


def _autop(text):
    """Paragraphs from blank lines and <br> from single line breaks, around block elements."""
    text = _OPENING_BLOCK.sub(r"\n\n\1", text)
    text = _CLOSING_BLOCK.sub(r"\1\n\n", text)
    paragraphs = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if chunk.startswith("\x00") or (
            _STARTS_WITH_BLOCK.match(chunk) and not _LEADING_CONTAINER.match(chunk)
        ):
            paragraphs.append(chunk)
            continue
        opening = _LEADING_CONTAINER.match(chunk)
        head = opening[1].strip() if opening else ""
        chunk = chunk[opening.end() :] if opening else chunk
        closing = _TRAILING_CLOSERS.search(chunk)
        tail = closing[1].strip() if closing else ""
        chunk = chunk[: closing.start()].strip() if closing else chunk
        if chunk and not _STARTS_WITH_BLOCK.match(chunk):
            chunk = "<p>" + re.sub(r"[ \t]*\n[ \t]*", "<br>\n", chunk) + "</p>"
        paragraphs.append(head + chunk + tail)
    return "\n".join(paragraphs)
