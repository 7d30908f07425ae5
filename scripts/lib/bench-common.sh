# Shared plumbing of the benchmark scripts; source it after defining log() and BENCH_NAME.
#
#   BENCH_NAME=barista-bench-recs; . scripts/lib/bench-common.sh
#
# Gives: wrk (installed when missing) and python3 checked; BIN, the release barista (built unless
# BARISTA_BIN names one); WORK (a fresh directory under BENCH_TMPDIR, removed at exit unless
# BENCH_KEEP=1), DATA="$WORK/data", FS_TYPE; SERVER_PID with stop_server (SIGTERM, then SIGKILL
# after 30 s), called on any exit; free_port.

if ! command -v wrk >/dev/null 2>&1; then
    log "installing wrk"
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update && apt-get install -y wrk
    else
        sudo apt-get update && sudo apt-get install -y wrk
    fi
fi
command -v python3 >/dev/null 2>&1 || { log "python3 is required"; exit 2; }

if [ -n "${BARISTA_BIN:-}" ]; then
    BIN="$BARISTA_BIN"
else
    log "building release"
    swift build -c release --product barista >&2
    BIN="$(swift build -c release --show-bin-path)/barista"
fi
[ -x "$BIN" ] || { log "no executable at $BIN"; exit 2; }

WORK="$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/${BENCH_NAME:-barista-bench}.XXXXXX")"
DATA="$WORK/data"
SERVER_PID=""

stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 300); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            log "server did not stop within 30 s of SIGTERM; killing it"
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

cleanup() {
    stop_server
    if [ "${BENCH_KEEP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

FS_TYPE="$(stat -f -c %T "$WORK" 2>/dev/null || echo unknown)"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_healthy URL PID LOG: returns once URL/health answers; exits 2 (with the log's last lines)
# when the process PID dies or 300 s pass first.
wait_healthy() {
    local deadline=$((SECONDS + 300))
    until python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$1/health" 2>/dev/null; do
        if ! kill -0 "$2" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
            log "server at $1 did not answer GET /health; last lines of its log:"
            tail -n 40 "$3" >&2 || true
            exit 2
        fi
        sleep 0.2
    done
}

# start_server: `barista serve --no-train` on a free port (PORT, URL), log in $WORK/server.log,
# SERVER_PID set; returns once GET /health answers, exits 2 when it never does within 300 s.
start_server() {
    PORT="$(free_port)"
    URL="http://127.0.0.1:$PORT"
    log "starting the server on $URL"
    "$BIN" serve --data-dir "$DATA" --host 127.0.0.1 --port "$PORT" --no-train >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    wait_healthy "$URL" "$SERVER_PID" "$WORK/server.log"
}
