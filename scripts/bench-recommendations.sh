#!/usr/bin/env bash
# Recommendation-serving benchmark: POST /v1/recommendations (for_you) against GET /health on the
# same server, in the same run.
#
#   scripts/bench-recommendations.sh [--size small|large]
#
# Setup, all through the CLI, in a fresh data directory:
#   1. `barista sites create bench --json` (the publishable key serves the requests);
#   2. Benchmarks/generate_shop.py: ITEMS items and PEOPLE people with VIEWS views each (small:
#      20,000 × 20,000 × 15, about 307k events; large: 100,000 × 100,000 × 15, about 1.53M), people
#      with tastes (1-3 favourite categories, Zipf popularity inside them, some noise) and orders
#      for ~20% of them;
#   3. `barista import items|events FILE --format jsonl --json` (timed), `barista train --json` (timed);
#   4. `barista serve --no-train` on a free port; wait for GET /health; warm up BENCH_WARMUP s with
#      the for_you load.
# Then BENCH_REPEATS (3) times, alternating on the one server:
#      wrk -t1 -c32 -d10s --latency -s Benchmarks/wrk/recommendations.lua   (for_you, random known person, limit 10)
#      wrk -t1 -c32 -d10s --latency URL/health
# and once each, informative: the same script with BENCH_STRATEGY=similar (random item as context) and trending. The server's
# VmRSS/VmHWM (/proc/PID/status) are read when idle, after the repeats and at the end; then it is
# stopped with SIGTERM.
#
# Bars: throughput for_you ÷ health (medians over repeats) ≥ 0.5; for_you p99 (median) ≤ 5 ms;
# zero non-2xx and zero socket errors in for_you (warm-up included) and health.
#
# Nothing is pinned: on a 2-core machine wrk shares the cores with the server, for both loads alike.
#
# Options and environment (all optional):
#   --size small|large   20,000 × 20,000 × 15 (default) or 100,000 × 100,000 × 15
#   BENCH_ITEMS, BENCH_PEOPLE, BENCH_VIEWS   override the size's figures
#   BENCH_SEED=42        generator seed
#   BENCH_REPEATS=3      repeats (medians are reported)
#   BENCH_SECONDS=10     seconds per measured wrk run
#   BENCH_WARMUP=3       seconds of for_you load before the first measured run
#   BENCH_TMPDIR=/tmp    where the work directory goes (data dir, generated files, logs)
#   BARISTA_BIN=PATH     use this binary and skip `swift build`
#   BENCH_KEEP=1         keep the work directory (data, generated files, server log, raw wrk output)
#
# Output: a table on stdout, progress on stderr, and Benchmarks/results/recommendations-<UTC date>.json.
# Exit status: 0 when every bar is met; 1 otherwise (the results file is written either way);
# 2 when the setup failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SIZE=small
while [ $# -gt 0 ]; do
    case "$1" in
        --size) SIZE="${2:-}"; shift 2 || { echo "--size needs small or large" >&2; exit 2; } ;;
        --size=*) SIZE="${1#--size=}"; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench-recommendations: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done
case "$SIZE" in
    small) DEFAULT_N=20000 ;;
    large) DEFAULT_N=100000 ;;
    *) echo "bench-recommendations: --size is small or large, not $SIZE" >&2; exit 2 ;;
esac
ITEMS="${BENCH_ITEMS:-$DEFAULT_N}"
PEOPLE="${BENCH_PEOPLE:-$DEFAULT_N}"
VIEWS="${BENCH_VIEWS:-15}"
SEED="${BENCH_SEED:-42}"
REPEATS="${BENCH_REPEATS:-3}"
DURATION="${BENCH_SECONDS:-10}"
WARMUP="${BENCH_WARMUP:-3}"
WRK_ARGS=(-t1 -c32 "-d${DURATION}s" --latency)

log() { printf '%s\n' "bench-recommendations: $*" >&2; }
now() { date +%s.%N; }
since() { python3 -c 'import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))' "$1" "$(now)"; }

# --- tools, binary, work directory, server cleanup -------------------------------------------
BENCH_NAME=barista-bench-recs
# shellcheck source=lib/bench-common.sh
. "$ROOT/scripts/lib/bench-common.sh"

