#!/usr/bin/env bash
# Runs Barista with a ready demo shop on the embedded store: scripts/demo.sh [--port 8080]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec swift run -c release barista demo "$@"
