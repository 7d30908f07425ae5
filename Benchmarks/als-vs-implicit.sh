#!/usr/bin/env bash
# iALS training time, Barista vs the `implicit` library (CPU, conjugate gradient), in the same run.
# Usage: Benchmarks/als-vs-implicit.sh [CSV]. Knobs: BENCH_REPEATS (5), BARISTA_BIN (skip the build).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-../shared/data/online-retail/online_retail_interactions.csv}"
repeats="${BENCH_REPEATS:-5}"

if ! python3 -c 'import implicit' 2>/dev/null; then
    echo "installing implicit" >&2
    python3 -m pip install --quiet implicit
fi
if [[ -z "${BARISTA_BIN:-}" ]]; then
    swift build -c release --product barista >&2
    BARISTA_BIN="$(swift build -c release --show-bin-path)/barista"
fi

echo "implicit: ${repeats} fits" >&2
theirs="$(OPENBLAS_NUM_THREADS=1 python3 Benchmarks/als_implicit.py "$data" "$repeats" | tail -n 1)"

echo "barista: ${repeats} runs" >&2
ours=()
for _ in $(seq "$repeats"); do
    ours+=("$("$BARISTA_BIN" evaluate --data "$data" --model ials --factors 64 --iterations 15 --json 2>/dev/null | tail -n 1)")
done

python3 - "$theirs" "${ours[@]}" <<'PY'
import json, statistics, sys
theirs = json.loads(sys.argv[1])
ours = [json.loads(line) for line in sys.argv[2:]]
median = statistics.median(run["train_seconds"] for run in ours)
print(f"{'':10} {'train s (median)':>17} {'runs':>30} {'HR@10':>7} {'NDCG@10':>8}")
runs_theirs = " ".join("%.2f" % s for s in theirs["seconds"])
runs_ours = " ".join("%.2f" % run["train_seconds"] for run in ours)
print(f"{'implicit':10} {theirs['median_seconds']:17.3f} {runs_theirs:>30} "
      f"{theirs['hr@10']:7.4f} {theirs['ndcg@10']:8.4f}")
print(f"{'barista':10} {median:17.3f} {runs_ours:>30} "
      f"{ours[-1]['hr@10']:7.4f} {ours[-1]['ndcg@10']:8.4f}")
ratio = median / theirs["median_seconds"]
print(f"ratio barista/implicit: {ratio:.2f} (aim <= 1.5){'' if ratio <= 1.5 else '  ABOVE THE AIM'}")
PY
