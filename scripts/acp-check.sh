#!/usr/bin/env bash
# Drives `agentctl acp` with the official Agent Client Protocol Python SDK (agent-client-protocol==0.12.1, in a
# throwaway venv) as the editor, against a real agentd and responses-emulator on temporary paths, validating every
# message against the SDK's schema models (scripts/acp_check.py). Exits with the check's status.
# Usage: scripts/acp-check.sh   (env ACP_SDK_VERSION to override; ACP_CHECK_ONLY=WORDS runs the matching checks)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SDK_VERSION="${ACP_SDK_VERSION:-0.12.1}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/acp-check-venv.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

echo "acp-check: creating venv with agent-client-protocol==$SDK_VERSION" >&2
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q --disable-pip-version-check "agent-client-protocol==$SDK_VERSION" >&2

echo "acp-check: building agentd, agentctl, responses-emulator" >&2
(cd "$ROOT" && for product in agentd agentctl responses-emulator; do swift build --product "$product" >&2; done)
BIN="$(cd "$ROOT" && swift build --show-bin-path)"

"$WORK/venv/bin/python" "$ROOT/scripts/acp_check.py" "$BIN"
