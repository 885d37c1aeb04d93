"""A linear undo history over core commands, with merging for continuous drags and a saved mark.

The editor mirrors this onto a QUndoStack; headless tools and tests use it directly. Listeners hear which
segments a change touched, which is what the renderer needs to mark them stale.
"""

from __future__ import annotations

from typing import Callable

from studio.core.commands import Command
from studio.core.model import Project

Listener = Callable[[set[str]], None]


class History:
    def __init__(self, project: Project):
        self.project = project
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self._merge_open = False
        self._clean_index: int | None = 0
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _notify(self, command: Command) -> None:
        touched = command.touched_segments(self.project)
        for listener in list(self._listeners):
            listener(touched)

    def push(self, command: Command, merge: bool = False) -> None:
        """Apply `command`. With `merge`, it folds into the previous command when both share a merge key and
        the merge window is still open (it closes on `seal()`, e.g. at mouse release)."""
        command.redo(self.project)
        top = self._done[-1] if self._done else None
        merged = (merge and self._merge_open and not self._undone and top is not None
                  and command.merge_key is not None and top.merge_key == command.merge_key and top.merge(command))
        if self._clean_index is not None and (
                self._clean_index > len(self._done) or (merged and self._clean_index == len(self._done))):
            self._clean_index = None  # the saved state is no longer reachable by undo or redo
        if not merged:
            self._done.append(command)
        self._undone.clear()
        self._merge_open = merge
        self._notify(command)

    def seal(self) -> None:
        self._merge_open = False

    def undo(self) -> bool:
        if not self._done:
            return False
        self._merge_open = False
        command = self._done.pop()
        command.undo(self.project)
        self._undone.append(command)
        self._notify(command)
        return True

    def redo(self) -> bool:
        if not self._undone:
            return False
        self._merge_open = False
        command = self._undone.pop()
        command.redo(self.project)
        self._done.append(command)
        self._notify(command)
        return True

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def undo_text(self) -> str:
        return self._done[-1].text if self._done else ""

    @property
    def redo_text(self) -> str:
        return self._undone[-1].text if self._undone else ""

    def labels(self) -> list[str]:
        return [c.text for c in self._done]

    def mark_clean(self) -> None:
        self._clean_index = len(self._done)

    @property
    def is_clean(self) -> bool:
        return self._clean_index == len(self._done)
