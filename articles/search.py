"""Reader search over headline, teaser and body.

PostgreSQL matches and ranks against a stored, GIN-indexed `search_vector` column that the
database itself keeps current (a generated column, migration 0007), each article stemmed in
its own language. Other databases get a plain fallback in which every word must appear.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import Case, Expression, Q, When

from .sanitize import TAG

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10

# Article.language → PostgreSQL text search configuration; any other language: FALLBACK_CONFIG.
# The stored vector is generated from this mapping: after changing it, add a migration that
# runs drop_search_vector_sql() then add_search_vector_sql() (a test checks they agree).
# PostgreSQL also refuses to change the type of a column the vector reads (headline, teaser,
# body, language): such a migration must drop the vector first and add it back afterwards.
SEARCH_CONFIGS = {"en": "english", "de": "german"}
FALLBACK_CONFIG = "simple"

SEARCH_VECTOR_COLUMN = "search_vector"
SEARCH_INDEX = "article_search_idx"
# The body is HTML; its tags (as the sanitiser knows them, quoted ">" in attributes included)
# become spaces so that "one</p><p>two" stays two words.
HTML_TAG_PATTERN = TAG.pattern


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


# PostgreSQL: the stored vector.


def document_sql(config):
    """The weighted document of one article row in one text search configuration."""
    tag_pattern = HTML_TAG_PATTERN.replace("'", "''")  # as an SQL string literal
    return (
        f"setweight(to_tsvector('{config}'::regconfig, headline), 'A') || "
        f"setweight(to_tsvector('{config}'::regconfig, teaser), 'B') || "
        f"setweight(to_tsvector('{config}'::regconfig, "
        f"regexp_replace(body, '{tag_pattern}', ' ', 'g')), 'C')"
    )


def stored_vector_sql():
    """The generated column's expression: each row's document in its language's config.

    A CASE with one branch per configuration, each naming its configuration as a constant:
    a generated column may only use immutable expressions, and to_tsvector is immutable only
    when told its configuration (without one it reads the session's default_text_search_config).
    """
    branches = " ".join(
        f"WHEN '{code}' THEN {document_sql(config)}" for code, config in SEARCH_CONFIGS.items()
    )
    return f"CASE language {branches} ELSE {document_sql(FALLBACK_CONFIG)} END"


def add_search_vector_sql(table):
    return [
        f"ALTER TABLE {table} ADD COLUMN {SEARCH_VECTOR_COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({stored_vector_sql()}) STORED",
        f"CREATE INDEX {SEARCH_INDEX} ON {table} USING GIN ({SEARCH_VECTOR_COLUMN})",
    ]


def drop_search_vector_sql(table):
    # Dropping the column drops its index too.
    return [f"ALTER TABLE {table} DROP COLUMN IF EXISTS {SEARCH_VECTOR_COLUMN}"]


class StoredSearchVector(Expression):
    """The article's stored search vector.

    No model field knows the column, so Django never selects it (it is large) nor writes it
    (PostgreSQL refuses writes to a generated column); queries name it through this.
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name(SEARCH_VECTOR_COLUMN)}", []


def configs_by_language():
    """(condition on Article.language, text search configuration) for every configuration."""
    codes_by_config = {}
    for code, config in SEARCH_CONFIGS.items():
        codes_by_config.setdefault(config, []).append(code)
    pairs = [(Q(language__in=codes), config) for config, codes in codes_by_config.items()]
    return [*pairs, (~Q(language__in=list(SEARCH_CONFIGS)), FALLBACK_CONFIG)]


def full_text_search(queryset, query):
    """Matches of `query` parsed in each article's own configuration, best first, then newest.

    One condition per configuration (language and vector), so that each can use the GIN index.
    """
    matches, ranks = Q(), []
    for language, config in configs_by_language():
        # websearch syntax accepts anything a reader types: quotes, "or", "-word", stray & | !.
        parsed = SearchQuery(query, search_type="websearch", config=config)
        matches |= language & Q(document=parsed)
        ranks.append(When(language, then=SearchRank(StoredSearchVector(), parsed)))
    return (
        queryset.alias(document=StoredSearchVector())
        .filter(matches)
        .annotate(rank=Case(*ranks))
        .order_by("-rank", "-published_at", "-id")
    )


# Other databases.


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
