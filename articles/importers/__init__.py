"""Importers: one module per input format, each parsing a file into neutral records.

A parser never touches the database, file storage or the network: `parse(path)` yields
`records.ArticleRecord`, `SkippedItem` and `RefusedItem` objects, and raises
`records.ImportFileError` for a file it cannot read at all. The shared import step
sanitises, validates and upserts what the parsers yield; `detect.detect_format()` names
the parser when the operator gives no format.
"""

from . import feeds, jsonfmt, ninjs, wxr

PARSERS = {"wxr": wxr.parse, "rss": feeds.parse, "atom": feeds.parse, "ninjs": ninjs.parse,
           "json": jsonfmt.parse}
