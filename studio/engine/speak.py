"""Moved to studio.production.speak (issue 14: what speaks a script sits above engine and interchange).

Kept only so that studio/ui/main_window.py, owned by another change, keeps importing `build` until it imports
from studio.production directly; the lookup is lazy, so importing the engine never loads production.
Delete this file once nothing imports studio.engine.speak.
"""


def __getattr__(name: str):
    from studio.production import speak

    return getattr(speak, name)
