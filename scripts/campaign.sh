#!/usr/bin/env bash
# The fault campaign: builds agentd in release mode, then injects faults into real processes on loopback and
# writes docs/reliability.md (one row per fault: what, how many times, what was checked, failures, how to rerun).
#
#   scripts/campaign.sh                       # everything (< 30 min on 2 cores)
#   scripts/campaign.sh --quick               # small counts, for development (under a minute)
#   scripts/campaign.sh --only kills --seed 42 [--count 20]   # one section again, same random choices
#
# Sections: kills (SIGKILL at ≥ 200 random points, exactly-once journal check), drops (≥ 200 upstream drops),
# expiry (connection expiry storms), fuzz (100,000 control frames), disk (full disk on a tmpfs: needs root),
# leak (RSS after 1,000 runs vs after 100), hostile (500 runs of emu-hostile-mix-SEED models calling tools the
# run was not given, unknown tools and repeated call ids: clear end, nothing refused executed, no loop, ledger verifies).
# Options: --no-build, --doc FILE. Environment: AGENTD_BIN_DIR (binaries to use; implies --no-build).
# Exits non-zero when any check failed; failures are listed in the document with run id and seed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

build=true
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-build) build=false ;;
        --quick) args+=(--quick) ;;
        --only|--seed|--count|--doc) args+=("$1" "$2"); shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "campaign.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
    shift
done

command -v sqlite3 >/dev/null || { echo "campaign.sh: needs the sqlite3 command (integrity_check)" >&2; exit 1; }
if [[ -n "${AGENTD_BIN_DIR:-}" ]]; then
    build=false
else
    export AGENTD_BIN_DIR="$ROOT/.build-release/release"
fi
BUILD_LOG="${TMPDIR:-/tmp}/agentd-release-build.log"
if $build; then
    for product in agentd agentctl responses-emulator; do
        echo "campaign: swift build -c release --scratch-path .build-release --product $product" >&2
        if ! swift build -c release --scratch-path .build-release --product "$product" >"$BUILD_LOG" 2>&1; then
            grep -E "error" "$BUILD_LOG" | head -20 >&2
            echo "campaign: $product did not build (full log: $BUILD_LOG)" >&2
            exit 1
        fi
    done
fi
exec python3 "$ROOT/scripts/bench/campaign.py" "${args[@]}"
