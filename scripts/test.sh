#!/usr/bin/env bash
# Runs the whole test suite: one debug build (the live-server tests start that build's binary),
# then every Swift test, the fuzz corpus and 30 s of libFuzzer per target, the browser tests in headless Chromium, schemathesis against the served
# OpenAPI document, and a 90-second soak. What a fresh machine lacks is installed first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
swift build --build-tests
swift test --skip-build
.build/debug/barista-fuzz Tests/fuzz/corpus
scripts/fuzz.sh --seconds 30
python3 Tests/browser/test_browser_tag.py
python3 Tests/browser/test_dashboard.py
Tests/fuzz/schemathesis.sh
scripts/soak.sh --seconds 90 --segments 6 --warmup 0.5 --max-slope 40 --binary .build/debug/barista
