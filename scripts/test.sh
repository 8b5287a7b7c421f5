#!/usr/bin/env bash
# Run the test suite (sets itself up first, including Chromium and Java for the validators).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
exec .venv/bin/python -m pytest "$@"
