#!/usr/bin/env bash
# Verifies the systemd units: `systemd-analyze verify` must print nothing on stderr for any unit (services and
# sockets), and the system service's offline security exposure must stay at or below 2.7. Runs without a running
# systemd. Usage: scripts/check-units.sh [UNIT_DIR [AGENTD_BINARY]] (defaults: systemd/ and the debug build).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "check-units: skipped, systemd-analyze is not installed" >&2
    exit 0
fi
units=${1:-systemd}
bin=${2:-"$(swift build --show-bin-path)/agentd"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# verify checks that ExecStart exists: point it at the built binary. A socket unit is checked together with the
# service it activates, so every unit is copied first.
for unit in "$units"/*.service "$units"/*.socket; do
    [ -e "$unit" ] || continue
    sed "s#^ExecStart=[^ ]*/agentd #ExecStart=$bin #" "$unit" > "$work/$(basename "$unit")"
done
for unit in "$work"/*; do
    errors=$(systemd-analyze verify "$unit" 2>&1 >/dev/null || true)
    if [ -n "$errors" ]; then
        echo "check-units: $(basename "$unit"): $errors" >&2
        exit 1
    fi
done
for service in "$work"/*.service; do
    exposure=$(systemd-analyze security --offline=yes "$service" 2>/dev/null | tail -n 1)
    echo "check-units: $(basename "$service"): $exposure"
done
# The system service (the one running as the account agentd) must stay at or below 2.7: 1.6 plus what the bwrap
# sandbox needs (user, mount, pid, network and IPC namespaces; no over-mounts of /proc: docs/operations.md).
system=$(grep -l '^User=agentd$' "$work"/*.service | head -n 1 || true)
if [ -n "$system" ]; then
    systemd-analyze security --offline=yes --threshold=27 "$system" >/dev/null
    echo "check-units: units verified, $(basename "$system") exposure at or below 2.7"
else
    echo "check-units: units verified (no system service among them)"
fi
