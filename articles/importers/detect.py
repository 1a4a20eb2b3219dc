"""Guess an import file's format from its first bytes, for when the operator gives none."""

import re
from pathlib import Path

FORMATS = ("wxr", "rss", "atom", "ninjs", "json")
_HEAD_BYTES = 64 * 1024
_XML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_DECLARATION = re.compile(r"<[?!][^>]*>")  # <?xml …?>, <?xml-stylesheet …?>, <!DOCTYPE …>
_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]")
_EXPORT_MARKER = re.compile(r'"format"\s*:\s*"newsroom-export"')
_NINJS_FIELDS = re.compile(
    r'"(?:headlines?|bodies|body_\w+|versioncreated|versionCreated|firstcreated|pubstatus'
    r'|pubStatus|renditions|associations|standard)"\s*:'
)


def detect_format(path):
    """Return "wxr", "rss", "atom", "ninjs" or "json" for the file at `path`, or None."""
    with Path(path).open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    return detect_format_of(head)


def detect_format_of(head):
    """The format of a document from its first bytes (64 KB are plenty), or None."""
    text = _decode(head).lstrip()
    if text.startswith(("{", "[")):
        if _EXPORT_MARKER.search(text[:4096]):
            return "json"
        # An item's "uri" holds a string; in a JSON schema it is an object.
        if re.search(r'"uri"\s*:\s*"', text) and _NINJS_FIELDS.search(text):
            return "ninjs"
        return None
    if not text.startswith("<"):
        return None
    markup = _XML_COMMENT.sub("", text)
    root = _ROOT.search(_DECLARATION.sub("", markup))
    name = root[1].lower() if root else ""
    if name == "rss":
        wordpress = re.search(r"xmlns:wp=[\"']https?://wordpress\.org/export/", markup)
        return "wxr" if wordpress or "<wp:wxr_version>" in markup else "rss"
    if name == "rdf":
        return "rss"  # RSS 1.0
    if name == "feed":
        return "atom"
    return None


def _decode(head):
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8-sig", errors="replace")
