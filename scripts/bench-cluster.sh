#!/usr/bin/env bash
# Cluster benchmark: ingestion and recommendation throughput with 1, 2 and 3 `barista serve` nodes
# on one PostgreSQL, against the embedded SQLite store on one node, and how soon an event written
# to one node shows on another.
#
#   scripts/bench-cluster.sh
#
# ONE MACHINE: every node, PostgreSQL and every wrk share this machine's cores (2 on the CI/dev
# box). More nodes cannot add CPU here; they split the same cores and add the cost of following
# the shared log. The figures show the overhead and correctness of several nodes under load, not
# scale-out.
#
# Setup, once: Benchmarks/generate_shop.py writes a small shop (BENCH_ITEMS items, BENCH_PEOPLE
# people with BENCH_VIEWS views each, orders for ~20%). Then a throwaway PostgreSQL cluster:
# `initdb -A trust` into a temporary directory (as the `postgres` user through runuser when run
# as root), `pg_ctl start` on a free 127.0.0.1 port with its socket in that directory; fsync and
# synchronous_commit stay on (PostgreSQL's defaults), as durable as the SQLite store's
# synchronous=FULL. It is stopped and removed at exit, also on failure or Ctrl-C.
#
# Then, for each configuration, in order sqlite-1, pg-1, pg-2, pg-3 (each on a fresh store: a new
# data dir, or a new database made with createdb):
#   1. `barista sites create bench --json`, `barista import items|events` of the shop (timed),
#      `barista train` (so for_you serves a model);
#   2. N × `barista serve --no-train --host 127.0.0.1 --port P` (`--data-dir` or `--database URL`),
#      started together; wait for GET /health on each and record which node leads;
#   3. warm-up: BENCH_WARMUP s of the ingestion load;
#   4. BENCH_REPEATS times, alternating:
#        ingestion:        one `wrk -t1 -s Benchmarks/wrk/ingest.lua` per node, all at once, the
#                          16 connections split over the nodes (16 / 8+8 / 6+5+5): POST /v1/events,
#                          batches of 100 track events with unique message_ids (a random nonce per
#                          wrk process), 10,000 users shared by all nodes;
#        recommendations:  one `wrk -t1 --latency -s Benchmarks/wrk/recommendations.lua` per node,
#                          32 connections split the same way: POST /v1/recommendations, for_you
#                          (BENCH_STRATEGY) for a random person of the shop, limit 10;
#      throughput is the sum over nodes, p50 the median and p99 the max of the nodes' figures;
#   5. visibility, idle then under the ingestion load: BENCH_VIS_TRIALS times, post one event of a
#      new user to node 1 (secret key), then poll GET /v1/profiles/{user} on every other node until
#      it answers 200; the delay is from node 1's 202 to the first 200 (with one node: whether node
#      1 itself answers at once);
#   6. GET /metrics on every node (barista_profiles: a node that has not folded the log shows
#      fewer), GET /health again (one leader?), events in the database (PostgreSQL: psql count),
#      then SIGTERM to every node; warning/error lines of each node's log and PostgreSQL's
#      ERROR/FATAL lines are counted.
#
# Environment (all optional):
#   BENCH_REPEATS=3        measured repeats per configuration (medians are reported)
#   BENCH_SECONDS=10       seconds per measured wrk run (and of the under-load visibility pass)
#   BENCH_WARMUP=2         seconds of ingestion before the first measured run
#   BENCH_NODES="1 2 3"    PostgreSQL node counts to run (SQLite always runs one node)
#   BENCH_SQLITE=1         0 skips the SQLite configuration (ratios vs SQLite are then absent)
#   BENCH_INGEST_CONNECTIONS=16, BENCH_RECS_CONNECTIONS=32   total connections, split over nodes
#   BENCH_STRATEGY=for_you recommendation strategy (for_you, trending, similar)
#   BENCH_ITEMS=2000, BENCH_PEOPLE=5000, BENCH_VIEWS=10, BENCH_SEED=42   the generated shop
#   BENCH_VIS_TRIALS=5     visibility probes per pass
#   BENCH_PG_FSYNC=on      off runs PostgreSQL as the tests do (fsync and synchronous_commit off)
#   BARISTA_POSTGRES_BIN   PostgreSQL's bin directory (default: the newest /usr/lib/postgresql/*/bin)
#   BENCH_TMPDIR=/tmp      where the work directory and the PostgreSQL cluster go (not a tmpfs)
#   BARISTA_BIN=PATH       use this binary and skip `swift build`
#   BENCH_KEEP=1           keep the work directory (node logs, PostgreSQL's log, raw wrk output)
#
# Output: a table on stdout, progress on stderr, and Benchmarks/results/cluster-<UTC date>.json.
# Exit status: 0 when every measured and warm-up run had zero non-2xx and zero socket errors, each
# PostgreSQL configuration had exactly one leader before and after the load, every visibility
# probe succeeded, and every node reported the same number of profiles after the load; 1 otherwise
# (the results file is written either way); 2 when the setup failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

