#!/usr/bin/env bash
# The test suite: every Swift test target (unit, socket and real-process integration tests), the systemd
# units' verification, then the emulator's conformance check against the official OpenAI Python SDK models.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --build-tests
swift test --skip-build
scripts/check-units.sh
scripts/emulator-sdk-check.sh