# Runs a CLI step whose last stdout line is its --json answer: saves that line to $WORK/NAME.json,
# the wall time (and, with GNU time, the peak resident set) to $WORK/NAME.time. Progress stays on stderr.
timed_step() {
    local name="$1"; shift
    local start; start="$(now)"
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -o "$WORK/$name.rss" -f '%M' "$@" >"$WORK/$name.out" \
            || { log "$name failed:"; tail -n 20 "$WORK/$name.out" >&2; exit 2; }
    else
        "$@" >"$WORK/$name.out" || { log "$name failed:"; tail -n 20 "$WORK/$name.out" >&2; exit 2; }
        echo null >"$WORK/$name.rss"
    fi
    since "$start" >"$WORK/$name.time"
    tail -n 1 "$WORK/$name.out" >"$WORK/$name.json"
    python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$WORK/$name.json" 2>/dev/null \
        || { log "$name printed no JSON line last:"; tail -n 20 "$WORK/$name.out" >&2; exit 2; }
    log "  $name: $(cat "$WORK/$name.time") s  $(cut -c1-300 "$WORK/$name.json")"
}

# VmRSS and VmHWM of the server, in kB, as JSON.
memory() {
    python3 - "$SERVER_PID" <<'PY'
import json, sys
fields = {}
with open(f"/proc/{sys.argv[1]}/status") as f:
    for line in f:
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key.lower() + "_kb"] = int(value.split()[0])
print(json.dumps(fields))
PY
}

# Last line of stdout that starts with "BENCH_RESULT ", without the prefix ({} when there is none).
bench_result() {
    grep '^BENCH_RESULT ' "$1" | tail -n 1 | cut -d' ' -f2- | grep . || echo '{}'
}

# run_wrk NAME TARGET [SCRIPT]: one wrk run, raw output in $WORK/NAME.txt.
run_wrk() {
    local name="$1" target="$2" script="${3:-}"
    if [ -n "$script" ]; then
        wrk "${WRK_ARGS[@]}" -s "$script" "$target" >"$WORK/$name.txt"
    else
        wrk "${WRK_ARGS[@]}" "$target" >"$WORK/$name.txt"
    fi
    bench_result "$WORK/$name.txt" >"$WORK/$name.json"
    log "  $name: $(awk '/^Requests\/sec:/ { r = $2 } /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 } /Non-2xx or 3xx responses:/ { bad = ", " $NF " non-2xx or 3xx (wrk)" }
        /^BENCH_RESULT/ { if (match($0, /"non_2xx":[0-9]+/)) lua = ", " substr($0, RSTART + 10, RLENGTH - 10) " non-2xx (Lua)" }
        END { printf "%s req/s, p50 %s, p99 %s%s%s", r, p50, p99, bad, lua }' "$WORK/$name.txt")"
}

# --- site, shop, import, training ------------------------------------------------------------
log "site of $ITEMS items × $PEOPLE people × $VIEWS views in $WORK ($FS_TYPE)"
SITE_JSON="$("$BIN" sites create bench --data-dir "$DATA" --json | tail -n 1)"
PUBLISHABLE_KEY="$(printf '%s' "$SITE_JSON" | python3 -c 'import json, sys; print(json.load(sys.stdin)["publishable_key"])')"

log "generating the shop"
python3 Benchmarks/generate_shop.py --items "$ITEMS" --people "$PEOPLE" --views "$VIEWS" --seed "$SEED" \
    --out "$WORK/shop" >"$WORK/generate.json"
log "  $(cat "$WORK/generate.json")"

