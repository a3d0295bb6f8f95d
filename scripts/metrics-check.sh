#!/usr/bin/env bash
# Runs a real run (responses-emulator + agentd + agentctl, built binaries), then parses
# `agentctl stats --prometheus` with the official Python parser (prometheus_client, pinned, in a throwaway
# venv) and checks the expected families exist with sane values (scripts/metrics_check.py).
# Usage: scripts/metrics-check.sh   (expects `swift build` to have built the products)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLIENT_VERSION="${PROMETHEUS_CLIENT_VERSION:-0.26.0}"
WORK="$(mktemp -d /tmp/agentd-metrics.XXXXXX)"   # short: a Unix socket path has at most 107 bytes
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

# Waits up to $2 tenths of a second for file $1 to be non-empty (or to contain $3 when given).
wait_for() {
    for _ in $(seq 1 "$2"); do
        if [[ -s "$1" ]] && { [[ -z "${3:-}" ]] || grep -q "$3" "$1"; }; then return 0; fi
        sleep 0.1
    done
    echo "metrics-check: timed out waiting for $1" >&2
    cat "$WORK"/*.log >&2 || true
    return 1
}

echo "metrics-check: creating venv with prometheus_client==$CLIENT_VERSION" >&2
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q --disable-pip-version-check "prometheus_client==$CLIENT_VERSION" >&2

BIN="$(cd "$ROOT" && swift build --show-bin-path)"
mkdir -p "$WORK/work"
"$BIN/responses-emulator" --port 0 >"$WORK/url" 2>"$WORK/emulator.log" &
PIDS+=($!)
wait_for "$WORK/url" 100
URL="$(head -n 1 "$WORK/url")"

OPENAI_BASE_URL="$URL" OPENAI_API_KEY=sk-metrics-check "$BIN/agentd" \
    --socket "$WORK/agentd.sock" --state-dir "$WORK/state" 2>"$WORK/agentd.log" &
PIDS+=($!)
wait_for "$WORK/agentd.log" 100 "agentd ready"

export AGENTD_SOCKET="$WORK/agentd.sock"
(cd "$WORK/work" && "$BIN/agentctl" start --model emu-tools-3 "three tool calls for the metrics check" >/dev/null)
"$BIN/agentctl" stats --prometheus >"$WORK/metrics.txt"
"$WORK/venv/bin/python" "$ROOT/scripts/metrics_check.py" <"$WORK/metrics.txt"
