"""Reader search over headline, teaser and body.

PostgreSQL ranks full-text matches, each article stemmed in its own language; other databases
get a plain fallback in which every word must appear somewhere. The vector is computed per
query for now: fine for a newsroom's archive, an indexed column can come later.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Case, Q, Value, When

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10

# Article.language → PostgreSQL text search configuration.
SEARCH_CONFIGS = {"en": "english", "de": "german"}
FALLBACK_CONFIG = "simple"


def clean_query(raw):
    """The reader's query, made safe to search for: no control characters, bounded, trimmed."""
    # PostgreSQL refuses NUL in any string; other control characters only mean mischief.
    text = "".join(
        " " if unicodedata.category(char).startswith("C") else char
        for char in str(raw)[: MAX_QUERY_LENGTH * 2]
    )
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def search_articles(queryset, query):
    """Narrow `queryset` (already live) to matches for `query`, best first; none if empty."""
    query = clean_query(query)
    if not query:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        return full_text_search(queryset, query)
    return words_search(queryset, query)


def article_config():
    """The text search configuration of each row, from its language."""
    return Case(
        *[When(language=code, then=Value(config)) for code, config in SEARCH_CONFIGS.items()],
        default=Value(FALLBACK_CONFIG),
    )


def full_text_search(queryset, query):
    config = article_config()
    vector = (
        SearchVector("headline", weight="A", config=config)
        + SearchVector("teaser", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )
    # websearch syntax accepts anything a reader types: quotes, "or", "-word", stray & | !.
    search_query = SearchQuery(query, search_type="websearch", config=config)
    return (
        queryset.annotate(document=vector, rank=SearchRank(vector, search_query))
        .filter(document=search_query)
        .order_by("-rank", "-published_at", "-id")
    )


def words_search(queryset, query):
    """Every word in headline, teaser or body, case-insensitively (ASCII only on SQLite)."""
    # Punctuation is not searched for, as in full-text search: '"budget" & tax!' is two words.
    words = re.findall(r"\w+", query)[:MAX_WORDS]
    if not words:
        return queryset.none()
    terms = Q()
    for word in words:
        terms &= Q(headline__icontains=word) | Q(teaser__icontains=word) | Q(body__icontains=word)
    return queryset.filter(terms).order_by("-published_at", "-id")
