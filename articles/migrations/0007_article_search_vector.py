"""A stored, GIN-indexed full-text search vector per article, on PostgreSQL only.

A generated column: PostgreSQL recomputes it on every insert and update, whatever writes the
row (the desk, imports, QuerySet.update(), raw SQL), so it needs no job and no signal. No model
field describes it (see articles/search.py); other databases keep their word search.

The SQL is frozen here as articles.search.add_search_vector_sql() wrote it when this migration
was made, so that later changes to that module cannot change what this migration does;
tests/test_search.py fails when the module and the column drift apart (a new migration running
drop_search_vector_sql() then add_search_vector_sql() brings the column up to date).
"""

from django.db import migrations

ADD_SEARCH_VECTOR = [
    'ALTER TABLE "articles_article" ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (CASE language WHEN \'en\' THEN setweight(to_tsvector(\'english\'::regconfig, headline), \'A\') || setweight(to_tsvector(\'english\'::regconfig, teaser), \'B\') || setweight(to_tsvector(\'english\'::regconfig, regexp_replace(body, \'<(?:[^>"\'\']|"[^"]*"|\'\'[^\'\']*\'\')*>\', \' \', \'g\')), \'C\') WHEN \'de\' THEN setweight(to_tsvector(\'german\'::regconfig, headline), \'A\') || setweight(to_tsvector(\'german\'::regconfig, teaser), \'B\') || setweight(to_tsvector(\'german\'::regconfig, regexp_replace(body, \'<(?:[^>"\'\']|"[^"]*"|\'\'[^\'\']*\'\')*>\', \' \', \'g\')), \'C\') ELSE setweight(to_tsvector(\'simple\'::regconfig, headline), \'A\') || setweight(to_tsvector(\'simple\'::regconfig, teaser), \'B\') || setweight(to_tsvector(\'simple\'::regconfig, regexp_replace(body, \'<(?:[^>"\'\']|"[^"]*"|\'\'[^\'\']*\'\')*>\', \' \', \'g\')), \'C\') END) STORED',
    'CREATE INDEX article_search_idx ON "articles_article" USING GIN (search_vector)',
]
DROP_SEARCH_VECTOR = [
    'ALTER TABLE "articles_article" DROP COLUMN IF EXISTS search_vector',
]


def run_on_postgresql(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_import_keys"),
    ]

    operations = [
        migrations.RunPython(
            run_on_postgresql(ADD_SEARCH_VECTOR), run_on_postgresql(DROP_SEARCH_VECTOR)
        ),
    ]
