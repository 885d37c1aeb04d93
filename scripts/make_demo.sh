#!/usr/bin/env bash
# Rebuilds the demo project (see scripts/make_demo.py).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python scripts/make_demo.py "$@"
