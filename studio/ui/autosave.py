"""Crash safety: a recovery copy of unsaved work, written a few seconds after the last change.

The copy goes to the user's data folder (atomically, like every save), tagged with the file it belongs to. A
clean save or a clean exit deletes it, so a recovery file found at start means the last session ended without
either; the editor then offers to open it.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from studio.core import project_io

from studio.ui.document import Document

IDLE_MS = 3000


def default_recovery_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "speech-studio" / "recovery"


@dataclass(frozen=True)
class Recovery:
    project_file: Path
    original: str | None
    saved_at: float


def find_recoveries(folder: Path | None = None) -> list[Recovery]:
    folder = folder or default_recovery_dir()
    found = []
    for meta in sorted(folder.glob("*.meta.json")):
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            project_file = meta.with_name(meta.name.replace(".meta.json", ".json"))
            if project_file.is_file():
                found.append(Recovery(project_file, info.get("original"), float(info.get("saved_at", 0))))
        except (OSError, ValueError):
            continue
    return found


def discard(recovery: Recovery) -> None:
    recovery.project_file.unlink(missing_ok=True)
    recovery.project_file.with_name(recovery.project_file.name.replace(".json", ".meta.json")).unlink(missing_ok=True)


class Autosave(QObject):
    def __init__(self, document: Document, folder: Path | None = None, idle_ms: int = IDLE_MS, parent=None):
        super().__init__(parent)
        self.document = document
        self.folder = folder or default_recovery_dir()
        name = f"session-{uuid.uuid4().hex[:10]}"
        self.file = self.folder / f"{name}.json"
        self.meta = self.folder / f"{name}.meta.json"
        self.timer = QTimer(self, singleShot=True, interval=idle_ms)
        self.timer.timeout.connect(self.write)
        # Bound methods and the signals' own arguments, not lambdas that reach back into the stack: the stack
        # emits while it is being destroyed, when it can no longer be asked anything.
        self._clean = True
        document.undo_stack.indexChanged.connect(self._changed)
        document.undo_stack.cleanChanged.connect(self._clean_changed)

    def _clean_changed(self, clean: bool) -> None:
        self._clean = clean
        if clean:
            self.clear()
        else:
            self.timer.start()

    def _changed(self, _index: int) -> None:
        # The stack says "index changed" before "no longer clean", so start now and check when writing.
        self.timer.start()  # restarts: a burst of edits writes once, after the user pauses

    def write(self) -> bool:
        if self._clean:
            return False  # nothing unsaved (an undo back to the saved state)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            project_io.save(self.document.project, self.file)
            original = str(self.document.path) if self.document.path else None
            self.meta.write_text(json.dumps({"original": original, "saved_at": time.time()}), encoding="utf-8")
            return True
        except OSError:
            return False  # a full disk must not interrupt editing; the next change tries again

    def clear(self) -> None:
        self.timer.stop()
        self.file.unlink(missing_ok=True)
        self.meta.unlink(missing_ok=True)