case "${1:-}" in
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    "") ;;
    *) echo "bench-cluster: unknown argument $1 (try --help)" >&2; exit 2 ;;
esac

REPEATS="${BENCH_REPEATS:-3}"
DURATION="${BENCH_SECONDS:-10}"
WARMUP="${BENCH_WARMUP:-2}"
PG_NODES="${BENCH_NODES:-1 2 3}"
RUN_SQLITE="${BENCH_SQLITE:-1}"
INGEST_CONNECTIONS="${BENCH_INGEST_CONNECTIONS:-16}"
RECS_CONNECTIONS="${BENCH_RECS_CONNECTIONS:-32}"
STRATEGY="${BENCH_STRATEGY:-for_you}"
ITEMS="${BENCH_ITEMS:-2000}"
PEOPLE="${BENCH_PEOPLE:-5000}"
VIEWS="${BENCH_VIEWS:-10}"
SEED="${BENCH_SEED:-42}"
VIS_TRIALS="${BENCH_VIS_TRIALS:-5}"
PG_FSYNC="${BENCH_PG_FSYNC:-on}"

log() { printf '%s\n' "bench-cluster: $*" >&2; }
now() { date +%s.%N; }
since() { python3 -c 'import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))' "$1" "$(now)"; }

# --- tools, binary, work directory -----------------------------------------------------------
BENCH_NAME=barista-bench-cluster
# shellcheck source=lib/bench-common.sh
. "$ROOT/scripts/lib/bench-common.sh"
[ "$FS_TYPE" != tmpfs ] || log "warning: $WORK is on tmpfs, where fsync costs nothing; set BENCH_TMPDIR to a disk"

# --- nodes -----------------------------------------------------------------------------------
NODE_PIDS=()
NODE_URLS=()

stop_nodes() {
    [ "${#NODE_PIDS[@]}" -gt 0 ] || return 0
    local pid
    for pid in "${NODE_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 1 300); do
        local alive=0
        for pid in "${NODE_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 1 ] || break
        sleep 0.1
    done
    for pid in "${NODE_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            log "node $pid did not stop within 30 s of SIGTERM; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    NODE_PIDS=()
    NODE_URLS=()
}

# start_nodes COUNT LOGPREFIX STORE-ARGS...: COUNT servers on free ports, started together.
start_nodes() {
    local count="$1" prefix="$2"; shift 2
    local i port
    for i in $(seq 1 "$count"); do
        port="$(free_port)"
        "$BIN" serve "$@" --host 127.0.0.1 --port "$port" --no-train >>"$prefix-node$i.log" 2>&1 &
        NODE_PIDS+=("$!")
        NODE_URLS+=("http://127.0.0.1:$port")
    done
    for i in $(seq 0 $((count - 1))); do
        wait_healthy "${NODE_URLS[$i]}" "${NODE_PIDS[$i]}" "$prefix-node$((i + 1)).log"
    done
}

# --- PostgreSQL ------------------------------------------------------------------------------
PG_DIR=""
PG_PORT=""
PG_USER=barista
if [ -n "${BARISTA_POSTGRES_BIN:-}" ]; then
    PG_BIN="$BARISTA_POSTGRES_BIN"
else
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
AS_POSTGRES=0
[ "$(id -u)" -ne 0 ] || AS_POSTGRES=1

