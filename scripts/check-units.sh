#!/usr/bin/env bash
# Verifies the systemd units: `systemd-analyze verify` must print nothing on stderr, and the system unit's
# offline security exposure must stay at or below 2.5. Runs without a running systemd.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "check-units: skipped, systemd-analyze is not installed" >&2
    exit 0
fi
bin="$(swift build --show-bin-path)/agentd"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for unit in systemd/*.service; do
    # verify checks that ExecStart exists: point it at the built binary.
    sed "s#/usr/local/bin/agentd#$bin#" "$unit" > "$work/$(basename "$unit")"
    errors=$(systemd-analyze verify "$work/$(basename "$unit")" 2>&1 >/dev/null || true)
    if [ -n "$errors" ]; then
        echo "check-units: $unit: $errors" >&2
        exit 1
    fi
done
systemd-analyze security --offline=yes --threshold=25 "$work/agentd-system.service" | tail -n 1
echo "check-units: units verified"
