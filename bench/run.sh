#!/usr/bin/env bash
# bench/run.sh -- page-view benchmark of the newsroom, with its two floors, in one run.
#
#   bash bench/run.sh                       # or: make bench
#   ARTICLES=5000 BENCH_DATABASES=sqlite bash bench/run.sh
#
# For each database (SQLite with the local-memory cache; PostgreSQL with Redis): migrate and
# seed a benchmark database of its own (bench/seed.py, once; later runs reuse it), count SQL
# queries per view (bench/queries.py), then serve the site with gunicorn (gunicorn.conf.py,
# GUNICORN_WORKERS sync workers) and load it with wrk (bench/load.sh): cold = page cache off
# (bench/cold_settings.py), warm = page cache on. Paths: article (100 rotated, and one),
# home, section, tag, search, RSS feed. Same run: the floors (a minimal WSGI app returning the
# article page's bytes under the same gunicorn settings; nginx serving that file) and, if
# built, the Wagtail peer (../shared/bench-peers/peer_wagtail/setup.sh). bench/report.py
# writes bench/RESULTS.md.
#
# Knobs: BENCH_ROOT (/tmp/newsroom-bench: databases, media, raw results), ARTICLES (20000),
# BENCH_DATABASES ("sqlite postgres"), BENCH_WORKERS (2), PEER_ROOT (/tmp/bench-wagtail,
# "" to skip), RESULTS_FILE (bench/RESULTS.md), WRK_DURATION (10s), WRK_WARMUP (2s),
# WRK_THREADS (2), WRK_CONNS (16), BENCH_CONN_MAX_AGE (60: how long a worker keeps its SQLite
# connection, ours and the peer's alike; 0 opens one per request).
# Everything listens on 127.0.0.1; every server is started and stopped by its PID.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
BENCH_ROOT="${BENCH_ROOT:-/tmp/newsroom-bench}"
ARTICLES="${ARTICLES:-20000}"
BENCH_DATABASES="${BENCH_DATABASES:-sqlite postgres}"
PEER_ROOT="${PEER_ROOT-/tmp/bench-wagtail}"
BENCH_CONN_MAX_AGE="${BENCH_CONN_MAX_AGE:-60}"
PG_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/newsroom_bench}"
REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/9}"
PORT_APP=18000 PORT_FIXED=18001 PORT_PEER=18002 PORT_NGINX=18080
export WRK_DURATION="${WRK_DURATION:-10s}" WRK_WARMUP="${WRK_WARMUP:-2s}"
export WRK_THREADS="${WRK_THREADS:-2}" WRK_CONNS="${WRK_CONNS:-16}"
PY="$ROOT/.venv/bin/python"
GUNICORN="$ROOT/.venv/bin/gunicorn"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN_DIR="$BENCH_ROOT/results/$STAMP"
export LOAD_TSV="$RUN_DIR/rows.tsv" LOAD_RAW_DIR="$RUN_DIR/raw"
mkdir -p "$RUN_DIR"

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
[ -x "$GUNICORN" ] || { echo "run 'make setup' first (no $GUNICORN)" >&2; exit 1; }

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null || ! command -v curl >/dev/null; then
    log "installing wrk, nginx-light and curl from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light curl >/dev/null
