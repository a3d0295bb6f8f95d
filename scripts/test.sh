#!/usr/bin/env bash
# The test suite: every Swift test target (unit, socket and real-process integration tests), the systemd
# units' verification, install.sh/uninstall.sh in temporary directories, the emulator's conformance check against the official OpenAI Python SDK models, then
# `agentctl stats --prometheus` parsed by the official prometheus_client parser after a real run, and the check
# that docs/agentctl.1 matches the command definitions, and `agentctl acp` driven by the official ACP Python SDK
# against real processes (scripts/acp-check.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT
swift build --build-tests --explicit-target-dependency-import-check error
# At most 6 tests at a time: every suite runs real sockets and processes on 2 cores, and an unbounded fan-out of
# tests made the machine so busy that a slower host missed the tests' connect and exit deadlines.
swift test --skip-build --experimental-maximum-parallelization-width 6 2>&1 | tee "$log"
scripts/check-units.sh
scripts/check-install.sh
scripts/emulator-sdk-check.sh
scripts/metrics-check.sh
scripts/acp-check.sh
scripts/generate-manpage.sh --check

# Every step passed (set -e): close with the totals on one line.
swift_tests=$(grep -oE 'Test run with [0-9]+ tests' "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
echo "all: $((swift_tests + 6)) passed, 0 failed"