as_pg() {
    if [ "$AS_POSTGRES" = 1 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
    [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || { log "no PostgreSQL binaries (apt-get install postgresql-15, or set BARISTA_POSTGRES_BIN)"; exit 2; }
    PG_DIR="$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/barista-bench-pg.XXXXXX")"
    chmod 700 "$PG_DIR"
    if [ "$AS_POSTGRES" = 1 ]; then
        id postgres >/dev/null 2>&1 || { log "running as root and there is no postgres user to run PostgreSQL as"; exit 2; }
        chown postgres:postgres "$PG_DIR"
    fi
    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PG_USER" -A trust -E UTF8 --locale=C --no-instructions \
        >"$WORK/initdb.log" 2>&1 || { log "initdb failed:"; tail -n 20 "$WORK/initdb.log" >&2; exit 2; }
    local durability=""
    [ "$PG_FSYNC" = on ] || durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    for _ in 1 2 3; do
        PG_PORT="$(free_port)"
        if as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
            -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=128MB $durability" \
            start >"$WORK/pg_ctl.log" 2>&1; then
            log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (fsync $PG_FSYNC), $PG_DIR"
            return 0
        fi
    done
    log "PostgreSQL did not start:"; tail -n 20 "$WORK/pg_ctl.log" "$PG_DIR/server.log" >&2 || true
    exit 2
}

pg_stop() {
    [ -n "$PG_DIR" ] || return 0
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
            || as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    cp "$PG_DIR/server.log" "$WORK/postgres.log" 2>/dev/null || true
    rm -rf "$PG_DIR"
    PG_DIR=""
}

pg_url() { echo "postgres://$PG_USER@127.0.0.1:$PG_PORT/$1?sslmode=disable"; }

cluster_cleanup() {
    stop_nodes || true
    pg_stop || true
    cleanup
}
trap cluster_cleanup EXIT

# --- measurements ----------------------------------------------------------------------------
# connections TOTAL COUNT INDEX(0-based): this node's share of TOTAL connections.
connections() { echo $(($1 / $2 + ($3 < $1 % $2 ? 1 : 0))); }

# parallel_wrk NAME TOTAL-CONNECTIONS SECONDS SCRIPT [--latency]: one wrk per node at once,
# raw output in $CDIR/NAME-<node>.txt. Returns non-zero when a wrk failed.
parallel_wrk() {
    local name="$1" total="$2" seconds="$3" script="$4"; shift 4
    local count="${#NODE_URLS[@]}" i c pids=() status=0
    for i in $(seq 0 $((count - 1))); do
        c="$(connections "$total" "$count" "$i")"
        wrk -t1 -c"$c" -d"${seconds}s" "$@" -s "$script" "${NODE_URLS[$i]}" >"$CDIR/$name-$((i + 1)).txt" 2>&1 &
        pids+=("$!")
    done
    for i in "${pids[@]}"; do wait "$i" || status=1; done
    return "$status"
}

# summary NAME KIND: one line for the progress log from the per-node BENCH_RESULT lines.
summary() {
    python3 - "$CDIR" "$1" "$2" "${#NODE_URLS[@]}" <<'PY'
import json, sys
cdir, name, kind, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
runs = []
for i in range(1, count + 1):
    lines = [l for l in open(f"{cdir}/{name}-{i}.txt") if l.startswith("BENCH_RESULT ")]
    runs.append(json.loads(lines[-1].split(" ", 1)[1]) if lines else {})
key = "events_per_second" if kind == "ingest" else "requests_per_second"
total = sum(r.get(key, 0) for r in runs)
bad = sum(r.get("non_2xx", 0) for r in runs)
sock = sum(r.get("socket_errors", 0) for r in runs)
parts = ", ".join(f"{r.get(key, 0):,.0f}" for r in runs)
print(f"{name}: {total:,.0f} {'events' if kind == 'ingest' else 'req'}/s (nodes {parts}), {bad} non-2xx, {sock} socket errors")
PY
}

# health FILE: GET /health of every node, a JSON list.
health() {
    python3 - "$@" <<'PY' >"$1"
import json, sys, urllib.request
out = []
for url in sys.argv[2:]:
    try:
        with urllib.request.urlopen(url + "/health", timeout=5) as r:
            out.append(json.load(r))
    except Exception as e:
        out.append({"error": str(e)})
print(json.dumps(out))
PY
}

# metrics FILE: barista_profiles and barista_events_accepted_total of every node, a JSON list.
metrics() {
    python3 - "$@" <<'PY' >"$1"
import json, sys, urllib.request
out = []
for url in sys.argv[2:]:
    row = {}
    try:
        with urllib.request.urlopen(url + "/metrics", timeout=10) as r:
            for line in r.read().decode().splitlines():
                if line.startswith("#"):
                    continue
                parts = line.rsplit(" ", 1)
                if len(parts) == 2 and parts[0] in ("barista_profiles", "barista_events_accepted_total",
                                                    "barista_events_duplicate_total", "barista_items"):
                    row[parts[0]] = float(parts[1])
    except Exception as e:
        row["error"] = str(e)
    out.append(row)
print(json.dumps(out))
PY
}

# visibility FILE LABEL: BENCH_VIS_TRIALS probes (see the header), a JSON object.
visibility() {
    python3 - "$1" "$2" "$VIS_TRIALS" "$SECRET_KEY" "${NODE_URLS[@]}" <<'PY'
import http.client, json, os, sys, time, urllib.parse
out_file, label, trials, key = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
urls = sys.argv[5:]
nonce = os.urandom(4).hex()
headers = {"Authorization": "Bearer " + key, "Content-Type": "application/json"}

def connect(url):
    u = urllib.parse.urlparse(url)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=10)

conns = [connect(u) for u in urls]

def call(i, method, path, body=None):
    for attempt in (0, 1):
        try:
            conns[i].request(method, path, body=body, headers=headers)
            r = conns[i].getresponse()
            r.read()
            return r.status
        except (http.client.HTTPException, OSError):
            conns[i].close()
            conns[i] = connect(urls[i])
            if attempt:
                raise

results = []
for k in range(trials):
    user = f"vis-{label}-{nonce}-{k}"
    event = {"type": "track", "event": "Product Viewed", "user_id": user, "message_id": f"{user}-m",
             "properties": {"product_id": "sku-1"}}
    t_send = time.monotonic()
    status = call(0, "POST", "/v1/events", json.dumps({"batch": [event]}))
    t_ack = time.monotonic()
    trial = {"post_status": status, "post_ms": round((t_ack - t_send) * 1e3, 2)}
    # Read-your-writes on the node written to.
    trial["same_node_status"] = call(0, "GET", f"/v1/profiles/{user}")
    pending = set(range(1, len(urls)))
    delays = {}
    polls = 0
    while pending and time.monotonic() - t_ack < 10:
        for i in sorted(pending):
            polls += 1
            if call(i, "GET", f"/v1/profiles/{user}") == 200:
                delays[f"node{i + 1}"] = round((time.monotonic() - t_ack) * 1e3, 1)
                pending.discard(i)
        if pending:
            time.sleep(0.002)
    trial["delays_ms"] = delays
    trial["timed_out"] = [f"node{i + 1}" for i in sorted(pending)]
    trial["polls"] = polls
    results.append(trial)
    time.sleep(0.25)  # spread the probes over different phases of the 100 ms follow cycle
# A node that never showed a probe within 10 s: look once more, 3 s later (late, or lost for good?).
if any(t["timed_out"] for t in results):
    time.sleep(3)
    for k, t in enumerate(results):
        user = f"vis-{label}-{nonce}-{k}"
        t["after_13_s"] = {name: call(int(name[4:]) - 1, "GET", f"/v1/profiles/{user}") for name in t["timed_out"]}
all_delays = sorted(d for t in results for d in t["delays_ms"].values())
import statistics
summary = {
    "trials": results,
    "median_ms": statistics.median(all_delays) if all_delays else None,
    "max_ms": max(all_delays) if all_delays else None,
    "timeouts": sum(len(t["timed_out"]) for t in results),
    "post_failures": sum(1 for t in results if not 200 <= t["post_status"] < 300),
    "same_node_misses": sum(1 for t in results if t["same_node_status"] != 200),
}
with open(out_file, "w") as f:
    json.dump(summary, f)
print(f"median {summary['median_ms']} ms, max {summary['max_ms']} ms, {summary['timeouts']} timeouts, "
      f"{summary['same_node_misses']} same-node misses")
PY
}

