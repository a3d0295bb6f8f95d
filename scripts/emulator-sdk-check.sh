#!/usr/bin/env bash
# Builds and starts responses-emulator, then validates every event it sends against the official OpenAI Python
# SDK (openai[realtime]==3.63.0, installed into a throwaway venv) with scripts/emulator_sdk_check.py.
# Exits with the check's status. Usage: scripts/emulator-sdk-check.sh   (env OPENAI_SDK_VERSION to override)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SDK_VERSION="${OPENAI_SDK_VERSION:-3.63.0}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/emulator-sdk-check.XXXXXX")"
EMULATOR_PID=""

cleanup() {
    if [[ -n "$EMULATOR_PID" ]] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
        kill -TERM "$EMULATOR_PID" 2>/dev/null || true
        wait "$EMULATOR_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

echo "sdk-check: creating venv with openai[realtime]==$SDK_VERSION" >&2
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q --disable-pip-version-check "openai[realtime]==$SDK_VERSION" >&2

echo "sdk-check: building responses-emulator" >&2
(cd "$ROOT" && swift build --product responses-emulator >&2)
BIN="$(cd "$ROOT" && swift build --product responses-emulator --show-bin-path)/responses-emulator"

"$BIN" --port 0 --context-window 4000 >"$WORK/url" 2>"$WORK/emulator.log" &
EMULATOR_PID=$!

URL=""
for _ in $(seq 1 100); do   # up to 10 s for the single URL line
    if [[ -s "$WORK/url" ]]; then URL="$(head -n 1 "$WORK/url")"; break; fi
    if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then break; fi
    sleep 0.1
done
if [[ -z "$URL" ]]; then
    echo "sdk-check: emulator did not print its URL" >&2
    cat "$WORK/emulator.log" >&2
    exit 1
fi
echo "sdk-check: emulator at $URL" >&2

set +e
"$WORK/venv/bin/python" "$ROOT/scripts/emulator_sdk_check.py" "$URL"
STATUS=$?
set -e
if [[ $STATUS -ne 0 ]]; then
    echo "sdk-check: emulator log follows" >&2
    tail -n 50 "$WORK/emulator.log" >&2
fi
exit $STATUS
