#!/usr/bin/env bash
# Decision benchmark: POST /v1/decide for 3 placements with 20 running experiences (A/B with
# control groups, Beta-Bernoulli and contextual bandits, audiences, a recommendations variant),
# against GET /health on the same server.
#
#   scripts/bench-decide.sh
#
# Setup through the CLI: `barista sites create`, Benchmarks/generate_shop.py (BENCH_PEOPLE 20,000
# people × BENCH_ITEMS 20,000 items × 15 views), `barista import`, `barista train`, `barista serve
# --no-train`; then 2 segments and 20 experiences through the API (Benchmarks/decide_bench.py).
# Measured BENCH_REPEATS (3) times, alternating: wrk -t1 -c4 and -c32 on Benchmarks/wrk/decide.lua,
# and GET /health at -c32. Bars: decide p99 ≤ 5 ms at 4 connections; no error.
#
# Environment: BENCH_PEOPLE, BENCH_ITEMS, BENCH_SEED, BENCH_REPEATS, BENCH_SECONDS (10), BENCH_TMPDIR,
# BARISTA_BIN (skip the release build), BENCH_KEEP=1. Output: a table and Benchmarks/results/decide-<UTC date>.json.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[ "${1:-}" = --help ] || [ "${1:-}" = -h ] && { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0; }

PEOPLE="${BENCH_PEOPLE:-20000}"
ITEMS="${BENCH_ITEMS:-20000}"
SEED="${BENCH_SEED:-42}"

log() { printf '%s\n' "bench-decide: $*" >&2; }
BENCH_NAME=barista-bench-decide
# shellcheck source=lib/bench-common.sh
. "$ROOT/scripts/lib/bench-common.sh"

SITE_JSON="$("$BIN" sites create bench --data-dir "$DATA" --json | tail -n 1)"
SECRET_KEY="$(printf '%s' "$SITE_JSON" | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret_key"])')"
PUBLISHABLE_KEY="$(printf '%s' "$SITE_JSON" | python3 -c 'import json, sys; print(json.load(sys.stdin)["publishable_key"])')"
python3 Benchmarks/generate_shop.py --items "$ITEMS" --people "$PEOPLE" --views 15 --seed "$SEED" --out "$WORK/shop" >&2
"$BIN" import items "$WORK/shop/items.jsonl" --site bench --format jsonl --data-dir "$DATA" --json >/dev/null
"$BIN" import events "$WORK/shop/events.jsonl" --site bench --format jsonl --data-dir "$DATA" --json >/dev/null
"$BIN" train --site bench --data-dir "$DATA" --json >/dev/null
start_server

mkdir -p Benchmarks/results
python3 Benchmarks/decide_bench.py --url "$URL" --secret "$SECRET_KEY" --publishable "$PUBLISHABLE_KEY" --people "$PEOPLE" \
    --repeats "${BENCH_REPEATS:-3}" --seconds "${BENCH_SECONDS:-10}" --work "$WORK" \
    --results "Benchmarks/results/decide-$(date -u +%Y-%m-%dT%H%M%SZ).json"
