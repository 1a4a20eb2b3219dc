"""SQL for picking an article's related articles: candidates by shared tags, and their count.

Raw SQL on purpose. Django can take "the newest N items of each tag" only as a window
function, which numbers every item of every tag before keeping N, so its cost grows with a
tag's age; one `LIMIT` per tag reads N entries of the (tag, type, object) index backwards and
stops. Both statements are plain SQL that SQLite and PostgreSQL run alike, and both take the
tag ids as parameters: the article page has them already (it shows them), which also keeps
Django from compiling a nested subquery per request. Every value may be a Slot of a prepared
query (prepared.py): the article page compiles this SQL once per number of tags.
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


def best_tagged(tag_ids, article_pk, content_type):
    """(sql, params): ids of the RELATED_POOL other articles sharing the most of these tags,
    among the newest RELATED_PER_TAG of each tag (newest first among equals).

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
        f"SELECT object_id FROM ({arms}) AS tagged GROUP BY object_id"
        f" ORDER BY COUNT(*) DESC, object_id DESC LIMIT {RELATED_POOL}"
    )
    params = [
        raw_param(value) for tag_id in tag_ids for value in (tag_id, content_type, article_pk)
    ]
    return sql, params


def either(*statements):
    """(sql, params): the rows of any of these (sql, params) statements of one column."""
    sql = " UNION ".join(
        f"SELECT * FROM ({statement}) AS part_{n}" for n, (statement, _) in enumerate(statements)
    )
    return sql, [value for _, params in statements for value in params]


def shared_tag_count(tag_ids, content_type):
    """(sql, params): how many of these tags the article of the outer query carries.

    The outer query must select from the articles table under its own name, as a top-level
    query does; Django aliases it (U0, …) only inside subqueries.
    """
    from .models import Article

    table = _tagged_items()
    quote = connection.ops.quote_name
    outer = f"{quote(Article._meta.db_table)}.{quote(Article._meta.pk.column)}"
    placeholders = ", ".join(["%s"] * len(tag_ids))
    sql = (
        f"SELECT COUNT(*) FROM {table} WHERE content_type_id = %s"
        f" AND object_id = {outer} AND tag_id IN ({placeholders})"
    )
    return sql, [raw_param(value) for value in (content_type, *tag_ids)]


def _tagged_items():
    from taggit.models import TaggedItem  # taggit's models import this app's models

    return connection.ops.quote_name(TaggedItem._meta.db_table)
