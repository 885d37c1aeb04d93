"""The layer rules from DESIGN.md: core imports no Qt, torch or TTS; engine imports no Qt."""

import json
import subprocess
import sys

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
    loaded = _loaded_after_import("studio.engine.voices, studio.engine.embedded, studio.engine.backbone")
    assert "numpy" in loaded
    assert not {"PySide6", "pyqtgraph", "shiboken6"} & set(loaded)


def test_headless_cli_imports_no_qt():
    loaded = _loaded_after_import("studio.cli")
    assert not {"PySide6", "torch", "TTS"} & set(loaded)
