#!/usr/bin/env bash
# Builds agentd in release mode, runs every benchmark several times and the side-by-side comparison with the
# official OpenAI Python SDK, and writes the generated block of docs/benchmarks.md.
#
#   scripts/bench.sh                  # full: every agentd-bench subcommand 3×, side by side 5 runs each (< 15 min)
#   scripts/bench.sh --quick          # one repetition with small counts, side by side 1 run each (< 2 min)
#   scripts/bench.sh --soak           # soak: 200 concurrent runs for 10 minutes over 4 connections (docs/benchmarks.md)
#   scripts/bench.sh --soak --minutes 1 --runs 50   # a short trial of the soak
#
# Options: --no-build (use the binaries already in .build-release), --doc FILE (write elsewhere).
# Environment: AGENTD_BIN_DIR (binaries to use instead of .build-release/release, implies --no-build),
# BENCH_VENV (an existing venv with openai[realtime]==3.57.0 and matplotlib, to skip the install),
# OPENAI_SDK_VERSION (default 3.57.0).
# The SDK is installed into a throwaway venv under ${TMPDIR:-/tmp} (removed on exit), never into the test suite.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SDK_VERSION="${OPENAI_SDK_VERSION:-3.57.0}"

quick=false soak=false build=true
minutes=10 soak_runs=200 doc="$ROOT/docs/benchmarks.md"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) quick=true ;;
        --soak) soak=true ;;
        --minutes) minutes="$2"; shift ;;
        --runs) soak_runs="$2"; shift ;;
        --no-build) build=false ;;
        --doc) doc="$2"; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
    shift
done

started=$(date +%s)
WORK="$(mktemp -d "${TMPDIR:-/tmp}/agentd-bench.XXXXXX")"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT

if [[ -n "${AGENTD_BIN_DIR:-}" ]]; then
    build=false
else
    export AGENTD_BIN_DIR="$ROOT/.build-release/release"
fi
BUILD_LOG="${TMPDIR:-/tmp}/agentd-release-build.log"
if $build; then
    for product in agentd agentctl responses-emulator agentd-bench; do
        echo "bench: swift build -c release --scratch-path .build-release --product $product" >&2
        if ! swift build -c release --scratch-path .build-release --product "$product" >"$BUILD_LOG" 2>&1; then
            grep -E "error" "$BUILD_LOG" | head -20 >&2
            echo "bench: $product did not build (full log: $BUILD_LOG)" >&2
            exit 1
        fi
    done
    echo "bench: build done in $(( $(date +%s) - started )) s" >&2
fi

if [[ -n "${BENCH_VENV:-}" ]]; then
    PY="$BENCH_VENV/bin/python"
else
    echo "bench: creating a throwaway venv with openai[realtime]==$SDK_VERSION and matplotlib" >&2
    python3 -m venv "$WORK/venv"
    PY="$WORK/venv/bin/python"
    if ! "$WORK/venv/bin/pip" install -q --disable-pip-version-check "openai[realtime]==$SDK_VERSION" matplotlib >&2
    then
        # Go on: the agentd-bench rows do not need the SDK; the side-by-side rows then say why they are missing.
        echo "bench: WARNING: pip could not install the SDK; the side by side will be reported as not measured" >&2
    fi
fi

if $soak; then
    "$PY" "$ROOT/scripts/bench/soak.py" --minutes "$minutes" --runs "$soak_runs" --doc "$doc"
else
    args=(--venv-python "$PY" --doc "$doc")
    $quick && args+=(--quick)
    python3 "$ROOT/scripts/bench/run_benchmarks.py" "${args[@]}"
fi
echo "bench: finished in $(( $(date +%s) - started )) s" >&2
