"""The editor's handle on one open project: the document, its file, its undo stack and its voices.

Views never change the project themselves: they call `push(command)`, and listen to `changed` (which segments
a change touched) and `reset` (a different project was opened).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from studio.core import project_io
from studio.core.commands import Command
from studio.core.lexicon import merged
from studio.core.model import Project, Track, new_id
from studio.engine.voices.backbone import LexiconAnalyzer
from studio.engine.voices.registry import VoiceRegistry

from studio.ui.user_data import load_global_lexicon


class _Undoable(QUndoCommand):
    """A core command on Qt's undo stack. Qt merges commands with equal ids; ids come from core merge keys."""

    def __init__(self, document: "Document", command: Command, merge_generation: int | None):
        super().__init__(command.text)
        self.document, self.command = document, command
        # The generation changes at every seal(), so two separate drags of one point stay two undo steps.
        self.key = (command.merge_key, merge_generation)
        mergeable = merge_generation is not None and command.merge_key is not None
        self._id = (hash(self.key) & 0x3FFFFFFF) if mergeable else -1

    def id(self) -> int:
        return self._id

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _Undoable) or other.key != self.key:
            return False
        if not self.command.merge(other.command):
            return False
        self.setText(self.command.text)  # the history says where a run of merged steps ended, not where it began
        return True

    def redo(self) -> None:
        self.command.redo(self.document.project)
        self.document.changed.emit(self.command.touched_segments(self.document.project))

    def undo(self) -> None:
        self.command.undo(self.document.project)
        self.document.changed.emit(self.command.touched_segments(self.document.project))


class Document(QObject):
    changed = Signal(set)  # ids of segments whose content changed
    reset = Signal()  # a new project replaced the old one
    path_changed = Signal(str)

    def __init__(self, voices: VoiceRegistry | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.project = Project()
        self.path: Path | None = None
        self.voices = voices or VoiceRegistry()
        self.undo_stack = QUndoStack(self)
        self._generation = 0
        self.global_lexicon: dict[str, str] = load_global_lexicon()
        # Every analysis the editor asks for goes through the lexicon (project entries over global ones).
        self.analyzer = LexiconAnalyzer(self.voices, self.lexicon)

    def lexicon(self) -> dict[str, str]:
        return merged(self.project.lexicon, self.global_lexicon)

    def new(self) -> None:
        """An empty project with one narrator track on the neural voice, ready for a script. (The voice loads when
        the first line is analysed, off the GUI thread; where it cannot be had, analysis says so in one sentence.)"""
        from studio.core.model import SpeakerMix
        from studio.engine.voices.registry import NEURAL

        project = Project(tracks=[Track(new_id(), "Narrator", NEURAL, SpeakerMix())])
        self.project, self.path = project, None
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.reset.emit()
        self.path_changed.emit("")

    def push(self, command: Command, merge: bool = False) -> None:
        """Apply a command as one undo step. With `merge`, consecutive commands with one merge key stay one step
        until `seal()` (a slider drag, for instance)."""
        self.undo_stack.push(_Undoable(self, command, self._generation if merge else None))

    def seal(self) -> None:
        self._generation += 1

    def open(self, path: Path) -> None:
        """Load a project; raises ProjectFileError and leaves the current document as it was."""
        project = project_io.load(path)
        self.voices.use_designs(project.designs)  # its designed voices are found by name
        self.project, self.path = project, Path(path)
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.reset.emit()
        self.path_changed.emit(str(self.path))

    def replace(self, project: Project, path: Path | None = None) -> None:
        """Show a new project (an import); it is unsaved until the user saves it."""
        self.voices.use_designs(project.designs)
        self.project, self.path = project, path
        self.undo_stack.clear()
        self.undo_stack.resetClean()
        self.reset.emit()
        self.path_changed.emit(str(path) if path else "")

    def save(self, path: Path | None = None) -> None:
        target = Path(path) if path else self.path
        if target is None:
            raise ValueError("no file name")
        project_io.save(self.project, target)
        self.path = target
        self.undo_stack.setClean()
        self.path_changed.emit(str(target))
