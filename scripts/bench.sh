#!/usr/bin/env bash
# Builds the benchmarks in release mode and runs them; prints each result line.
#   scripts/bench.sh            # every benchmark, several repetitions
#   scripts/bench.sh --quick    # one short repetition of each
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
[ "${1:-}" = "--quick" ] && quick=true
scratch=.build-release
swift build -c release --product agentd-bench --scratch-path "$scratch" >&2
bench="$scratch/release/agentd-bench"

echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
if $quick; then
    "$bench" turn-overhead --runs 2 2>/dev/null
    "$bench" ledger --events 20000 2>/dev/null
    "$bench" tool-spawn --iterations 100 2>/dev/null
    exit 0
fi
for _ in 1 2 3; do "$bench" turn-overhead --runs 10 --sync full 2>/dev/null; done
for _ in 1 2 3; do "$bench" turn-overhead --runs 10 --sync normal 2>/dev/null; done
for _ in 1 2 3; do "$bench" ledger --events 200000 2>/dev/null; done
for _ in 1 2 3; do "$bench" tool-spawn --iterations 500 2>/dev/null; done
