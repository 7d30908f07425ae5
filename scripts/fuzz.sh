#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer) of the event decoder and the segment-rule parser.
#
#   scripts/fuzz.sh [--seconds N] [--grow]
#
# Builds the barista-fuzz target with -sanitize=fuzzer into .build/fuzz (apart from the normal
# build), then runs each target for N seconds (default 30) from the committed corpus in
# Tests/fuzz/corpus/TARGET. New inputs go to a scratch directory; with --grow they are merged
# (minimized) into the committed corpus. A crash or a broken invariant fails the run and leaves the
# input in .build/fuzz/artifacts/ (replay it with: .build/fuzz/debug/barista-fuzz FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=30
grow=false
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --grow) grow=true; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p .build
swift build --product barista-fuzz --scratch-path .build/fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING >.build/fuzz-build.log 2>&1 \
  || { cat .build/fuzz-build.log; exit 1; }
binary=.build/fuzz/debug/barista-fuzz
mkdir -p .build/fuzz/artifacts
for target in events segments; do
  scratch=$(mktemp -d)
  echo "fuzzing $target for ${seconds}s"
  BARISTA_FUZZ_TARGET=$target "$binary" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=4096 \
    -artifact_prefix=.build/fuzz/artifacts/"$target"- -print_final_stats=1 "$scratch" "Tests/fuzz/corpus/$target" 2>&1 \
    | grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::new_units_added|==[0-9]+== ERROR|Fatal error|SUMMARY)" || true
  status=${PIPESTATUS[0]}
  if [ "$status" != 0 ]; then
    echo "fuzzing $target found a failure (exit $status); see .build/fuzz/artifacts/" >&2
    exit 1
  fi
  if $grow; then
    BARISTA_FUZZ_TARGET=$target "$binary" -merge=1 "Tests/fuzz/corpus/$target" "$scratch" >/dev/null 2>&1
  fi
  rm -rf "$scratch"
done