log "importing"
timed_step import-items "$BIN" import items "$WORK/shop/items.jsonl" --site bench --format jsonl --data-dir "$DATA" --json
timed_step import-events "$BIN" import events "$WORK/shop/events.jsonl" --site bench --format jsonl --data-dir "$DATA" --json
log "training"
timed_step train "$BIN" train --site bench --data-dir "$DATA" --json
du -sk "$DATA" | cut -f1 >"$WORK/data-kb.txt"
[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$WORK/shop"

# --- server ----------------------------------------------------------------------------------
START="$(now)"
start_server
since "$START" >"$WORK/start.time"
memory >"$WORK/memory-idle.json" || echo '{}' >"$WORK/memory-idle.json"
log "  up in $(cat "$WORK/start.time") s, $(cat "$WORK/memory-idle.json")"

export BARISTA_KEY="$PUBLISHABLE_KEY" BENCH_PEOPLE="$PEOPLE" BENCH_ITEMS="$ITEMS"
log "warming up ${WARMUP} s"
BENCH_STRATEGY=for_you wrk -t1 -c32 "-d${WARMUP}s" -s Benchmarks/wrk/recommendations.lua "$URL" >"$WORK/warmup.txt"
bench_result "$WORK/warmup.txt" >"$WORK/warmup.json"

# The load scripts do not read bodies (a Lua response() callback would measure wrk, not Barista):
# sample answers of each strategy here instead, for empty item lists and non-2xx statuses.
log "sampling answers"
python3 - "$URL" "$PUBLISHABLE_KEY" "$PEOPLE" "$ITEMS" >"$WORK/samples.json" <<'SAMPLE'
import json, random, sys, urllib.error, urllib.request
url, key, people, items = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(7)
result = {}
for strategy in ("for_you", "similar", "trending"):
    counts = {"sampled": 0, "empty": 0, "non_2xx": 0}
    for _ in range(200):
        body = {"user": {"user_id": f"u{rng.randrange(people)}"}, "strategy": strategy, "limit": 10}
        if strategy == "similar":
            body["context"] = {"item_id": f"sku-{rng.randrange(items)}"}
        request = urllib.request.Request(url + "/v1/recommendations", data=json.dumps(body).encode(),
                                         headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
        counts["sampled"] += 1
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if not json.load(response).get("items"):
                    counts["empty"] += 1
        except urllib.error.HTTPError:
            counts["non_2xx"] += 1
    result[strategy] = counts
print(json.dumps(result))
SAMPLE
log "  $(cat "$WORK/samples.json")"

for i in $(seq 1 "$REPEATS"); do
    log "repeat $i/$REPEATS"
    BENCH_STRATEGY=for_you run_wrk "for_you-$i" "$URL" Benchmarks/wrk/recommendations.lua
    run_wrk "health-$i" "$URL/health"
done
memory >"$WORK/memory-load.json" || echo '{}' >"$WORK/memory-load.json"
log "  after the repeats: $(cat "$WORK/memory-load.json")"

log "informative passes"
BENCH_STRATEGY=similar run_wrk similar "$URL" Benchmarks/wrk/recommendations.lua
BENCH_STRATEGY=trending run_wrk trending "$URL" Benchmarks/wrk/recommendations.lua
memory >"$WORK/memory-end.json" || echo '{}' >"$WORK/memory-end.json"

STOP_START="$(now)"
stop_server
since "$STOP_START" >"$WORK/stop.time"

# --- report ----------------------------------------------------------------------------------
mkdir -p Benchmarks/results
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
OUT="Benchmarks/results/recommendations-$STAMP.json"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo none)"
if [ -n "$(git status --porcelain 2>/dev/null | head -n 1)" ]; then COMMIT="$COMMIT+dirty"; fi

python3 - "$WORK" "$REPEATS" "$OUT" "$STAMP" "$COMMIT" "$FS_TYPE" "$(nproc)" "$DURATION" "$SIZE" "$WARMUP" <<'PY'
import json, re, statistics, sys
work, repeats, out, stamp, commit, fs_type, cores, duration, size, warmup = sys.argv[1:]
repeats = int(repeats)

def text(name):
    with open(f"{work}/{name}") as f:
        return f.read().strip()

def load(name):
    raw = text(name)
    return json.loads(raw) if raw else None

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}

def ms(value):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value)
    return float(m.group(1)) * UNITS[m.group(2)] if m else None

