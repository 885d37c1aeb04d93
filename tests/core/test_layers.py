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


def _studio_packages_after_import(module: str) -> set[str]:
    code = (f"import json, sys, importlib, pkgutil, {module.split(',')[0].strip()}; "
            f"[importlib.import_module(m.strip()) for m in {module!r}.split(',')]; "
            "print(json.dumps(sorted({'.'.join(m.split('.')[:2]) for m in sys.modules if m.startswith('studio.')})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def _all_modules(package: str) -> str:
    import importlib
    import pkgutil

    pkg = importlib.import_module(package)
    return ", ".join(m.name for m in pkgutil.walk_packages(pkg.__path__, package + ".")
                     if ".coqui" not in m.name and not m.name.endswith("espeak_worker"))


def test_arrows_point_one_way_core_interchange_engine_production():
    """core sees nothing above it; engine and interchange do not see each other or production (issue 14)."""
    core = _studio_packages_after_import(_all_modules("studio.core"))
    assert "studio.core" in core and not {"studio.engine", "studio.interchange", "studio.production",
                                          "studio.ui"} & core
    interchange = _studio_packages_after_import(_all_modules("studio.interchange"))
    assert "studio.interchange" in interchange
    assert not {"studio.engine", "studio.production", "studio.ui"} & interchange
    engine = _studio_packages_after_import(_all_modules("studio.engine"))
    assert "studio.engine" in engine
    assert not {"studio.interchange", "studio.production", "studio.ui"} & engine
    production = _studio_packages_after_import(_all_modules("studio.production"))
    assert {"studio.engine", "studio.interchange", "studio.production"} <= production and "studio.ui" not in production