# scan_logs FILE NODELOG...: warning/error/critical lines of each node's log, counted, with samples.
scan_logs() {
    local out="$1"; shift
    python3 - "$out" "$@" <<'PY'
import json, re, sys
out, logs = sys.argv[1], sys.argv[2:]
result = []
for path in logs:
    counts, samples = {}, {}
    for line in open(path, errors="replace"):
        level = None
        try:
            obj = json.loads(line)
            level = obj.get("level")
            message = obj.get("message", "")
        except ValueError:
            m = re.search(r"\b(warning|error|critical)\b", line)
            level, message = (m.group(1), line.strip()) if m else (None, "")
        if level in ("warning", "error", "critical"):
            counts[level] = counts.get(level, 0) + 1
            key = re.sub(r"\d+", "N", message)[:160]
            if key not in samples and len(samples) < 5:
                samples[key] = line.strip()[:400]
    result.append({"log": path.rsplit("/", 1)[-1], "counts": counts, "samples": list(samples.values())})
json.dump(result, open(out, "w"))
PY
}

# --- the shop, once --------------------------------------------------------------------------
log "generating the shop: $ITEMS items, $PEOPLE people × $VIEWS views (seed $SEED), in $WORK ($FS_TYPE)"
python3 Benchmarks/generate_shop.py --items "$ITEMS" --people "$PEOPLE" --views "$VIEWS" --seed "$SEED" \
    --out "$WORK/shop" >"$WORK/generate.json"
