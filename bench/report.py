#!/usr/bin/env python
"""Write bench/RESULTS.md from one bench/run.sh run: python bench/report.py RUN_DIR > RESULTS.md

Every ratio compares figures of the same run: the machine is a shared VM whose speed drifts.
"""

import csv
import json
import sys
from pathlib import Path

OURS = ["article, 100 rotated", "article, one", "home", "section", "tag", "RSS feed", "search"]
PEER = ["article, 100 rotated", "article, one", "news index (latest 20)", "tag list"]
LISTS = ["home", "section", "tag"]
TARGETS = {"article_p99_ms": 50, "article_vs_peer": 2, "lists_vs_peer": 3, "warm_floor": 0.5}


def read_rows(run):
    rows = {}
    with open(run / "rows.tsv") as fh:
        for cols in csv.reader(fh, delimiter="\t"):
            label, _shown, status, size, rps, p50, p99, non2xx, sockerr, requests = cols
            names = PEER if label.startswith("wagtail") else OURS
            index = sum(1 for key in rows if key[0] == label)
            rows[(label, names[index] if index < len(names) else _shown)] = {
                # A page that never answered within the probe's time has no status or size.
                "status": status.split()[0], "bytes": int(size.split()[-1] or 0),
                "rps": float(rps), "p50": float(p50),
                "p99": float(p99), "errors": int(non2xx.split()[0]) + int(sockerr),
                "requests": int(requests),
            }
    return rows


