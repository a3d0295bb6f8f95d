#!/usr/bin/env bash
# The main job end to end, with no API key: build, start the bundled emulator and agentd on temporary
# paths, run a thirty-tool-call agent with agentctl, replay it from the ledger, show the daemon's status.
set -euo pipefail
cd "$(dirname "$0")/.."

# One build for the three products (agentd, agentctl, responses-emulator): separate `--product` builds compile the
# shared dependencies (swift-crypto, NIO) once per product.
swift build >&2
bin=$(swift build --show-bin-path)
work=$(mktemp -d /tmp/agentd-demo.XXXXXX)
export AGENTD_SOCKET="$work/agentd.sock"
cleanup() {
    [ -n "${daemon_pid:-}" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    [ -n "${emulator_pid:-}" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

"$bin/responses-emulator" --port 0 >"$work/emulator.url" 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 100); do [ -s "$work/emulator.url" ] && break; sleep 0.1; done
url=$(head -n1 "$work/emulator.url")
echo "emulator listening at $url" >&2

OPENAI_BASE_URL="$url" "$bin/agentd" --state-dir "$work/state" 2>"$work/agentd.log" &
daemon_pid=$!
for _ in $(seq 100); do grep -q "agentd ready" "$work/agentd.log" && break; sleep 0.1; done

mkdir -p "$work/project" && cd "$work/project"
echo "== agentctl start --model emu-tools-30 \"run the thirty-step check\"" >&2
"$bin/agentctl" start --model emu-tools-30 "run the thirty-step check"
run=$("$bin/agentctl" list --json | head -n1 | sed -E 's/.*"id":"([^"]+)".*/\1/')
echo "== agentctl attach $run --from 0 (replayed from the ledger)" >&2
"$bin/agentctl" attach "$run" --from 0 | tail -n 3
echo "== agentctl status" >&2
"$bin/agentctl" status
echo "== the ledger: $("$bin/agentctl" log --json "$run" | wc -l) events for $run" >&2
