#!/usr/bin/env bash
# Installs what a fresh Debian machine with the Swift toolchain lacks to build Barista: SQLite's
# and zlib's headers; with --tests also what the browser, contract, soak and PostgreSQL tests need:
# Chromium, its driver, Selenium, schemathesis, wrk and PostgreSQL 15's server (the tests start a
# throwaway cluster of their own). Safe to run again; does nothing when they are there.
set -euo pipefail
need=()
[ -f /usr/include/sqlite3.h ] || need+=(libsqlite3-dev)
[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
tests=false
[ "${1:-}" = "--tests" ] && tests=true
if $tests; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  [ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
  command -v wrk >/dev/null 2>&1 || need+=(wrk)
  [ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Barista needs: ${need[*]}. Install them with: sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  # Debian's package creates and starts a default cluster (port 5432); the tests use their own.
fi
python_need=()
if $tests; then
  python3 -c "import selenium" 2>/dev/null || python_need+=(selenium)
  command -v st >/dev/null 2>&1 || python_need+=(schemathesis)
fi
if [ ${#python_need[@]} -gt 0 ]; then
  echo "installing ${python_need[*]} (PyPI)" >&2
  python3 -m pip install -q "${python_need[@]}" >/dev/null 2>&1 || python3 -m pip install -q --break-system-packages "${python_need[@]}" >/dev/null
fi