def read_queries(run, name, pages):
    path = run / f"queries-{name}.json"
    if not path.exists():
        return {}
    found = json.loads(path.read_text())
    # The rotated articles come first (--limit 10), then one row per other page.
    rotated, rest = found[:10], found[10:]
    counts = {pages[0]: max(r["queries_steady"] for r in rotated)}
    counts |= {page: row["queries_steady"] for page, row in zip(pages[1:], rest, strict=False)}
    times = {pages[0]: sorted(r["ms_steady"] for r in rotated)[len(rotated) // 2]}
    times |= {page: row["ms_steady"] for page, row in zip(pages[1:], rest, strict=False)}
    return {"queries": counts, "ms": times}


PEER_PASSES = ["wagtail cold first", "wagtail cold"]  # before our pages, and after the floors


def best_peer_rows(rows):
    """The peer's faster pass for each page: our ratios are then the least flattering."""
    best = {}
    for page in PEER:
        passes = [rows[(label, page)] for label in PEER_PASSES if (label, page) in rows]
        best[page] = max(passes, key=lambda row: row["rps"], default=None)
    return best


def latency(row, key, digits):
    return f"{row[key]:.{digits}f}" if row["requests"] else "–"


def pct(value, floor):
    return f"{100 * value / floor:.1f} %" if floor else "–"


def times(value, base):
    return f"{value / base:.2f}×" if base else "–"


def main(run):
    meta = dict(
        line.split("=", 1) for line in (run / "meta.txt").read_text().splitlines() if "=" in line
    )
    rows = read_rows(run)
    fixed = rows.get(("floor fixed-wsgi", OURS[0]), {})
    # The feed is compared with the same app returning a feed's bytes ("a page of the same
    # size"); every other page with the article page's (runs before it had only that one).
    feed_floor = rows.get(("floor fixed-wsgi feed", OURS[0])) or fixed
    floors = {page: feed_floor if page == "RSS feed" else fixed for page in OURS}
    fixed_c2 = rows.get(("floor fixed-wsgi c2", OURS[0]), {})
    nginx = rows.get(("floor nginx", OURS[0]), {})
    out = []
    w = out.append
    w("# Newsroom page-view benchmark")
    w("")
    w(f"- **Date:** {meta.get('date_utc')}")
    w(f"- **Machine:** {meta.get('cpus')} CPUs ({meta.get('cpu_model')}), {meta.get('ram')} RAM, "
      f"{meta.get('os')}; wrk and the servers share the CPUs")
    w(f"- **Versions:** {meta.get('versions')}; {meta.get('servers')}")
    w(f"- **Recipe:** {meta.get('recipe')}; loadavg at start {meta.get('loadavg_start')}, "
      f"at end {meta.get('loadavg_end')}")
    w(f"- **Content:** {meta.get('articles')} seeded articles per database "
      f"(live: SQLite {meta.get('sqlite_articles', '–')}, PostgreSQL "
      f"{meta.get('postgres_articles', '–')}); bench/seed.py: 600–900-word bodies with links, "
      "8 sections, 30 authors, 200 tags, 12 shared lead images")
    w("- **Modes:** *cold* = page cache off (bench/cold_settings.py drops the page cache "
      "middleware): every request renders; *warm* = page cache on (SQLite run: per-process "
      "local memory; PostgreSQL run: Redis, plus each process's copies of the pages it served, "
      "kept current over Redis pub/sub), filled by the warm-up run")
    w(f"- **Floors, same run:** minimal WSGI app under the same gunicorn settings returning "
      f"the article page's {fixed.get('bytes', '?')} bytes: {fixed.get('rps', 0):,.0f} req/s, "
      f"p99 {fixed.get('p99', 0):.2f} ms (2 connections: p99 {fixed_c2.get('p99', 0):.2f} ms); "
      f"nginx serving that file: {nginx.get('rps', 0):,.0f} req/s, "
      f"p99 {nginx.get('p99', 0):.2f} ms"
      + (f"; for the RSS feed, the same app returning its {feed_floor.get('bytes', '?')} bytes: "
         f"{feed_floor.get('rps', 0):,.0f} req/s" if feed_floor is not fixed else ""))
    if meta.get("peer"):
        w(f"- **Peer, same run:** {meta['peer']}; SQLite, no page cache, 2,000 articles, "
          "same gunicorn worker count")
    w(f"- **Raw data:** `{run}`")
    w("")

    for db, title in (("sqlite", "SQLite"), ("postgres", "PostgreSQL + Redis")):
        if (f"{db} cold", OURS[0]) not in rows:
            continue
        unanswered = []
        cold_q = read_queries(run, f"{db}-cold", OURS)
        warm_q = read_queries(run, f"{db}-warm", OURS)
        w(f"## {title}")
        w("")
        w("| page | bytes | SQL cold | in-process ms | cold req/s | cold p50 | cold p99 | "
          "warm req/s | warm p50 | warm p99 | SQL warm | cold ÷ floor | warm ÷ floor | "
          "warm ÷ nginx | errors |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for page in OURS:
            cold = rows.get((f"{db} cold", page))
            warm = rows.get((f"{db} warm", page))
            if not cold or not warm:
                continue
            if not cold["requests"] or not warm["requests"]:
                unanswered.append(f"{title} {page}")
            w(f"| {page} | {max(cold['bytes'], warm['bytes']):,} | "
              f"{cold_q.get('queries', {}).get(page, '–')} | "
              f"{cold_q.get('ms', {}).get(page, 0):,.1f} | "
              f"{cold['rps']:,.1f} | {latency(cold, 'p50', 1)} | {latency(cold, 'p99', 1)} | "
              f"{warm['rps']:,.0f} | {latency(warm, 'p50', 2)} | {latency(warm, 'p99', 2)} | "
              f"{warm_q.get('queries', {}).get(page, '–')} | "
              f"{pct(cold['rps'], floors[page].get('rps'))} | "
              f"{pct(warm['rps'], floors[page].get('rps'))} | "
              f"{pct(warm['rps'], nginx.get('rps'))} | {cold['errors'] + warm['errors']} |")
        w("")
        for name in unanswered:
            w(f"- {name}: no response within the 10 s wrk timeout (gunicorn's 30 s timeout "
              "replaces the busy workers); see the in-process time")
        for page in OURS[:2]:
            c2 = rows.get((f"{db} cold c2", page))
            if c2:
                w(f"- cold {page}, 2 connections (one per worker, no queueing): "
                  f"{c2['rps']:,.1f} req/s, p50 {c2['p50']:.1f} ms, p99 {c2['p99']:.1f} ms "
                  f"({times(c2['p99'], fixed_c2.get('p99'))} the floor's p99)")
        w("")

    if meta.get("peer"):
        peer_q = read_queries(run, "wagtail-cold", PEER)
        w("## Wagtail peer (same run, cold: it has no page cache)")
        w("")
        if any(label == PEER_PASSES[0] for label, _page in rows):
            w("Measured twice, before our pages and after the floors; ratios use the faster "
              "pass.")
            w("")
        w("| page | pass | bytes | SQL | in-process ms | req/s | p50 | p99 | ÷ floor | errors |")
        w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for page in PEER:
            for label in PEER_PASSES:
                row = rows.get((label, page))
                if row:
                    w(f"| {page} | {label.removeprefix('wagtail cold').strip() or 'last'} | "
                      f"{row['bytes']:,} | {peer_q.get('queries', {}).get(page, '–')} | "
                      f"{peer_q.get('ms', {}).get(page, 0):.1f} | {row['rps']:,.1f} | "
                      f"{row['p50']:.1f} | {row['p99']:.1f} | "
                      f"{pct(row['rps'], fixed.get('rps'))} | {row['errors']} |")
        w("")

    w("## Targets")
    w("")
    sqlite = {page: rows.get(("sqlite cold", page)) for page in OURS}
    c2 = rows.get(("sqlite cold c2", OURS[0]))
    if sqlite[OURS[0]]:
        p99 = sqlite[OURS[0]]["p99"]
        w(f"- Cold article page p99 on SQLite < {TARGETS['article_p99_ms']} ms: "
          f"{p99:.1f} ms at 16 connections "
          f"({'met' if p99 < TARGETS['article_p99_ms'] else 'missed'})"
          + (f"; {c2['p99']:.1f} ms at 2 connections "
             f"({'met' if c2['p99'] < TARGETS['article_p99_ms'] else 'missed'})" if c2 else ""))
    peer = best_peer_rows(rows)
    if sqlite[OURS[0]] and peer[PEER[0]]:
        ratio = sqlite[OURS[0]]["rps"] / peer[PEER[0]]["rps"]
        w(f"- Cold article ≥ {TARGETS['article_vs_peer']}× Wagtail's req/s: {ratio:.2f}× "
          f"({'met' if ratio >= TARGETS['article_vs_peer'] else 'missed'})")
        for page in LISTS:
            if sqlite[page] and peer[PEER[2]]:
                ratio = sqlite[page]["rps"] / peer[PEER[2]]["rps"]
                w(f"- Cold {page} ≥ {TARGETS['lists_vs_peer']}× Wagtail's latest-20 list: "
                  f"{ratio:.2f}× ({'met' if ratio >= TARGETS['lists_vs_peer'] else 'missed'})")
    cold_q = read_queries(run, "sqlite-cold", OURS).get("queries", {})
    if cold_q:
        w(f"- Queries: article {cold_q.get(OURS[0])} (≤ 6), lists "
          + ", ".join(f"{page} {cold_q.get(page)}" for page in LISTS) + " (≤ 5)")
    for db in ("sqlite", "postgres"):
        warm = [rows.get((f"{db} warm", page)) for page in OURS]
        if all(warm) and fixed:
            pairs = zip(OURS, warm, strict=True)
            shares = [row["rps"] / floors[page]["rps"] for page, row in pairs]
            w(f"- Warm pages ≥ 50 % of the minimal-WSGI floor ({db}): "
              f"{100 * min(shares):.1f} % to {100 * max(shares):.1f} % "
              f"({'met' if min(shares) >= TARGETS['warm_floor'] else 'missed'})")
    w("")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
