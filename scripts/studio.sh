#!/usr/bin/env bash
# Opens the editor on the demo project (or runs any `studio` subcommand). Sets everything up first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/studio "$@"
