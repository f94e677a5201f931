# shellcheck shell=bash disable=SC2034  # MOTO_* are read by the scripts that source this file.
# Starts and stops moto_server from .venv on a free loopback port, for scripts/demo and bench/.
# Source it, then `moto_start LOG_DIR [NAME=VALUE...]`; it sets MOTO_PID, MOTO_PORT and MOTO_ENDPOINT.
# Call `moto_stop` from an EXIT trap: it stops the server by its PID and nothing else.

: "${SNAPSTEP_REPO_ROOT:?set SNAPSTEP_REPO_ROOT before sourcing moto.sh}"
MOTO_PID=""
MOTO_PORT=""
MOTO_ENDPOINT=""

# Asks the kernel for a port nobody holds; the small race until moto binds it is handled by moto_start retrying.
moto_free_port() {
    "$SNAPSTEP_REPO_ROOT/.venv/bin/python" -c '
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])'
}

# Succeeds once something answers HTTP on the port; a proxy from the environment must not see loopback traffic.
moto_answers() {
    "$SNAPSTEP_REPO_ROOT/.venv/bin/python" -c '
import sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
opener.open("http://127.0.0.1:%s/moto-api/data.json" % sys.argv[1], timeout=1).read()' "$1" 2>/dev/null
}

moto_start() {
    local log_dir="$1"
    shift
    local attempt log
    for attempt in 1 2 3; do
        MOTO_PORT="$(moto_free_port)"
        log="$log_dir/moto-$MOTO_PORT.log"
        # A session of its own keeps a Ctrl-C meant for the script away from moto: the script's trap stops it.
        # setsid does not fork here (a background job leads no group), so $! is moto's own PID.
        setsid env "$@" "$SNAPSTEP_REPO_ROOT/.venv/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" \
            >"$log" 2>&1 </dev/null &
        MOTO_PID=$!
        # Importing moto takes a second or two, more on a busy machine; give up after about 30.
        for _ in $(seq 1 150); do
            if moto_answers "$MOTO_PORT"; then
                MOTO_ENDPOINT="http://127.0.0.1:$MOTO_PORT"
                return 0
            fi
            # An exit this early usually means another process took the port first: try a fresh one.
            kill -0 "$MOTO_PID" 2>/dev/null || continue 2
            sleep 0.2
        done
        moto_stop
        echo "moto_server did not answer on port $MOTO_PORT within 30 s; see $log" >&2
        return 1
    done
    MOTO_PID=""
    echo "moto_server exited at once on three ports; see $log" >&2
    return 1
}

moto_stop() {
    [[ -n "$MOTO_PID" ]] || return 0
    local pid="$MOTO_PID"
    MOTO_PID=""
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
