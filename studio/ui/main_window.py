"""The main window: script panel, timeline, voice mixer, transport bar, undo history, menus and shortcuts.

Errors from loading, saving, analysing or rendering are shown as one sentence in the status bar and never as a
traceback; a failed open leaves the current project in place.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressBar, QSplitter,
                               QToolBar, QUndoView)

from studio.core.analysis import AnalysisError
from studio.core.project_io import ProjectFileError, is_project_file
from studio.engine.mixdown import mix, stems

from .autosave import Autosave, discard, find_recoveries
from .document import Document
from .mixer import VoiceMixer
from .player import Player, default_sink
from .render_controller import RenderController
from .script_panel import ScriptPanel
from .timeline import Timeline

PROJECT_FILTER = "Speech Studio projects (*.studio.json *.json);;All files (*)"
PROJECT_SUFFIX = ".studio.json"
SCRIPT_SUFFIXES = (".txt", ".ssml", ".srt", ".vtt")
IMPORT_FILTER = "Scripts and subtitles (*.txt *.ssml *.srt *.vtt);;All files (*)"
MAX_RECENT = 8


class MainWindow(QMainWindow):
    def __init__(self, document: Document | None = None, settings: QSettings | None = None,
                 sink_factory=default_sink, render_cache=None, recovery_dir: Path | None = None):
        super().__init__()
        self.settings = settings or QSettings()
        self.document = document or Document(parent=self)
        self.render = RenderController(self.document, cache=render_cache, parent=self)
        self.player = Player(sink_factory, parent=self)
        self.autosave = Autosave(self.document, recovery_dir, parent=self)
        self.script = ScriptPanel(self.document)
        self.timeline = Timeline(self.document, self.render)
        self.mixer = VoiceMixer(self.document)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.script)
        split.addWidget(self.timeline)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        self.setCentralWidget(split)
        self._dock("Voice mixer", self.mixer, Qt.RightDockWidgetArea)
        self.history = QUndoView(self.document.undo_stack)
        self.history.setEmptyLabel("Opened project")
        self._dock("History", self.history, Qt.RightDockWidgetArea)
        self.message = QLabel()
        self.render_state = QLabel()
        self.statusBar().addWidget(self.message, 1)
        self.statusBar().addPermanentWidget(self.render_state)
        self.busy_bar = QProgressBar()
        self.busy_bar.setMaximumWidth(220)
        self.busy_bar.hide()
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.import_job = None
        self.export_dialog = None
        self._build_transport()
        self._build_menus()
        self.setAcceptDrops(True)
        self.script.segment_selected.connect(self._segment_selected)
        self.script.error.connect(self.show_error)
        self.mixer.error.connect(self.show_error)
        self.render.voice_failed.connect(self.show_error)
        self.render.status_changed.connect(lambda *_: self._update_render_state())
        self.player.position_changed.connect(self.timeline.set_playhead)
        self.player.message.connect(self.show_error)
        self.player.playing_changed.connect(lambda on: self.play_action.setText("Pause" if on else "Play"))
        self.timeline.cursor_moved.connect(self.render.set_playhead)
        self.document.reset.connect(self._on_reset)
        self.document.undo_stack.cleanChanged.connect(self._update_title)
        self.document.path_changed.connect(lambda _p: self._update_title())
        self.resize(1400, 900)
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
            self.restoreState(self.settings.value("window/state"))
        self._update_title()

    def _dock(self, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # ---- menus and transport --------------------------------------------------------------------------------
    def _action(self, menu, text, shortcut, slot) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        action.triggered.connect(slot)
        if menu is not None:
            menu.addAction(action)
        self.addAction(action)
        return action

    def _build_transport(self) -> None:
        bar = QToolBar("Transport", self)
        bar.setObjectName("Transport")
        self.addToolBar(Qt.TopToolBarArea, bar)
        self.play_action = self._action(None, "Play", "Space", self.toggle_play)
        bar.addAction(self.play_action)
        bar.addAction(self._action(None, "Play segment", "Ctrl+Space", self.play_segment))
        bar.addAction(self._action(None, "Play from cursor", "Shift+Space", self.play_from_cursor))
        self.loop_action = self._action(None, "Loop view", "L", lambda: None)
        self.loop_action.setCheckable(True)
        bar.addAction(self.loop_action)
        bar.addAction(self._action(None, "Stop", "Escape", self.player.stop))

    def _build_menus(self) -> None:
        m = self.menuBar().addMenu("&File")
        self._action(m, "&New", QKeySequence.New, self.new_project)
        self._action(m, "&Open…", QKeySequence.Open, self.ask_open)
        self._action(m, "&Import script…", "Ctrl+I", self.ask_import)
        self.recent_menu = m.addMenu("Open &recent")
        self._fill_recent()
        self._action(m, "&Save", QKeySequence.Save, self.save)
        self._action(m, "Save &As…", QKeySequence.SaveAs, self.ask_save_as)
        m.addSeparator()
        self._action(m, "&Export…", "Ctrl+E", self.show_export)
        m.addSeparator()
        self._action(m, "&Quit", QKeySequence.Quit, self.close)
        m = self.menuBar().addMenu("&Edit")
        undo = self.document.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts([QKeySequence.Undo])
        redo = self.document.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.Redo])
        m.addAction(undo)
        m.addAction(redo)
        m.addSeparator()
        self._action(m, "Raise selection", "Ctrl+Up", lambda: self._on_selection("shift", 1.0))
        self._action(m, "Lower selection", "Ctrl+Down", lambda: self._on_selection("shift", -1.0))
        self._action(m, "Flatten selection", "F", lambda: self._on_selection("flatten"))
        self._action(m, "Reset selection", "R", lambda: self._on_selection("reset"))
        m.addSeparator()
        self._action(m, "Fit segments to their slots", "Ctrl+T", self.fit_to_slots)
        from . import script_actions

        self.script_actions = script_actions.install(self, self.menuBar().addMenu("&Script"))
        self.script.paste_requested.connect(lambda: self.script_actions.paste_script())
        m = self.menuBar().addMenu("&Voice")
        self._action(m, "Choose &model for this track…", "Ctrl+M", self.pick_model)
        m = self.menuBar().addMenu("&View")
        self._action(m, "Zoom &in", ["+", "=", "Ctrl++"], lambda: self.timeline.zoom(1.5))
        self._action(m, "Zoom &out", ["-", "Ctrl+-"], lambda: self.timeline.zoom(1 / 1.5))
        self._action(m, "Show &all", "Ctrl+0", lambda: self.timeline.show_range(0, max(self.timeline.data.total, 1)))

    def _on_selection(self, what: str, delta: float = 0.0) -> None:
        lane = self.timeline.active_curve
        if lane is None or not lane.selection:
            self.show_info("Select points in the pitch or energy lane first (click, shift-click or shift-drag).")
            return
        step = delta if lane.field == "pitch_st" else 2 * delta
        {"shift": lambda: lane.shift_selection(step), "flatten": lane.flatten_selection,
         "reset": lane.reset_selection}[what]()

    def wheelEvent(self, event) -> None:  # Ctrl+wheel zooms the timeline from anywhere in the window
        if event.modifiers() & Qt.ControlModifier:
            self.timeline.zoom(1.25 if event.angleDelta().y() > 0 else 0.8)
            event.accept()
        else:
            super().wheelEvent(event)

    def fit_to_slots(self) -> None:
        """Fit every segment that has a slot (subtitle cues) as one undo step, and say which lines cannot."""
        from studio.core.commands import Macro
        from studio.core.fit import fit_all

        fits = fit_all(self.document.project)
        if not fits:
            self.show_info("No segment has a slot; import subtitles to get cue slots.")
            return
        commands = [f.command for f in fits if f.command is not None]
        if commands:
            self.document.push(Macro(commands, "Fit to slots"))
        misses = [f for f in fits if abs(f.miss) > 0.02]
        if misses:
            worst = max(misses, key=lambda f: abs(f.miss))
            self.show_error(f"{len(misses)} of {len(fits)} lines cannot fit; \""
                            f"{self.document.project.segment(worst.segment_id).text[:40]}\" {worst.message()}.")
        else:
            self.show_info(f"All {len(fits)} lines fit their slots.")

    def pick_model(self) -> None:
        from .model_picker import ModelPicker

        seg_id = self.script.selected_segment_id()
        if seg_id is None:
            self.show_info("Select a segment of the track whose voice you want to change.")
            return
        ModelPicker(self.document, self.document.project.segment(seg_id).track_id, self).exec()

    # ---- playback --------------------------------------------------------------------------------------------
    def mixdown(self) -> tuple[np.ndarray, int]:
        results = {s.id: r for s in self.document.project.segments if (r := self.render.result(s.id)) is not None}
        rate = next(iter(results.values())).sample_rate if results else 22050
        audio = mix(stems(self.document.project, results, rate)[0])
        return audio, rate

    def toggle_play(self) -> None:
        if self.player.playing:
            self.player.stop()
        else:
            self.play_from_cursor()

    def play_from_cursor(self) -> None:
        loop = tuple(self.timeline.phonemes.view.viewRange()[0]) if self.loop_action.isChecked() else None
        self._play_when_ready(self.timeline.cursor, loop)

    def play_segment(self) -> None:
        seg_id = self.script.selected_segment_id()
        place = next((p for p in self.timeline.data.placements if p.segment_id == seg_id), None)
        if place is not None:
            self._play_when_ready(place.start, (place.start, place.end) if self.loop_action.isChecked() else None,
                                  until=place.end)

    def _pending_segments(self, start: float, end: float) -> list[str]:
        """Segments in [start, end] that are still to be rendered: playback waits for them."""
        from studio.engine.scheduler import State

        waiting = []
        for place in self.timeline.data.placements:
            if place.end >= start and place.start <= end:
                status = self.render.status(place.segment_id)
                if status is None or status.state in (State.STALE, State.RENDERING):
                    waiting.append(place.segment_id)
        return waiting

    def _play_when_ready(self, start: float, loop, until: float | None = None, deadline: float | None = None) -> None:
        """Cached audio plays at once; stale segments in the played span render first (nearest the cursor first),
        then playback starts. After 30 s it plays what there is."""
        import time

        end = loop[1] if loop else (until if until is not None else self.timeline.data.total)
        begin = loop[0] if loop else start
        deadline = deadline or time.monotonic() + 30.0
        waiting = self._pending_segments(begin, end)
        if waiting and time.monotonic() < deadline:
            self.render.set_playhead(begin)
            self.show_info(f"Rendering {len(waiting)} segment{'s' if len(waiting) > 1 else ''} before playback…")
            QTimer.singleShot(100, lambda: self._play_when_ready(start, loop, until, deadline))
            return
        audio, rate = self.mixdown()
        self.player.play(audio, rate, start=start, loop=loop)

    # ---- state and messages ---------------------------------------------------------------------------------
    def _segment_selected(self, segment_id: str) -> None:
        self.mixer.show_segment(segment_id)
        self.timeline.show_segment(segment_id)

    def _update_render_state(self) -> None:
        from studio.engine.scheduler import State

        counts = {s: 0 for s in State}
        failed = None
        for seg in self.document.project.segments:
            status = self.render.status(seg.id)
            state = status.state if status else State.STALE
            counts[state] += 1
            if state is State.FAILED and failed is None:
                failed = status.reason
        self.render_state.setText(f"ready {counts[State.READY]}/{len(self.document.project.segments)}"
                                  + (f" · rendering {counts[State.RENDERING] + counts[State.STALE]}"
                                     if counts[State.RENDERING] + counts[State.STALE] else "")
                                  + (f" · failed {counts[State.FAILED]}" if counts[State.FAILED] else ""))
        if failed:
            self.show_error(f"A segment failed to render: {failed}")

    def _update_title(self, clean: bool | None = None) -> None:
        name = self.document.path.name if self.document.path else "Untitled"
        if clean is None:
            clean = self.document.undo_stack.isClean()
        dirty = "" if clean else " *"
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

    # ---- files ---------------------------------------------------------------------------------------------
    def maybe_save(self, action: str) -> bool:
        """Before closing, opening or starting anew: ask to save unsaved changes. False means stay put."""
        if self.document.undo_stack.isClean():
            return True
        name = self.document.path.name if self.document.path else "this untitled project"
        box = QMessageBox(QMessageBox.Warning, "Unsaved changes",
                          f"Save the changes to {name} before {action}?",
                          QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, self)
        box.setObjectName("unsaved-prompt")
        box.setDefaultButton(QMessageBox.Save)
        answer = box.exec()
        if answer == QMessageBox.Save:
            return self.save()
        return answer == QMessageBox.Discard

    def new_project(self) -> bool:
        if not self.maybe_save("starting a new project"):
            return False
        self.document.new()
        self.show_info("New project: paste a script (Ctrl+Shift+V) or add a line (Shift+Enter).")
        return True

    def open_path(self, path: Path) -> bool:
        path = Path(path)
        if path.suffix.lower() in SCRIPT_SUFFIXES and not is_project_file(path):
            return self.import_script(path)
        try:
            self.document.open(path)
        except (ProjectFileError, AnalysisError) as exc:
            self.show_error(str(exc))
            return False
        self._remember(path)
        self.show_info(f"Opened {path.name}: {len(self.document.project.segments)} segments.")
        return True

    def import_script(self, path: Path, background: bool = True) -> bool:
        """Read a script, subtitles or SSML into a new project. The voice analyses it on a worker thread, with
        progress in the status bar; the project appears when it is done. Returns False if it could not start."""
        from studio.core.script import build_project
        from studio.engine.embedded import SPEAKERS
        from studio.engine.speak import build
        from studio.engine.voices import EMBEDDED
        from studio.interchange.ssml import SsmlError, looks_like_ssml
        from studio.interchange.subtitles import SubtitleError, cues_to_project, read_subtitles
        from studio.interchange.text_script import ImportError_, read_script, read_text_file

        from .background import Job

        if self.import_job is not None and self.import_job.running:
            self.show_info("An import is still running; wait for it to finish.")
            return False
        speakers = [s.id for s in SPEAKERS]
        try:
            text = read_text_file(path)
            lines = read_script(path) if path.suffix.lower() not in (".srt", ".vtt", ".ssml") else None
        except ImportError_ as exc:
            self.show_error(str(exc))
            return False
        analyzer = self.document.analyzer

        def work(job: Job):
            total = len(lines) if lines else 0
            counted = _Counting(analyzer, job, total)
            if path.suffix.lower() in (".srt", ".vtt"):
                return cues_to_project(read_subtitles(path, text), counted, EMBEDDED, speakers, title=path.stem)
            if path.suffix.lower() == ".ssml" or looks_like_ssml(text):
                return build(text, None, self.document.voices, [])
            return build_project(lines, counted, EMBEDDED, speakers=speakers, title=path.stem)

        job = Job(work, errors=(ImportError_, AnalysisError, SsmlError, SubtitleError, ValueError), parent=self)
        self.import_job = job
        job.progress.connect(self._show_busy)
        job.finished.connect(lambda project: self._imported(path, project))
        job.failed.connect(self._import_failed)
        self.busy_bar.setRange(0, 0)
        self.busy_bar.show()
        self.show_info(f"Importing {path.name}…")
        job.start()
        if not background:
            while job.running:
                from PySide6.QtWidgets import QApplication
                QApplication.processEvents()
                job.thread.join(0.02)
            from PySide6.QtWidgets import QApplication
            QApplication.processEvents()
        return True

    def _show_busy(self, done: int, total: int, what: str) -> None:
        self.busy_bar.setRange(0, max(total, 1))
        self.busy_bar.setValue(done)

    def _imported(self, path: Path, project) -> None:
        self.busy_bar.hide()
        self.document.replace(project)
        self.show_info(f"Imported {path.name}: {len(project.segments)} segments. Save it as a project.")

    def _import_failed(self, message: str) -> None:
        self.busy_bar.hide()
        self.show_error(message)

    def ask_open(self) -> None:
        if not self.maybe_save("opening another project"):
            return
        path, _ = QFileDialog.getOpenFileName(self, "Open project", "", PROJECT_FILTER)
        if path:
            self.open_path(Path(path))

    def ask_import(self) -> None:
        if not self.maybe_save("importing a script"):
            return
        path, _ = QFileDialog.getOpenFileName(self, "Import script", "", IMPORT_FILTER)
        if path:
            self.import_script(Path(path))

    def show_export(self) -> None:
        from .export_dialog import ExportDialog

        if self.export_dialog is not None and self.export_dialog.busy:
            self.export_dialog.raise_()
            return
        self.export_dialog = ExportDialog(self, self.script.selected_segment_ids(), self.settings)
        self.export_dialog.done.connect(lambda files: self.show_info(f"Exported {len(files)} files."))
        self.export_dialog.show()

    def save(self) -> bool:
        if self.document.path is None:
            return self.ask_save_as()
        return self._save_to(self.document.path)

    def ask_save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(self, "Save project", "", PROJECT_FILTER)
        return bool(path) and self._save_to(with_project_suffix(Path(path)))

    def _save_to(self, path: Path) -> bool:
        try:
            self.document.save(path)
        except OSError as exc:
            self.show_error(f"Could not save {path.name} ({exc.strerror or exc}); your work is still open, "
                            "try another folder.")
            return False
        self._remember(path)
        self.show_info(f"Saved {path.name}.")
        return True

    def _remember(self, path: Path) -> None:
        recent = [p for p in (self.settings.value("recent", []) or []) if p != str(path)]
        self.settings.setValue("recent", [str(path)] + recent[: MAX_RECENT - 1])
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for p in self.settings.value("recent", []) or []:
            self.recent_menu.addAction(Path(p).name,
                                       lambda p=p: self.maybe_save("opening another project") and self.open_path(Path(p)))

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile() and self.maybe_save("opening another file"):
                self.open_path(Path(url.toLocalFile()))
                break

    def offer_recovery(self, ask) -> bool:
        """If an earlier session ended without saving, ask (ask(text) -> bool) whether to open its work."""
        import datetime

        from studio.core.project_io import ProjectFileError, is_project_file, load

        for recovery in find_recoveries(self.autosave.folder):
            if recovery.project_file == self.autosave.file:
                continue
            when = datetime.datetime.fromtimestamp(recovery.saved_at).strftime("%Y-%m-%d %H:%M")
            name = Path(recovery.original).name if recovery.original else "an untitled project"
            if ask(f"Speech Studio closed without saving {name} (last autosave {when}). Recover that work?"):
                try:
                    project = load(recovery.project_file)
                except ProjectFileError as exc:
                    self.show_error(f"The recovery file could not be read: {exc}")
                    discard(recovery)
                    return False
                self.document.replace(project, Path(recovery.original) if recovery.original else None)
                discard(recovery)
                self.show_info(f"Recovered unsaved work on {name}; save it to keep it.")
                return True
            discard(recovery)
        return False

    def closeEvent(self, event) -> None:
        if not self.maybe_save("closing"):
            event.ignore()
            return
        if self.export_dialog is not None and self.export_dialog.busy:
            self.export_dialog.job.cancel()
        self.autosave.clear()  # a clean exit: nothing to recover next time
        self.player.stop()
        self.render.close()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        super().closeEvent(event)


def with_project_suffix(path: Path) -> Path:
    """Save As gives a project its extension, so that it is known as a project everywhere."""
    return path if path.name.lower().endswith(".json") else path.with_name(path.name + PROJECT_SUFFIX)


class _Counting:
    """An analyzer that reports each line it analyses, for the import's progress bar."""

    def __init__(self, inner, job, total: int):
        self.inner, self.job, self.total, self.done = inner, job, total, 0

    def analyze(self, text, voice, mix):
        words = self.inner.analyze(text, voice, mix)
        self.done += 1
        if self.total:
            self.job.report(self.done, self.total, "")
        return words
