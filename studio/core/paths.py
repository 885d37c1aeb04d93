"""Where the repository's own data lives: model manifests and cards (models/), the demo project and test speech
(assets/). One place, so that moving a module never breaks a path counted in parent folders."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent  # the checkout (studio/core/paths.py -> ../../..)
MODELS = ROOT / "models"
DEMO_PROJECT = ROOT / "assets" / "demo" / "demo.studio.json"
