#!/usr/bin/env python
"""Count SQL queries per page view for any Django project.

Run it with the *project's* Python (its venv), pointing at its settings:

    /tmp/bench-wagtail/bin/python queries.py \
        --settings newsbench.settings --pythonpath /tmp/bench-wagtail/site \
        /news/ '/news/?page=10' @/tmp/bench-wagtail/paths/article_rotate.txt

A PATH argument starting with '@' names a file of paths (one per line);
--limit N takes the first N of each such file.

Each path is requested --repeat times (default 3) with django.test.Client.
The first request may pay one-off costs (per-process caches, lazy imports);
the table reports the first count and the steady count (the last request).
Queries are captured on every configured database alias.

Options: --host (Host header, default 127.0.0.1), --show-sql PATH-INDEX to
dump the statements of one path, --json FILE to save the rows, --env K=V to
set environment variables before Django starts.
"""

import argparse
import json
import os
import sys
import time
from contextlib import ExitStack


def expand_paths(args_paths, limit):
    out = []
    for p in args_paths:
        if p.startswith("@"):
            with open(p[1:]) as fh:
                items = [line.strip() for line in fh if line.strip() and not line.startswith("#")]
            out.extend(items[:limit] if limit else items)
        else:
            out.append(p)
    return out


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--settings", required=True, help="DJANGO_SETTINGS_MODULE")
    ap.add_argument("--pythonpath", action="append", default=[],
                    help="prepend to sys.path (repeatable)")
    ap.add_argument("--env", action="append", default=[],
                    help="K=V set before django.setup() (repeatable)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0, help="max paths taken from each @file")
    ap.add_argument("--show-sql", type=int, action="append", default=[], metavar="N",
                    help="print the SQL of the steady request of path number N (1-based)")
    ap.add_argument("--json", help="write results as JSON to this file")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()

    for kv in args.env:
        k, _, v = kv.partition("=")
        os.environ[k] = v
    for p in reversed(args.pythonpath):
        sys.path.insert(0, os.path.abspath(p))
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings

    import django

    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, args.host.split(":")[0]]

    paths = expand_paths(args.paths, args.limit)
    client = Client(HTTP_HOST=args.host)
    rows = []
    for n, path in enumerate(paths, 1):
        counts, times = [], []
        last_sql = []
        status = size = None
        for _ in range(max(1, args.repeat)):
            with ExitStack() as stack:
                ctxs = [
                    stack.enter_context(CaptureQueriesContext(connections[a])) for a in connections
                ]
                t = time.perf_counter()
                resp = client.get(path)
                body = b"".join(resp) if getattr(resp, "streaming", False) else resp.content
                times.append((time.perf_counter() - t) * 1000)
            counts.append(sum(len(c.captured_queries) for c in ctxs))
            last_sql = [(c.connection.alias, q["sql"]) for c in ctxs for q in c.captured_queries]
            status, size = resp.status_code, len(body)
        row = {
            "path": path, "status": status, "bytes": size,
            "queries_first": counts[0], "queries_steady": counts[-1],
            "ms_first": round(times[0], 2), "ms_steady": round(times[-1], 2),
        }
        rows.append(row)
        if n in args.show_sql:
            print(f"--- SQL for {path} (steady request, {len(last_sql)} queries)")
            for alias, sql in last_sql:
                print(f"[{alias}] {sql}")

    w = max([len(r["path"]) for r in rows] + [4])
    print(f"{'path':<{w}}  status   bytes  q_first  q_steady  ms_first  ms_steady")
    for r in rows:
        print(f"{r['path']:<{w}}  {r['status']:>6}  {r['bytes']:>6}  {r['queries_first']:>7}  "
              f"{r['queries_steady']:>8}  {r['ms_first']:>8.1f}  {r['ms_steady']:>9.1f}")
    if len(rows) > 1:
        steady = [r["queries_steady"] for r in rows]
        print(f"steady queries over {len(rows)} paths: min {min(steady)}, max {max(steady)}, "
              f"mean {sum(steady) / len(steady):.2f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2)
    bad = [r for r in rows if not 200 <= r["status"] < 300]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
