#!/usr/bin/env bash
# Runs the whole test suite: one debug build (the live-server tests start that build's binary),
# then every test. What a fresh machine lacks is installed first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test --skip-build