fi
if [[ " $BENCH_DATABASES " == *" postgres "* ]]; then
    pg_isready -q -h 127.0.0.1 -p 5432 || {
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
        for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || {
        redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
        sleep 1; }
fi

STARTED_PIDS=()
stop_pid() {  # TERM one server we started, wait up to 20 s, then KILL
    local pid=$1 sig=${2:-TERM} i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -"$sig" "$pid" 2>/dev/null || true
    for i in $(seq 1 200); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() { local pid; for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid"; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_http() {  # wait_http URL -- until it answers 200 (60 s max)
    local i code=000
    for i in $(seq 1 600); do
        code=$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$1" || true)
        [ "$code" = "200" ] && return 0
        sleep 0.1
    done
    log "no 200 from $1 (last: $code)"; return 1
}

# The site's environment: production settings over plain http on loopback, hashed static
# files, no access log (it would cost as much as a cached page), workers never recycled.
BASE_ENV=(
    SECRET_KEY=bench-only-secret-key-not-for-production DEBUG=false HTTPS=false
    ALLOWED_HOSTS=127.0.0.1 STATIC_HASHED=true STATIC_ROOT="$BENCH_ROOT/static"
    SERVE_MEDIA=false LOG_LEVEL=WARNING
    GUNICORN_WORKERS="${BENCH_WORKERS:-2}" GUNICORN_THREADS=1 GUNICORN_ACCESS_LOG=
    GUNICORN_LOG_LEVEL=warning GUNICORN_MAX_REQUESTS=0
)
db_env() {  # db_env sqlite|postgres -- the variables that pick the database and cache
    case $1 in
        sqlite) echo "DATABASE_URL=sqlite:///$BENCH_ROOT/sqlite/db.sqlite3 CACHE_URL=locmemcache://bench MEDIA_ROOT=$BENCH_ROOT/sqlite/media CONN_MAX_AGE=$BENCH_CONN_MAX_AGE" ;;
        postgres) echo "DATABASE_URL=$PG_URL CACHE_URL=$REDIS_URL MEDIA_ROOT=$BENCH_ROOT/postgres/media CONN_MAX_AGE=60" ;;
    esac
}
site() {  # site DB SETTINGS COMMAND... -- run a command with the site's environment
    local db=$1 settings=$2; shift 2
    # shellcheck disable=SC2046
    (cd "$ROOT" && env "${BASE_ENV[@]}" $(db_env "$db") DJANGO_SETTINGS_MODULE="$settings" "$@")
}
start_server() {  # start_server PORT LOGFILE COMMAND... ; sets SERVER_PID
    local port=$1 logfile=$2; shift 2
    port_free "$port" || { log "port $port busy"; return 1; }
    "$@" >"$logfile" 2>&1 &
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
}

