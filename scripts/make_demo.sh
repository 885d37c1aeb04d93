#!/usr/bin/env bash
# Rebuilds the demo project from its script, e.g. after a change to the project format or the embedded voice.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/studio new assets/demo/lighthouse.txt -o assets/demo/demo.studio.json
