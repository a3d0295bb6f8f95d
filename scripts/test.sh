#!/usr/bin/env bash
# The test suite: every Swift test target (unit, socket and real-process integration tests), the systemd
# units' verification, install.sh/uninstall.sh in temporary directories, the emulator's conformance check against the official OpenAI Python SDK models, then
# `agentctl stats --prometheus` parsed by the official prometheus_client parser after a real run, and the check
# that docs/agentctl.1 matches the command definitions, and `agentctl acp` driven by the official ACP Python SDK
# against real processes (scripts/acp-check.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
watchdog_pid=
trap 'rm -f "$log"; [ -z "$watchdog_pid" ] || kill "$watchdog_pid" 2>/dev/null || true' EXIT
swift build --build-tests --explicit-target-dependency-import-check error
# A hung test must not run out CI's clock in silence: after 35 minutes (the suite takes about 6 here) the watchdog
# prints the tests that started and never ended and the processes still alive, then stops the test run.
watchdog() {
    sleep 2100 </dev/null >/dev/null 2>&1
    {
        echo "test.sh: the Swift tests did not end within 35 minutes. Started and not ended:"
        grep -oE '(Test|Suite) [^ ]+.* started' "$log" | sed -E 's/ started$//' | while read -r line; do
            name=${line#* }
            grep -qF "$name passed" "$log" || grep -qF "$name failed" "$log" || echo "  $line"
        done
        echo "Processes:"
        ps -eo pid,ppid,etimes,stat,args --forest | grep -v 'ps -eo'
    } >&2
    pkill -TERM -f 'agentdPackageTests' || true
}
watchdog &
watchdog_pid=$!
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