{
    echo "date_utc=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpus=$(nproc)"
    echo "cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
    echo "ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "os=$(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r)"
    echo "versions=$("$PY" -c 'import django, gunicorn, platform, sqlite3, psycopg, redis; print(f"Python {platform.python_version()}, Django {django.get_version()}, gunicorn {gunicorn.__version__}, SQLite {sqlite3.sqlite_version}, psycopg {psycopg.__version__}, redis-py {redis.__version__}")')"
    echo "servers=$(psql -h 127.0.0.1 -U postgres -tAc 'SHOW server_version' 2>/dev/null | sed 's/^/PostgreSQL /' | cut -d' ' -f1-2), Redis $(redis-cli -h 127.0.0.1 info server 2>/dev/null | sed -n 's/^redis_version:\(.*\)\r$/\1/p'), $(wrk --version 2>&1 | head -n1 | cut -d' ' -f1-2), $(nginx -v 2>&1 | sed 's/.*: //')"
    echo "recipe=wrk -t$WRK_THREADS -c$WRK_CONNS -d$WRK_DURATION --timeout 10s after a $WRK_WARMUP warm-up, per path; gunicorn ${BENCH_WORKERS:-2} sync workers (gunicorn.conf.py); SQLite connections kept ${BENCH_CONN_MAX_AGE} s (CONN_MAX_AGE, ours and the peer's)"
    echo "articles=$ARTICLES"
    echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$RUN_DIR/meta.txt"

log "results in $RUN_DIR"
site sqlite newsroom.settings "$PY" manage.py collectstatic --noinput --verbosity 0

PEER_BUILT=false
if [ -n "$PEER_ROOT" ] && [ -r "$PEER_ROOT/paths/article_one.txt" ]; then
    PEER_BUILT=true
    PP="$PEER_ROOT/paths"
    # The peer keeps its SQLite connection exactly as long as ours does (its harness knob).
    PEER_ENV=(BENCH_DATA_DIR="$PEER_ROOT/data" DJANGO_SETTINGS_MODULE=newsbench.settings
              BENCH_CONN_MAX_AGE="$BENCH_CONN_MAX_AGE")
    PEER_PATHS=("@$PP/article_rotate.txt" "$(head -n1 "$PP/article_one.txt")" "$(cat "$PP/index.txt")" "$(cat "$PP/tag_one.txt")")
fi
measure_peer() {  # measure_peer LABEL -- the Wagtail peer's cold pages under the same load
    log "peer: Wagtail from $PEER_ROOT, same workers ($1)"
    # --config /dev/null: gunicorn would otherwise read our ./gunicorn.conf.py.
    start_server "$PORT_PEER" "$RUN_DIR/gunicorn-peer.log" \
        env "${PEER_ENV[@]}" "$PEER_ROOT/bin/gunicorn" --config /dev/null --chdir "$PEER_ROOT/site" \
        --bind "127.0.0.1:$PORT_PEER" --log-level warning -w "${BENCH_WORKERS:-2}" -k sync \
        newsbench.wsgi:application
    peer_pid=$SERVER_PID
    wait_http "http://127.0.0.1:$PORT_PEER${PEER_PATHS[1]}"
    LOAD_LABEL="$1" "$HERE/load.sh" "http://127.0.0.1:$PORT_PEER" "${PEER_PATHS[@]}" | tee -a "$RUN_DIR/summary.md"
    stop_pid "$peer_pid"
}
# The peer is measured twice, before our pages and after the floors, and compared at its
# faster: the machine's speed drifts within a run too (by 20 % in some runs).
if $PEER_BUILT; then measure_peer "wagtail cold first"; fi

PAGE_HTML="$RUN_DIR/page.html"
FEED_BODY="$RUN_DIR/feed.xml"  # the floor for the feed returns a feed's size
for db in $BENCH_DATABASES; do
    P="$BENCH_ROOT/$db/paths"
    if [ "$db" = postgres ]; then
        psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '${PG_URL##*/}'" | grep -q 1 \
            || createdb -h 127.0.0.1 -U postgres "${PG_URL##*/}"
    fi
    mkdir -p "$BENCH_ROOT/$db"
    log "[$db] migrate and seed ($ARTICLES articles; skipped when already seeded)"
    site "$db" newsroom.settings "$PY" manage.py migrate --noinput --verbosity 0
    site "$db" newsroom.settings "$PY" "$HERE/seed.py" --articles "$ARTICLES" --paths-dir "$P" \
        | tee "$RUN_DIR/seed-$db.log" >&2
    echo "${db}_articles=$(site "$db" newsroom.settings "$PY" -c 'import django; django.setup(); from articles.models import Article; print(Article.objects.live().count())' 2>/dev/null)" >> "$RUN_DIR/meta.txt" || true

    ONE="$(head -n1 "$P/article_one.txt")"
    # Search last: on a large archive without a stored search vector it can tie up every
    # worker until gunicorn's timeout, which must not spill into the other paths' figures.
    PATHS=("@$P/article_rotate.txt" "$ONE" "$(cat "$P/home.txt")" "$(cat "$P/section.txt")"
           "$(cat "$P/tag.txt")" "$(cat "$P/feed.txt")" "$(cat "$P/search.txt")")

    log "[$db] SQL queries per view"
    for mode in cold warm; do
        settings=$([ $mode = cold ] && echo bench.cold_settings || echo newsroom.settings)
        site "$db" "$settings" "$PY" "$HERE/queries.py" --settings "$settings" --pythonpath "$ROOT" \
            --limit 10 --repeat 2 --json "$RUN_DIR/queries-$db-$mode.json" "${PATHS[@]}" \
            > "$RUN_DIR/queries-$db-$mode.txt"
    done

    for mode in cold warm; do
        settings=$([ $mode = cold ] && echo bench.cold_settings || echo newsroom.settings)
        [ "$db" = postgres ] && redis-cli -h 127.0.0.1 -n "${REDIS_URL##*/}" flushdb >/dev/null
        log "[$db] $mode: gunicorn on :$PORT_APP"
        # shellcheck disable=SC2046
        start_server "$PORT_APP" "$RUN_DIR/gunicorn-$db-$mode.log" \
            env "${BASE_ENV[@]}" $(db_env "$db") DJANGO_SETTINGS_MODULE="$settings" \
            "$GUNICORN" --chdir "$ROOT" --config "$ROOT/gunicorn.conf.py" --bind "127.0.0.1:$PORT_APP"
        app_pid=$SERVER_PID
        wait_http "http://127.0.0.1:$PORT_APP$ONE"
        [ -s "$PAGE_HTML" ] || curl -s -o "$PAGE_HTML" "http://127.0.0.1:$PORT_APP$ONE"
        [ -s "$FEED_BODY" ] || curl -s -o "$FEED_BODY" "http://127.0.0.1:$PORT_APP$(cat "$P/feed.txt")"
        if [ $mode = warm ]; then
            # Fill the cache of every worker (local memory is per process) with every path;
            # a page that cannot render within gunicorn's timeout is tried once only.
            for path in $(cat "$P/article_rotate.txt") "${PATHS[@]:1}"; do
                for _ in 1 2 3 4 5 6 7 8; do
                    curl -s -o /dev/null --max-time 40 "http://127.0.0.1:$PORT_APP$path" || break
                done
            done
        fi
        if [ $mode = cold ]; then
            # Service time without queueing: one connection per worker.
            LOAD_LABEL="$db $mode c2" WRK_CONNS=2 WRK_THREADS=2 \
                "$HERE/load.sh" "http://127.0.0.1:$PORT_APP" "@$P/article_rotate.txt" "$ONE" | tee -a "$RUN_DIR/summary.md"
        fi
        LOAD_LABEL="$db $mode" "$HERE/load.sh" "http://127.0.0.1:$PORT_APP" "${PATHS[@]}" | tee -a "$RUN_DIR/summary.md"
        stop_pid "$app_pid"
    done
done

start_floor() {  # start_floor BODY_FILE LOGFILE -- the minimal WSGI app returning that body
    start_server "$PORT_FIXED" "$2" \
        env "${BASE_ENV[@]}" BODY_FILE="$1" "$GUNICORN" --config "$ROOT/gunicorn.conf.py" \
        --chdir "$HERE/baseline" --bind "127.0.0.1:$PORT_FIXED" fixed_wsgi:application
    fixed_pid=$SERVER_PID
    wait_http "http://127.0.0.1:$PORT_FIXED/"
}

log "floor: minimal WSGI app, same gunicorn settings, the article page's $(stat -c %s "$PAGE_HTML") bytes"
start_floor "$PAGE_HTML" "$RUN_DIR/gunicorn-fixed.log"
LOAD_LABEL="floor fixed-wsgi" "$HERE/load.sh" "http://127.0.0.1:$PORT_FIXED" / | tee -a "$RUN_DIR/summary.md"
LOAD_LABEL="floor fixed-wsgi c2" LOAD_NO_HEADER=1 WRK_CONNS=2 "$HERE/load.sh" "http://127.0.0.1:$PORT_FIXED" / | tee -a "$RUN_DIR/summary.md"
stop_pid "$fixed_pid"

log "floor: the same app returning the RSS feed's $(stat -c %s "$FEED_BODY") bytes"
start_floor "$FEED_BODY" "$RUN_DIR/gunicorn-fixed-feed.log"
LOAD_LABEL="floor fixed-wsgi feed" LOAD_NO_HEADER=1 "$HERE/load.sh" "http://127.0.0.1:$PORT_FIXED" / | tee -a "$RUN_DIR/summary.md"
stop_pid "$fixed_pid"

log "floor: nginx serving the same file"
NGINX_PREFIX="$BENCH_ROOT/nginx"
rm -rf "$NGINX_PREFIX"; mkdir -p "$NGINX_PREFIX/www" "$NGINX_PREFIX/tmp"
chmod 755 "$NGINX_PREFIX" "$NGINX_PREFIX/www"
install -m 644 "$PAGE_HTML" "$NGINX_PREFIX/www/page.html"
sed -e "s|@PREFIX@|$NGINX_PREFIX|g" -e "s|@PORT@|$PORT_NGINX|g" "$HERE/baseline/nginx.conf.template" \
    > "$NGINX_PREFIX/nginx.conf"
port_free "$PORT_NGINX" || { log "port $PORT_NGINX busy"; exit 1; }
nginx -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf" -e "$NGINX_PREFIX/error.log" &
nginx_pid=$!
STARTED_PIDS+=("$nginx_pid")
wait_http "http://127.0.0.1:$PORT_NGINX/"
LOAD_LABEL="floor nginx" "$HERE/load.sh" "http://127.0.0.1:$PORT_NGINX" / | tee -a "$RUN_DIR/summary.md"
stop_pid "$nginx_pid" QUIT

if $PEER_BUILT; then
    measure_peer "wagtail cold"
    env "${PEER_ENV[@]}" "$PEER_ROOT/bin/python" "$HERE/queries.py" --settings newsbench.settings \
        --pythonpath "$PEER_ROOT/site" --limit 10 --json "$RUN_DIR/queries-wagtail-cold.json" \
        "${PEER_PATHS[@]}" > "$RUN_DIR/queries-wagtail-cold.txt"
    echo "peer=$("$PEER_ROOT/bin/python" -c 'import wagtail, django; print(f"Wagtail {wagtail.__version__} on Django {django.get_version()}")'), $(grep -cv '^\s*$' "$PP/article_rotate.txt") rotated article URLs" >> "$RUN_DIR/meta.txt"
fi

echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$RUN_DIR/meta.txt"
RESULTS_FILE="${RESULTS_FILE:-$HERE/RESULTS.md}"
"$PY" "$HERE/report.py" "$RUN_DIR" > "$RESULTS_FILE"
log "wrote $RESULTS_FILE (raw data: $RUN_DIR)"
