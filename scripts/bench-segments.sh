#!/usr/bin/env bash
# Profile-intelligence benchmark: segment maintenance while ingesting, segment preview on a
# large site, and personalized ranking of 200 items, each against a baseline of the same run.
#
#   scripts/bench-segments.sh
#
# Setup through the CLI in a fresh data directory: `barista sites create`, Benchmarks/generate_shop.py
# (BENCH_PEOPLE 100,000 people × BENCH_ITEMS 20,000 items × 15 views, ~20% with orders: ~1.6M
# events), `barista import items|events`, `barista train` (the for_you model and the CLV and
# engagement models the prediction segments read), then `barista serve --no-train`.
#
# Measured, on the one server:
#   1. ranking: wrk -t1 -c32 -d10s Benchmarks/wrk/rank.lua (200 random items for a random known
#      person) and GET /health, alternated BENCH_REPEATS times: the throughput ratio; and the same
#      load at 4 connections for latency (at 32 the server is saturated and p99 is queueing).
#   2. preview: POST /v1/segments:preview for six rules (trait, event window on 1.6M events,
#      affinity, prediction, a group of four, a segment leaf), 7 times each: median ms.
#   3. ingestion with and without 50 segments: wrk Benchmarks/wrk/ingest.lua (batches of 100
#      Product Viewed, 10,000 people) with no segment, then with 50 live segments (every rule kind,
#      30 of them reading Product Viewed windows), then with none again: events/s and the ratio
#      of the run with segments to the mean of the runs around it.
#
# Bars: rank p99 ≤ 5 ms at 4 connections; every preview median < 1000 ms; no error. The ingestion
# ratio is reported, not judged (it depends on how many segments read each event).
#
# Environment: BENCH_PEOPLE, BENCH_ITEMS, BENCH_VIEWS, BENCH_SEED, BENCH_REPEATS (3), BENCH_SECONDS (10),
# BENCH_TMPDIR, BARISTA_BIN (skip the release build), BENCH_KEEP=1 (keep the work directory).
# Output: a table on stdout and Benchmarks/results/segments-<UTC date>.json; exit 1 when a bar is missed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[ "${1:-}" = --help ] || [ "${1:-}" = -h ] && { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0; }

PEOPLE="${BENCH_PEOPLE:-100000}"
ITEMS="${BENCH_ITEMS:-20000}"
VIEWS="${BENCH_VIEWS:-15}"
SEED="${BENCH_SEED:-42}"
REPEATS="${BENCH_REPEATS:-3}"
DURATION="${BENCH_SECONDS:-10}"

log() { printf '%s\n' "bench-segments: $*" >&2; }
BENCH_NAME=barista-bench-segments
# shellcheck source=lib/bench-common.sh
. "$ROOT/scripts/lib/bench-common.sh"

log "site of $ITEMS items × $PEOPLE people × $VIEWS views in $WORK ($FS_TYPE)"
SITE_JSON="$("$BIN" sites create bench --data-dir "$DATA" --json | tail -n 1)"
SECRET_KEY="$(printf '%s' "$SITE_JSON" | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret_key"])')"
PUBLISHABLE_KEY="$(printf '%s' "$SITE_JSON" | python3 -c 'import json, sys; print(json.load(sys.stdin)["publishable_key"])')"
python3 Benchmarks/generate_shop.py --items "$ITEMS" --people "$PEOPLE" --views "$VIEWS" --seed "$SEED" --out "$WORK/shop" >&2
"$BIN" import items "$WORK/shop/items.jsonl" --site bench --format jsonl --data-dir "$DATA" --json >"$WORK/import-items.json"
"$BIN" import events "$WORK/shop/events.jsonl" --site bench --format jsonl --data-dir "$DATA" --json >"$WORK/import-events.json"
log "training (for_you and the profile models)"
"$BIN" train --site bench --data-dir "$DATA" --json >"$WORK/train.json"
tail -n 1 "$WORK/train.json" | cut -c1-400 >&2

start_server
log "serving on $URL"

mkdir -p Benchmarks/results
RESULTS="Benchmarks/results/segments-$(date -u +%Y-%m-%dT%H%M%SZ).json"
python3 Benchmarks/segments_bench.py --url "$URL" --secret "$SECRET_KEY" --publishable "$PUBLISHABLE_KEY" \
    --people "$PEOPLE" --items "$ITEMS" --repeats "$REPEATS" --seconds "$DURATION" --work "$WORK" --server-pid "$SERVER_PID" \
    --results "$RESULTS"
