"""The base of every change to a document: Command, Macro (several commands as one undo step) and SetField, the
small setter that most commands are.

A command validates its input when it is made, changes the project in `redo` and restores it exactly in
`undo`. Commands with the same non-None `merge_key` merge while the history's merge window is open, so a
continuous drag or slider move becomes one undo step. The editor wraps them in QUndoCommands; the headless
tools and the tests use `History` directly.
"""

from __future__ import annotations

from typing import Any

from studio.core.model import Project


class Command:
    text = "Edit"
    merge_key: tuple | None = None

    def redo(self, project: Project) -> None:
        raise NotImplementedError

    def undo(self, project: Project) -> None:
        raise NotImplementedError

    def merge(self, other: "Command") -> bool:
        """Absorb `other` (already applied) into self. Only called when merge keys are equal."""
        return False

    def touched_segments(self, project: Project) -> set[str]:
        """Segments whose sound this command changes; the renderer marks them stale."""
        return set()


class Macro(Command):
    """Several commands as one undo step."""

    def __init__(self, commands: list[Command], text: str):
        self.commands, self.text = list(commands), text

    def redo(self, project: Project) -> None:
        for c in self.commands:
            c.redo(project)

    def undo(self, project: Project) -> None:
        for c in reversed(self.commands):
            c.undo(project)

    def touched_segments(self, project: Project) -> set[str]:
        return set().union(*(c.touched_segments(project) for c in self.commands)) if self.commands else set()


class SetField(Command):
    """Set one attribute of one object of the project; the subclass says which object. The old value is read the
    first time the command is applied, so a merged run of edits undoes to before the first of them."""

    def __init__(self, attr: str, value: Any, text: str):
        self.attr, self.value, self.text = attr, value, text
        self.old: Any = None
        self._have_old = False

    def _target(self, project: Project):
        raise NotImplementedError

    def redo(self, project: Project) -> None:
        obj = self._target(project)
        if not self._have_old:
            self.old, self._have_old = getattr(obj, self.attr), True
        setattr(obj, self.attr, self.value)

    def undo(self, project: Project) -> None:
        setattr(self._target(project), self.attr, self.old)

    def merge(self, other: Command) -> bool:
        self.value = other.value
        return True

