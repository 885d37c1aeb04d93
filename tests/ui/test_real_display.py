"""Runs tests/ui/xcb_display.py on a real X11 display: Xvfb through xvfb-run, Qt's xcb platform. scripts/setup.sh
installs xvfb (CI runs it as root); only where xvfb-run is missing is this skipped, and the reason says so."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("xvfb-run") is None,
                    reason="xvfb-run is not installed: run scripts/setup.sh or apt-get install xvfb xauth")
def test_the_editor_on_a_real_x11_display():
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT))
    env.pop("DISPLAY", None)
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable, "-m", "pytest", "-q",
                           "-p", "no:cacheprovider", "tests/ui/xcb_display.py"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0 and " passed" in done.stdout and "skipped" not in done.stdout, \
        done.stdout[-6000:] + done.stderr[-2000:]
