"""Session-wide tiny Coqui models with random weights, built by scripts/make_tiny_models.py."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_tiny(out: Path) -> dict[str, Path]:
    spec = importlib.util.spec_from_file_location("make_tiny_models", ROOT / "scripts" / "make_tiny_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_all(out)