log "  $(cat "$WORK/generate.json")"

CONFIGS=()
[ "$RUN_SQLITE" = 0 ] || CONFIGS+=("sqlite-1")
for n in $PG_NODES; do CONFIGS+=("pg-$n"); done
if [ "${#CONFIGS[@]}" -eq 0 ]; then log "nothing to run"; exit 2; fi
case " ${CONFIGS[*]} " in *" pg-"*) pg_start ;; esac

# run_step CDIR NAME CMD...: a CLI step with --json; its last stdout line to CDIR/NAME.json, wall time to CDIR/NAME.time.
run_step() {
    local name="$1"; shift
    local start; start="$(now)"
    "$@" >"$CDIR/$name.out" 2>"$CDIR/$name.err" || { log "$name failed:"; tail -n 20 "$CDIR/$name.out" "$CDIR/$name.err" >&2; exit 2; }
    since "$start" >"$CDIR/$name.time"
    tail -n 1 "$CDIR/$name.out" >"$CDIR/$name.json"
}

export BENCH_PEOPLE="$PEOPLE" BENCH_ITEMS="$ITEMS" BENCH_STRATEGY="$STRATEGY"
FAILED_WRK=0
for CONFIG in "${CONFIGS[@]}"; do
    CDIR="$WORK/$CONFIG"
    mkdir -p "$CDIR"
    COUNT="${CONFIG#*-}"
    if [ "${CONFIG%%-*}" = sqlite ]; then
        STORE=(--data-dir "$CDIR/data")
    else
        DB="bench_${CONFIG//-/_}"
        "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "$DB"
        STORE=(--database "$(pg_url "$DB")")
    fi
    log "[$CONFIG] site, import, train"
    run_step sites-create "$BIN" sites create bench "${STORE[@]}" --json
    SECRET_KEY="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["secret_key"])' "$CDIR/sites-create.json")"
    PUBLISHABLE_KEY="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["publishable_key"])' "$CDIR/sites-create.json")"
    run_step import-items "$BIN" import items "$WORK/shop/items.jsonl" --site bench --format jsonl "${STORE[@]}" --json
    run_step import-events "$BIN" import events "$WORK/shop/events.jsonl" --site bench --format jsonl "${STORE[@]}" --json
    run_step train "$BIN" train --site bench "${STORE[@]}" --json
    log "  import items $(cat "$CDIR/import-items.time") s, events $(cat "$CDIR/import-events.time") s, train $(cat "$CDIR/train.time") s"

    START="$(now)"
    start_nodes "$COUNT" "$CDIR/server" "${STORE[@]}"
    since "$START" >"$CDIR/start.time"
    health "$CDIR/health-start.json" "${NODE_URLS[@]}"
    log "  $COUNT node(s) up in $(cat "$CDIR/start.time") s: $(cat "$CDIR/health-start.json")"

    export BARISTA_KEY="$SECRET_KEY"
    parallel_wrk warmup "$INGEST_CONNECTIONS" "$WARMUP" Benchmarks/wrk/ingest.lua || FAILED_WRK=1
    for i in $(seq 1 "$REPEATS"); do
        export BARISTA_KEY="$SECRET_KEY"
        parallel_wrk "ingest-$i" "$INGEST_CONNECTIONS" "$DURATION" Benchmarks/wrk/ingest.lua || FAILED_WRK=1
        log "  $(summary "ingest-$i" ingest)"
        export BARISTA_KEY="$PUBLISHABLE_KEY"
        parallel_wrk "recs-$i" "$RECS_CONNECTIONS" "$DURATION" Benchmarks/wrk/recommendations.lua --latency || FAILED_WRK=1
        log "  $(summary "recs-$i" recs)"
    done

    sleep 1  # let every node fold the tail of the log before counting
    metrics "$CDIR/metrics.json" "${NODE_URLS[@]}"
    log "  metrics: $(cat "$CDIR/metrics.json")"
    log "  visibility, idle: $(visibility "$CDIR/visibility-idle.json" "$CONFIG-idle")"
    export BARISTA_KEY="$SECRET_KEY"
    parallel_wrk load-vis "$INGEST_CONNECTIONS" "$DURATION" Benchmarks/wrk/ingest.lua &
    LOAD_PID=$!
    sleep 1
    log "  visibility, under ingestion: $(visibility "$CDIR/visibility-load.json" "$CONFIG-load")"
    wait "$LOAD_PID" || FAILED_WRK=1
    log "  $(summary load-vis ingest)"
    health "$CDIR/health-end.json" "${NODE_URLS[@]}"
    if [ "${CONFIG%%-*}" = pg ]; then
        psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$DB" -Atc "SELECT count(*) FROM events" >"$CDIR/db-events.txt" 2>&1 || true
    else
        echo null >"$CDIR/db-events.txt"
    fi

    STOP_START="$(now)"
    stop_nodes
    since "$STOP_START" >"$CDIR/stop.time"
    scan_logs "$CDIR/logs.json" "$CDIR"/server-node*.log
    log "  stopped in $(cat "$CDIR/stop.time") s; log warnings/errors: $(python3 -c 'import json, sys; print([l["counts"] for l in json.load(open(sys.argv[1]))])' "$CDIR/logs.json")"
