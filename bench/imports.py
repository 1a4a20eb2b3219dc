"""How fast import_articles takes a WordPress export, and whether its memory stays flat.

    python bench/imports.py [1000 10000]

Generates a WXR of the largest size asked (10,000 posts by default) and imports its first N
posts for each N into a fresh temporary SQLite database (a copy of one migrated database),
each in its own Python process, and prints the time, items per second, the process's peak
resident memory and how much of it the import added, and SQL queries per item, next to a
floor: the same number of rows written with bulk_create, without parsing, sanitising,
workflow or revisions, and how many times slower than that floor the import is. Memory is
read from the kernel (peak RSS), not traced: tracemalloc slows ORM-heavy code several times
over and would distort the timing. Your settings and data are not touched.
"""

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_wxr(path, posts):
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>'
            "<link>https://big.example.org</link>"
            "<wp:author><wp:author_login>ed</wp:author_login>"
            "<wp:author_display_name>Ed Itor</wp:author_display_name></wp:author>\n"
        )
        for n in range(1, posts + 1):
            out.write(
                f"<item><title>Post {n}</title><dc:creator>ed</dc:creator>"
                f"<guid>https://big.example.org/?p={n}</guid><content:encoded><![CDATA[Paragraph "
                f"one of post {n}, with <em>some</em> markup.\n\nParagraph two, a little longer "
                "than the first one, as real posts are.]]></content:encoded>"
                f"<wp:post_id>{n}</wp:post_id><wp:post_date_gmt>2020-01-01 10:00:00"
                "</wp:post_date_gmt><wp:status>publish</wp:status><wp:post_type>post"
                f'</wp:post_type><category domain="category">Section {n % 10}</category>'
                f'<category domain="post_tag">tag{n % 50}</category></item>\n'
            )
        out.write("</channel></rss>\n")


def resident_mb():
    """The process's resident memory now, from /proc (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def measure(kind, path, posts):
    """Runs in the child process, with Django set up on a fresh copy of a migrated database."""
    import django

    django.setup()
    from django.db import connection

    from articles.importers import wxr
    from articles.importing import import_records
    from articles.models import Article, Section

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    connection.ensure_connection()
    before = resident_mb()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        if kind == "import":
            summary = import_records(wxr.parse(path), limit=posts)
            assert summary.created == posts, summary.line()
        else:
            section = Section.objects.create(name="News", slug="news")
            Article.objects.bulk_create(
                (Article(headline=f"Post {n}", slug=f"post-{n}", body="<p>Paragraph</p>",
                         section=section, source="wxr:big.example.org", external_id=str(n))
                 for n in range(posts)),
                batch_size=500,
            )
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # KB on Linux
    return {"seconds": elapsed, "peak": peak, "growth": max(peak - before, 0),
            "queries": queries}


def child():
    if sys.argv[2] == "migrate":
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        return
    kind, path, posts = sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    print(json.dumps(measure(kind, path, posts)))


def run_child(folder, database, *args):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "bench-only",
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(folder / "media"),
    }
    result = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, args)],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return result.stdout


def main(sizes):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        export = folder / "export.xml"
        write_wxr(export, max(sizes))
        migrated = folder / "migrated.sqlite3"
        run_child(folder, migrated, "migrate")
        print(f"WXR of {max(sizes):,} posts: {export.stat().st_size / 1e6:.1f} MB")
        print(
            f"{'posts':>7} {'what':<12} {'seconds':>8} {'items/s':>8} {'peak MB':>8} "
            f"{'+MB':>6} {'queries/item':>12} {'x floor':>8}"
        )
        for posts in sizes:
            floor = None
            for kind in ("bulk_create", "import"):
                database = folder / f"{kind}-{posts}.sqlite3"
                shutil.copyfile(migrated, database)
                output = run_child(folder, database, kind, export, posts)
                figures = json.loads(output.strip().splitlines()[-1])
                floor = floor or figures["seconds"]
                print(
                    f"{posts:>7,} {kind:<12} {figures['seconds']:>8.2f} "
                    f"{posts / figures['seconds']:>8.0f} {figures['peak']:>8.1f} "
                    f"{figures['growth']:>6.1f} {figures['queries'] / posts:>12.2f} "
                    f"{figures['seconds'] / floor:>8.0f}",
                    flush=True,
                )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT))
        child()
    else:
        main([int(arg) for arg in sys.argv[1:]] or [1000, 10000])