def wrk(name):
    """wrk's own figures from its text output, plus the Lua script's BENCH_RESULT when there is one."""
    raw = text(f"{name}.txt")
    run = {}
    m = re.search(r"^Requests/sec:\s+([\d.]+)", raw, re.M)
    run["requests_per_second"] = float(m.group(1)) if m else 0.0
    m = re.search(r"^\s+(\d+) requests in ([\d.]+\w+)", raw, re.M)
    run["requests"] = int(m.group(1)) if m else 0
    for pct in (50, 75, 90, 99):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", raw, re.M)
        run[f"p{pct}_ms"] = ms(m.group(1)) if m else None
    m = re.search(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", raw, re.M)
    run["wrk_non_2xx_or_3xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", raw)
    run["socket_errors"] = sum(int(g) for g in m.groups()) if m else 0
    run["timeouts"] = int(m.group(4)) if m else 0
    lua = load(f"{name}.json") or {}
    if lua:
        run["lua"] = lua
    run["non_2xx"] = max(run["wrk_non_2xx_or_3xx"], lua.get("non_2xx", 0))
    return run

samples = load("samples.json") or {}

med = statistics.median
runs = [{"for_you": wrk(f"for_you-{i}"), "health": wrk(f"health-{i}")} for i in range(1, repeats + 1)]
for r in runs:
    h = r["health"]["requests_per_second"]
    r["ratio"] = r["for_you"]["requests_per_second"] / h if h else 0.0
warm = wrk("warmup")
warm_lua = warm.get("lua", {})
similar, trending = wrk("similar"), wrk("trending")

fy = med([r["for_you"]["requests_per_second"] for r in runs])
health = med([r["health"]["requests_per_second"] for r in runs])
ratio = fy / health if health else 0.0
p50 = med([r["for_you"]["p50_ms"] for r in runs])
p99 = med([r["for_you"]["p99_ms"] for r in runs])
fy_non2xx = sum(r["for_you"]["non_2xx"] for r in runs) + warm["non_2xx"]
health_non2xx = sum(r["health"]["non_2xx"] for r in runs)
socket_errors = sum(r["for_you"]["socket_errors"] + r["health"]["socket_errors"] for r in runs) + warm["socket_errors"]
empty = samples.get("for_you", {}).get("empty", 0) + samples.get("for_you", {}).get("non_2xx", 0)
first_error = next((r["for_you"]["lua"].get("first_error") for r in runs if r["for_you"].get("lua", {}).get("first_error")),
                   warm_lua.get("first_error") or None)

failures, warnings = [], []
if ratio < 0.5: failures.append(f"throughput ratio {ratio:.2f} below 0.5")
if p99 is None or p99 > 5.0: failures.append(f"for_you p99 {p99} ms above 5 ms")
if fy_non2xx: failures.append(f"{fy_non2xx} non-2xx for_you responses" + (f" (first: {first_error})" if first_error else ""))
if health_non2xx: failures.append(f"{health_non2xx} non-2xx health responses")
if socket_errors: failures.append(f"{socket_errors} socket errors/timeouts")
if any(r["for_you"].get("lua") is None for r in runs): failures.append("a for_you run printed no BENCH_RESULT line")
if empty: warnings.append(f"{empty} for_you answers with an empty item list")
for name, run in (("similar", similar), ("trending", trending)):
    if run["non_2xx"] or run["socket_errors"]:
        warnings.append(f"{name}: {run['non_2xx']} non-2xx, {run['socket_errors']} socket errors"
                        + (f" (first: {run['lua'].get('first_error')})" if run.get("lua", {}).get("first_error") else ""))

memory = {name: load(f"memory-{name}.json") for name in ("idle", "load", "end")}
steps = {}
for name in ("import-items", "import-events", "train"):
    rss = text(f"{name}.rss").splitlines()
    steps[name.replace("-", "_")] = {"wall_seconds": float(text(f"{name}.time")), "output": load(f"{name}.json"),
                                     "max_rss_kb": int(rss[-1]) if rss and rss[-1].isdigit() else None}
train = steps["train"]["output"] or {}
generated = load("generate.json")

summary = {
    "benchmark": "recommendation-serving", "date": stamp, "commit": commit, "cores": int(cores),
    "file_system": fs_type, "size": size, "items": generated["items"], "people": generated["people"],
    "views_per_person": generated["views_per_person"], "events": generated["events"], "seed": generated["seed"],
    "repeats": repeats, "seconds_per_run": float(duration), "warmup_seconds": float(warmup),
    "wrk": {"for_you": "-t1 -c32 --latency -s recommendations.lua (BENCH_STRATEGY=for_you)", "health": "-t1 -c32 --latency GET /health",
            "similar": "-t1 -c32 --latency -s recommendations.lua (similar)", "trending": "-t1 -c32 --latency -s recommendations.lua (trending)"},
    "median": {"for_you_requests_per_second": fy, "health_requests_per_second": health, "ratio": ratio,
               "paired_ratio": med([r["ratio"] for r in runs]), "for_you_p50_ms": p50, "for_you_p99_ms": p99,
               "health_p99_ms": med([r["health"]["p99_ms"] for r in runs])},
    "for_you_non_2xx": fy_non2xx, "health_non_2xx": health_non2xx, "socket_errors": socket_errors,
    "for_you_empty_items": empty,
    "similar": similar, "trending": trending,
    "memory_kb": memory, "data_dir_kb": int(text("data-kb.txt")),
    "generate": generated, "setup": steps,
    "train": {"train_seconds": train.get("train_seconds"), "model_bytes": train.get("model_bytes"),
              "config": train.get("config")},
    "server_start_seconds": float(text("start.time")), "stop_seconds": float(text("stop.time")),
    "warmup": warm,
    "verdict": "fail" if failures else "pass", "failures": failures, "warnings": warnings, "runs": runs,
}
with open(out, "w") as f:
    json.dump(summary, f, indent=2)
    f.write("\n")

mib = lambda kb: f"{kb / 1024:,.0f} MiB" if kb is not None else "?"
fmt = lambda x, spec=".2f": format(x, spec) if x is not None else "?"
rows = [
    ("for_you (req/s, median)", f"{fy:,.0f}  (runs " + ", ".join(f"{r['for_you']['requests_per_second']:,.0f}" for r in runs) + ")"),
    ("GET /health (req/s, median)", f"{health:,.0f}  (runs " + ", ".join(f"{r['health']['requests_per_second']:,.0f}" for r in runs) + ")"),
    ("ratio for_you / health (bar >= 0.50)", f"{ratio:.2f}  (paired median {summary['median']['paired_ratio']:.2f}; runs " + ", ".join(f"{r['ratio']:.2f}" for r in runs) + ")"),
    ("for_you p50 / p99 (bar p99 <= 5 ms)", f"{fmt(p50)} / {fmt(p99)} ms"),
    ("non-2xx for_you / health (bar 0)", f"{fy_non2xx} / {health_non2xx}; socket errors {socket_errors}; empty or failed of {samples.get('for_you', {}).get('sampled')} sampled: {empty}"),
    ("similar (informative)", f"{similar['requests_per_second']:,.0f} req/s, p50 {fmt(similar['p50_ms'])} / p99 {fmt(similar['p99_ms'])} ms, {similar['non_2xx']} non-2xx, {samples.get('similar', {}).get('empty')} empty of {samples.get('similar', {}).get('sampled')} sampled"),
    ("trending (informative)", f"{trending['requests_per_second']:,.0f} req/s, p50 {fmt(trending['p50_ms'])} / p99 {fmt(trending['p99_ms'])} ms, {trending['non_2xx']} non-2xx, {samples.get('trending', {}).get('empty')} empty of {samples.get('trending', {}).get('sampled')} sampled"),
    ("server RSS idle / after load / peak", f"{mib(memory['idle'].get('vmrss_kb'))} / {mib(memory['load'].get('vmrss_kb'))} / {mib(memory['end'].get('vmhwm_kb'))}"),
    ("import items / events (s)", f"{steps['import_items']['wall_seconds']:.1f} / {steps['import_events']['wall_seconds']:.1f}"),
    ("train (s wall; train_seconds)", f"{steps['train']['wall_seconds']:.1f}; {train.get('train_seconds')}; model {mib((train.get('model_bytes') or 0) / 1024)}; {train.get('config')}"),
    ("server start / stop (s)", f"{summary['server_start_seconds']:.1f} / {summary['stop_seconds']:.1f}"),
    ("verdict", summary["verdict"] + (": " + "; ".join(failures) if failures else "")),
]
if warnings:
    rows.append(("warnings", "; ".join(warnings)))
width = max(len(k) for k, _ in rows)
print(f"recommendation serving, {generated['items']:,} items x {generated['people']:,} people x {generated['views_per_person']} views "
      f"({generated['events']:,} events), {repeats} repeat(s) x {duration} s, {cores} cores shared by wrk and server")
for k, v in rows:
    print(f"  {k.ljust(width)}  {v}")
print(f"  results: {out}")
sys.exit(1 if failures else 0)
PY
