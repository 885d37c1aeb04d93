"""The layer rules from DESIGN.md: core imports no Qt, torch or TTS; engine imports no Qt; the import contracts
in pyproject.toml hold and no import cycle exists."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# `lint-imports`, run by this interpreter (the console script may not be on PATH)
LINT_IMPORTS = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                "sys.exit(lint_imports_command())", "--no-cache"]

HEAVY = ("PySide6", "torch", "TTS", "pyqtgraph", "shiboken6")


def _loaded_after_import(module: str) -> list[str]:
    code = (f"import json, sys, {module}; "
            f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_core_imports_no_qt_torch_or_tts():
    loaded = _loaded_after_import("studio.core, studio.core.commands, studio.core.history, "
                                  "studio.core.project_io, studio.core.script, studio.core.retext")
    assert "studio" in loaded  # the probe really imported something
    assert not set(HEAVY) & set(loaded)


def test_engine_imports_no_qt():
    loaded = _loaded_after_import("studio.engine.voices.registry, studio.engine.voices.embedded.voice, "
                                  "studio.engine.voices.backbone")
    assert "numpy" in loaded
    assert not {"PySide6", "pyqtgraph", "shiboken6"} & set(loaded)


def test_headless_cli_imports_no_qt():
    loaded = _loaded_after_import("studio.cli")
    assert not {"PySide6", "torch", "TTS"} & set(loaded)


def test_import_contracts_hold():
    """The layer rules in pyproject.toml ([tool.importlinter]): import-linter reads every import, those inside
    functions too, so an arrow up hidden in a function body fails here."""
    out = subprocess.run(LINT_IMPORTS, capture_output=True, text=True,
                         cwd=ROOT)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "broken" not in out.stdout.lower().replace("0 broken", "")


def test_no_import_cycle_in_studio():
    """No module reaches itself through its imports, counting imports inside functions (grimp's graph, the one
    import-linter checks). 38 edges sat on cycles before the engine was split into rooms."""
    import grimp

    graph = grimp.build_graph("studio")
    on_cycles = [(a, b) for a in sorted(graph.modules) for b in graph.find_modules_directly_imported_by(a)
                 if graph.find_shortest_chain(importer=b, imported=a)]
    assert on_cycles == []


def test_a_contract_breach_is_caught(tmp_path):
    """The check can fail: a copy of the package where core imports the UI inside a function breaks the layers."""
    import shutil

    shutil.copytree(ROOT / "studio", tmp_path / "studio")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with open(tmp_path / "studio" / "core" / "words.py", "a") as f:
        f.write("\n\ndef _sneak():\n    from studio.ui import app  # noqa: F401\n")
    env = {**__import__("os").environ, "PYTHONPATH": str(tmp_path)}
    out = subprocess.run(LINT_IMPORTS, capture_output=True, text=True,
                         cwd=tmp_path, env=env)
    assert out.returncode != 0
    assert "studio.core.words -> studio.ui.app" in out.stdout
