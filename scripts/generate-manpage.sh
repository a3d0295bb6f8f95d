#!/usr/bin/env bash
# Writes docs/agentctl.1 from agentctl's command definitions (its --experimental-dump-help JSON).
# Usage: scripts/generate-manpage.sh [--check]   (--check: exit 1 when the committed page is out of date)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$(cd "$ROOT" && swift build --show-bin-path)/agentctl"
VERSION="$("$BIN" --version)"
PAGE="$(mktemp)"
trap 'rm -f "$PAGE"' EXIT
"$BIN" --experimental-dump-help | python3 "$ROOT/scripts/manpage.py" "$VERSION" >"$PAGE"
if [[ "${1:-}" == "--check" ]]; then
    if ! diff -u "$ROOT/docs/agentctl.1" "$PAGE"; then
        echo "manpage: docs/agentctl.1 is out of date; run scripts/generate-manpage.sh and commit it" >&2
        exit 1
    fi
    echo "manpage: docs/agentctl.1 is up to date" >&2
    exit 0
fi
cp "$PAGE" "$ROOT/docs/agentctl.1"
echo "manpage: wrote docs/agentctl.1" >&2
