#!/usr/bin/env bash
# Build every format of the sample story into output/serving-hope/ (sets itself up first).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/storyexport all source/serving-hope "$@"
