"""A stored, GIN-indexed full-text search vector per article, on PostgreSQL only.

A generated column: PostgreSQL recomputes it on every insert and update, whatever writes the
row (the desk, imports, QuerySet.update(), raw SQL), so it needs no job and no signal. No model
field describes it (see articles/search.py); other databases keep their word search.
"""

from django.db import migrations

from articles.search import add_search_vector_sql, drop_search_vector_sql


def run_on_postgresql(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("articles", "Article")._meta.db_table)
        for statement in statements(table):
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_import_keys"),
    ]

    operations = [
        migrations.RunPython(
            run_on_postgresql(add_search_vector_sql), run_on_postgresql(drop_search_vector_sql)
        ),
    ]
