"""The main window: script panel, segment timeline, menus with the standard shortcuts, and the status line.

Errors from loading, saving or analysing are shown as one sentence in the status bar and never as a traceback;
a failed open leaves the current project in place.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QSplitter, QUndoView

from studio.core.analysis import AnalysisError
from studio.core.project_io import ProjectFileError

from .document import Document
from .script_panel import ScriptPanel
from .segment_view import SegmentView

PROJECT_FILTER = "Speech Studio projects (*.json);;All files (*)"


class MainWindow(QMainWindow):
    def __init__(self, document: Document | None = None):
        super().__init__()
        self.document = document or Document(parent=self)
        self.script = ScriptPanel(self.document)
        self.segment_view = SegmentView(self.document)
        self.history = QUndoView(self.document.undo_stack)
        self.history.setEmptyLabel("Opened project")
        split = QSplitter(Qt.Vertical)
        top = QSplitter(Qt.Horizontal)
        top.addWidget(self.script)
        top.addWidget(self.history)
        top.setStretchFactor(0, 4)
        top.setStretchFactor(1, 1)
        split.addWidget(top)
        split.addWidget(self.segment_view)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        self.setCentralWidget(split)
        self.message = QLabel()
        self.statusBar().addWidget(self.message, 1)
        self.script.segment_selected.connect(self.segment_view.show_segment)
        self.script.error.connect(self.show_error)
        self.document.reset.connect(self._on_reset)
        self.document.undo_stack.cleanChanged.connect(lambda _clean: self._update_title())
        self.document.path_changed.connect(lambda _p: self._update_title())
        self._build_menus()
        self.resize(1200, 760)
        self._update_title()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&Open…", QKeySequence.Open, self.ask_open)
        self._action(file_menu, "&Save", QKeySequence.Save, self.save)
        self._action(file_menu, "Save &As…", QKeySequence.SaveAs, self.ask_save_as)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", QKeySequence.Quit, self.close)
        edit_menu = self.menuBar().addMenu("&Edit")
        undo = self.document.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts([QKeySequence.Undo])
        redo = self.document.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.Redo])
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)

    def _action(self, menu, text, shortcut, slot) -> QAction:
        action = QAction(text, self)
        action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _update_title(self) -> None:
        name = self.document.path.name if self.document.path else "Untitled"
        dirty = "" if self.document.undo_stack.isClean() else " *"
        self.setWindowTitle(f"{name}{dirty} — Speech Studio")

    def _on_reset(self) -> None:
        self._update_title()
        if self.document.project.segments:
            self.script.select_segment(self.document.project.segments[0].id)

    def show_error(self, message: str) -> None:
        self.message.setStyleSheet("color: #ff8080;")
        self.message.setText(message)

    def show_info(self, message: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(message)

    def open_path(self, path: Path) -> bool:
        try:
            self.document.open(path)
        except (ProjectFileError, AnalysisError) as exc:
            self.show_error(str(exc))
            return False
        self.show_info(f"Opened {path.name}: {len(self.document.project.segments)} segments.")
        return True

    def ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", "", PROJECT_FILTER)
        if path:
            self.open_path(Path(path))

    def save(self) -> bool:
        if self.document.path is None:
            return self.ask_save_as()
        return self._save_to(self.document.path)

    def ask_save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(self, "Save project", "", PROJECT_FILTER)
        return bool(path) and self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            self.document.save(path)
        except OSError as exc:
            self.show_error(f"Could not save {path.name} ({exc.strerror or exc}); your work is still open, "
                            "try another folder.")
            return False
        self.show_info(f"Saved {path.name}.")
        return True