done
pg_stop
[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$WORK/shop"

# --- report ----------------------------------------------------------------------------------
mkdir -p Benchmarks/results
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
OUT="Benchmarks/results/cluster-$STAMP.json"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo none)"
if [ -n "$(git status --porcelain 2>/dev/null | head -n 1)" ]; then COMMIT="$COMMIT+dirty"; fi

python3 - "$WORK" "$OUT" "$STAMP" "$COMMIT" "$FS_TYPE" "$(nproc)" "$DURATION" "$REPEATS" "$WARMUP" \
    "$INGEST_CONNECTIONS" "$RECS_CONNECTIONS" "$STRATEGY" "$PG_FSYNC" "$FAILED_WRK" "${CONFIGS[@]}" <<'PY'
import json, os, re, statistics, sys
(work, out, stamp, commit, fs_type, cores, duration, repeats, warmup, ingest_c, recs_c, strategy, pg_fsync,
 failed_wrk) = sys.argv[1:15]
configs = sys.argv[15:]
repeats = int(repeats)
med = statistics.median

def text(path):
    with open(path) as f:
        return f.read().strip()

def jload(path):
    try:
        raw = text(path)
        return json.loads(raw) if raw else None
    except (OSError, ValueError):
        return None

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}

def wrk_node(path):
    raw = text(path)
    lines = [l for l in raw.splitlines() if l.startswith("BENCH_RESULT ")]
    run = json.loads(lines[-1].split(" ", 1)[1]) if lines else {"missing_result": True}
    m = re.search(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", raw, re.M)
    run["wrk_non_2xx_or_3xx"] = int(m.group(1)) if m else 0
    m = re.search(r"^\s+(\d+) requests in", raw, re.M)
    run.setdefault("requests", int(m.group(1)) if m else 0)
    return run

def wrk_group(cdir, name, count, kind):
    nodes = [wrk_node(f"{cdir}/{name}-{i}.txt") for i in range(1, count + 1)]
    key = "events_per_second" if kind == "ingest" else "requests_per_second"
    g = {"nodes": nodes,
         "total_per_second": sum(n.get(key, 0) for n in nodes),
         "requests_per_second": sum(n.get("requests", 0) / n["seconds"] for n in nodes if n.get("seconds")),
         "non_2xx": sum(max(n.get("non_2xx", 0), n["wrk_non_2xx_or_3xx"]) for n in nodes),
         "socket_errors": sum(n.get("socket_errors", 0) for n in nodes),
         "missing_results": sum(1 for n in nodes if n.get("missing_result"))}
    p50 = [n.get("latency_p50_ms", n.get("p50_ms")) for n in nodes]
    p99 = [n.get("latency_p99_ms", n.get("p99_ms")) for n in nodes]
    g["p50_ms"] = med([x for x in p50 if x is not None]) if any(x is not None for x in p50) else None
    g["p99_ms_max"] = max([x for x in p99 if x is not None], default=None)
    g["p99_ms_median"] = med([x for x in p99 if x is not None]) if any(x is not None for x in p99) else None
    return g

results = {}
failures, warnings = [], []
if failed_wrk != "0":
    failures.append("a wrk process exited with an error")
for config in configs:
    cdir = f"{work}/{config}"
    count = int(config.split("-")[1])
    c = {"nodes": count, "store": config.split("-")[0]}
    c["setup_seconds"] = {s: float(text(f"{cdir}/{s}.time")) for s in ("import-items", "import-events", "train", "start", "stop")}
    c["import_events"] = jload(f"{cdir}/import-events.json")
    c["warmup"] = wrk_group(cdir, "warmup", count, "ingest")
    c["runs"] = [{"ingest": wrk_group(cdir, f"ingest-{i}", count, "ingest"),
                  "recommendations": wrk_group(cdir, f"recs-{i}", count, "recs")} for i in range(1, repeats + 1)]
    ing = [r["ingest"] for r in c["runs"]]
    rec = [r["recommendations"] for r in c["runs"]]
    c["median"] = {
        "ingest_events_per_second": med([g["total_per_second"] for g in ing]),
        "ingest_requests_per_second": med([g["requests_per_second"] for g in ing]),
        "ingest_p99_ms": med([g["p99_ms_max"] for g in ing if g["p99_ms_max"] is not None] or [0]),
        "recs_requests_per_second": med([g["total_per_second"] for g in rec]),
        "recs_p50_ms": med([g["p50_ms"] for g in rec if g["p50_ms"] is not None] or [0]),
        "recs_p99_ms_max": med([g["p99_ms_max"] for g in rec if g["p99_ms_max"] is not None] or [0]),
        "recs_p99_ms_median_of_nodes": med([g["p99_ms_median"] for g in rec if g["p99_ms_median"] is not None] or [0]),
    }
    c["per_node_ingest_events_per_second"] = [med([g["nodes"][i].get("events_per_second", 0) for g in ing]) for i in range(count)]
    c["per_node_recs_requests_per_second"] = [med([g["nodes"][i].get("requests_per_second", 0) for g in rec]) for i in range(count)]
    groups = [c["warmup"]] + ing + rec
    c["non_2xx"] = sum(g["non_2xx"] for g in groups)
    c["socket_errors"] = sum(g["socket_errors"] for g in groups)
    c["short_batches"] = sum(n.get("short_batches", 0) for g in [c["warmup"]] + ing for n in g["nodes"])
    c["load_during_visibility"] = wrk_group(cdir, "load-vis", count, "ingest")
    c["visibility_idle"] = jload(f"{cdir}/visibility-idle.json")
    c["visibility_under_load"] = jload(f"{cdir}/visibility-load.json")
    c["health_start"] = jload(f"{cdir}/health-start.json")
    c["health_end"] = jload(f"{cdir}/health-end.json")
    c["metrics_after_load"] = jload(f"{cdir}/metrics.json")
    db_events = text(f"{cdir}/db-events.txt")
    c["database_events"] = int(db_events) if db_events.isdigit() else None
    c["logs"] = jload(f"{cdir}/logs.json")
    # checks
    if c["non_2xx"]: failures.append(f"{config}: {c['non_2xx']} non-2xx")
    if c["socket_errors"]: failures.append(f"{config}: {c['socket_errors']} socket errors/timeouts")
    if any(g["missing_results"] for g in groups): failures.append(f"{config}: a wrk run printed no BENCH_RESULT")
    lv = c["load_during_visibility"]
    if lv["non_2xx"] or lv["socket_errors"]:
        failures.append(f"{config}: {lv['non_2xx']} non-2xx, {lv['socket_errors']} socket errors in the load under the visibility probes")
    if c["short_batches"]: warnings.append(f"{config}: {c['short_batches']} ingest batches not fully accepted")
    if c["store"] == "pg":
        for when in ("health_start", "health_end"):
            leaders = sum(1 for h in (c[when] or []) if h.get("leader") is True)
            if leaders != 1: failures.append(f"{config}: {leaders} leaders at {when.split('_')[1]}")
    for when in ("visibility_idle", "visibility_under_load"):
        v = c[when] or {}
        if not v: failures.append(f"{config}: no {when} result"); continue
        if v.get("timeouts"): failures.append(f"{config}: {v['timeouts']} {when} probe(s) not visible within 10 s")
        if v.get("post_failures"): failures.append(f"{config}: {v['post_failures']} {when} posts failed")
        if v.get("same_node_misses"): failures.append(f"{config}: {v['same_node_misses']} {when} reads on the written node missed")
    profiles = {m.get("barista_profiles") for m in (c["metrics_after_load"] or [])}
    if len(profiles) > 1: failures.append(f"{config}: nodes disagree on barista_profiles after the load: {sorted(profiles)}")
    for l in c["logs"] or []:
        if l["counts"]: warnings.append(f"{config} {l['log']}: {l['counts']}")
    results[config] = c

def ratio(a, b):
    return round(a / b, 3) if b else None

for config, c in results.items():
    m = c["median"]
    c["ratios"] = {}
    for base in ("sqlite-1", "pg-1"):
        if base in results:
            bm = results[base]["median"]
            c["ratios"][f"ingest_vs_{base}"] = ratio(m["ingest_events_per_second"], bm["ingest_events_per_second"])
            c["ratios"][f"recs_vs_{base}"] = ratio(m["recs_requests_per_second"], bm["recs_requests_per_second"])

generated = jload(f"{work}/generate.json")
summary = {
    "benchmark": "cluster", "date": stamp, "commit": commit, "cores": int(cores), "file_system": fs_type,
    "note": "every node, PostgreSQL and wrk share this one machine's cores: more nodes add no CPU; "
            "the figures show overhead and correctness under load, not scale-out",
    "repeats": repeats, "seconds_per_run": float(duration), "warmup_seconds": float(warmup),
    "postgres_fsync": pg_fsync, "shop": generated,
    "wrk": {"ingest": f"one wrk -t1 per node, {ingest_c} connections split over the nodes, ingest.lua (100 events per request)",
            "recommendations": f"one wrk -t1 --latency per node, {recs_c} connections split, recommendations.lua ({strategy})"},
    "configurations": results, "verdict": "fail" if failures else "pass", "failures": failures, "warnings": warnings,
}
with open(out, "w") as f:
    json.dump(summary, f, indent=2)
    f.write("\n")

def fmt(x, spec=",.0f"):
    return format(x, spec) if x is not None else "-"

print(f"cluster benchmark, {repeats} repeat(s) x {duration} s, {cores} cores shared by every node, PostgreSQL "
      f"(fsync {pg_fsync}) and wrk; shop {generated['items']:,} items x {generated['people']:,} people ({generated['events']:,} events)")
head = ["config", "ingest ev/s", "vs sqlite", "vs pg-1", "recs req/s", "vs sqlite", "vs pg-1", "p50 ms", "p99 ms", "visible ms idle / load", "non-2xx"]
rows = []
for config, c in results.items():
    m, r = c["median"], c["ratios"]
    vi, vl = c["visibility_idle"] or {}, c["visibility_under_load"] or {}
    vis = f"{fmt(vi.get('median_ms'), '.0f')} / {fmt(vl.get('median_ms'), '.0f')}" if c["nodes"] > 1 else "(one node)"
    rows.append([config, fmt(m["ingest_events_per_second"]), fmt(r.get("ingest_vs_sqlite-1"), ".2f"), fmt(r.get("ingest_vs_pg-1"), ".2f"),
                 fmt(m["recs_requests_per_second"]), fmt(r.get("recs_vs_sqlite-1"), ".2f"), fmt(r.get("recs_vs_pg-1"), ".2f"),
                 fmt(m["recs_p50_ms"], ".2f"), fmt(m["recs_p99_ms_max"], ".2f"), vis, str(c["non_2xx"] + c["socket_errors"])])
widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
print("  " + "  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(head, widths))))
for row in rows:
    print("  " + "  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(row, widths))))
print("  (medians over repeats; recs p50 = median of the nodes', p99 = max of the nodes'; visible = median delay from node 1's 202")
print("   to GET /v1/profiles/{user} answering 200 on the other nodes; non-2xx includes socket errors)")
for config, c in results.items():
    lead = [h.get("node", "?") for h in (c["health_end"] or []) if h.get("leader")]
    print(f"  {config}: per-node ingest {', '.join(fmt(x) for x in c['per_node_ingest_events_per_second'])} ev/s; "
          f"recs {', '.join(fmt(x) for x in c['per_node_recs_requests_per_second'])} req/s; "
          f"profiles {[m.get('barista_profiles') for m in (c['metrics_after_load'] or [])]}; db events {c['database_events']}; "
          f"leader {lead if c['store'] == 'pg' else 'n/a'}")
print("  verdict: " + summary["verdict"] + (": " + "; ".join(failures) if failures else ""))
for w in warnings:
    print("  warning: " + w)
print(f"  results: {out}")
sys.exit(1 if failures else 0)
PY
