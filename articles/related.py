"""SQL for an article's related articles: its translations, and the articles sharing its tags.

Raw SQL on purpose. Django can take "the newest N items of each tag" only as a window
function, which numbers every item of every tag before keeping N, so its cost grows with a
tag's age; one `LIMIT` per tag reads N entries of the (tag, type, object) index backwards and
stops. Nor can a queryset join a subquery, which is how the candidates bring their shared-tag
count along. The statement is plain SQL that SQLite and PostgreSQL run alike; which articles
may be shown is not decided here: ArticleQuerySet.related() passes in its own conditions
(live(), compiled by Django). The tag ids are parameters: the article page has them already
(it shows them). Every value may be a Slot of a prepared query (prepared.py): the article
page builds this SQL once per number of tags.
"""

from django.db import connection

from .prepared import raw_param

# Related articles are picked among the newest this many articles of each of an article's tags,
RELATED_PER_TAG = 50
# and of those, among this many sharing the most tags. Both bounds count drafts and scheduled
# stories too (the tag index knows nothing of status): a tag whose newest 50 are all unpublished
# offers no related story until some are published.
RELATED_POOL = 50
# An article's first this many tags (by id) pick its related articles: each is one part of a
# compound SELECT, of which SQLite allows 500, and one index read.
RELATED_TAGS = 30
# What the article page reads of each related article (the rest is deferred).
RELATED_COLUMNS = (
    "id", "headline", "slug", "section_id", "language", "status", "published_at",
    "translation_of_id",
)


def related_statement(where, pk, root, tag_ids, content_type, limit):
    """(sql, params): the related articles of an article, as ArticleQuerySet.related() runs them.

    where: (sql, params) of the conditions the articles must meet, on the articles table under
    its own name (live(), compiled). The rows: the article's translation family (its original
    first) and the articles sharing the most of its tags, ranked by how many they share, then
    newest first; each with the article's RELATED_COLUMNS, shared_tags, in_family (2 the
    original, 1 another translation, 0 the rest) and section_name.

    The candidates are a table joined to the articles: their shared-tag count comes with
    them, counted once in the pool (best_tagged). An `IN (…)` list with a correlated count
    per candidate cost 0.39 ms of SQL where this costs 0.21 (2,000 articles, SQLite).
    """
    from .models import Article, Section

    quote = connection.ops.quote_name
    articles, sections = quote(Article._meta.db_table), quote(Section._meta.db_table)
    column = lambda table, name: f"{table}.{quote(name)}"  # noqa: E731
    article_id, original_id = column(articles, "id"), column(articles, "translation_of_id")
    article_section, section_id = column(articles, "section_id"), column(sections, "id")
    family = (
        f"SELECT {article_id} AS id, 0 AS shared FROM {articles}"
        f" WHERE {article_id} = %s OR {original_id} = %s"
    )
    family_params = [raw_param(root), raw_param(root)]
    if tag_ids:
        pool, pool_params = best_tagged(tag_ids, pk, content_type)
        candidates = (
            f"SELECT id, MAX(shared) AS shared FROM (SELECT * FROM ({pool}) AS pool"
            f" UNION ALL {family}) AS tagged_or_family GROUP BY id"
        )
        candidates_params = pool_params + family_params
    else:
        candidates, candidates_params = family, family_params
    where_sql, where_params = where
    selected = ", ".join(column(articles, name) for name in RELATED_COLUMNS)
    sql = (
        f"SELECT {selected}, candidates.shared AS shared_tags,"
        f" CASE WHEN {article_id} = %s THEN 2 WHEN {article_id} = %s OR {original_id} = %s"
        f" THEN 1 ELSE 0 END AS in_family,"
        f" {column(sections, 'name')} AS section_name"
        f" FROM ({candidates}) AS candidates"
        f" INNER JOIN {articles} ON {article_id} = candidates.id"
        f" LEFT OUTER JOIN {sections} ON {section_id} = {article_section}"
        f" WHERE ({where_sql}) AND {article_id} <> %s"
        f" ORDER BY in_family DESC, shared_tags DESC, {column(articles, 'published_at')} DESC"
        f" LIMIT {int(limit) + 6}"  # room for the family, whose members come first
    )
    params = [raw_param(root)] * 3 + candidates_params + list(where_params) + [raw_param(pk)]
    return sql, params


def best_tagged(tag_ids, article_pk, content_type):
    """(sql, params): (id, shared) of the RELATED_POOL other articles sharing the most of these
    tags, among the newest RELATED_PER_TAG of each tag (newest first among equals); `shared`
    counts the tags whose newest they are among.

    Ranked from taggit's index alone: only this pool's article rows are read afterwards, for
    the live check. Reading the rows of every candidate was most of the query's time, as
    their status and date sit after the body in the table (SQLite follows its overflow pages).
    """
    table = _tagged_items()
    arm = (
        f"SELECT object_id FROM (SELECT object_id FROM {table}"
        " WHERE tag_id = %s AND content_type_id = %s AND object_id <> %s"
        f" ORDER BY object_id DESC LIMIT {RELATED_PER_TAG}) AS newest_{{n}}"
    )
    arms = " UNION ALL ".join(arm.format(n=n) for n in range(len(tag_ids)))
    sql = (
        f"SELECT object_id AS id, COUNT(*) AS shared FROM ({arms}) AS tagged"
        f" GROUP BY object_id ORDER BY shared DESC, id DESC LIMIT {RELATED_POOL}"
    )
    params = [
        raw_param(value) for tag_id in tag_ids for value in (tag_id, content_type, article_pk)
    ]
    return sql, params


def _tagged_items():
    from taggit.models import TaggedItem  # taggit's models import this app's models

    return connection.ops.quote_name(TaggedItem._meta.db_table)
