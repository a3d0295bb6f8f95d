#!/usr/bin/env bash
# The test suite: every Swift test target (unit, socket and real-process integration tests), then the
# emulator's conformance check against the official OpenAI Python SDK models.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --build-tests
swift test --skip-build 2>&1 | tee /tmp/agentd-swift-test.log
scripts/emulator-sdk-check.sh
