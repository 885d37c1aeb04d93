"""The main window: script panel, timeline, voice mixer, transport bar, undo history, menus and shortcuts.

Errors from loading, saving, analysing or rendering are shown as one sentence in the status bar and never as a
traceback; a failed open leaves the current project in place.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QLabel, QMainWindow, QProgressBar, QScrollArea,
                               QSplitter, QUndoView)

from studio.engine.output.mixdown import mix, stems

from studio.ui import menus
from studio.ui.autosave import Autosave
from studio.ui.document import Document
from studio.ui.field_keys import WindowKeysFirst
from studio.ui.file_actions import FileActions, with_project_suffix  # noqa: F401 - re-exported
from studio.ui.guide_actions import GuideActions
from studio.ui.inspector import Inspector
from studio.ui.line_panel import LinePanel
from studio.ui.marker_actions import MarkerActions
from studio.ui.menus.builder import build as build_menus
from studio.ui.mixer import VoiceMixer
from studio.ui.player import Player, default_sink
from studio.ui.proof_actions import ProofActions
from studio.ui.proof_controller import ProofController
from studio.ui.render_controller import RenderController
from studio.ui.script_actions import ScriptActions
from studio.ui.script_panel import ScriptPanel
from studio.ui.timeline import Timeline
from studio.ui.video_actions import VideoActions

HISTORY_MIN_ROWS = 6  # History stays usable on a 720-pixel screen instead of shrinking to one row


def _scrolling(widget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.NoFrame)
    return area


class MainWindow(FileActions, QMainWindow):
    def __init__(self, document: Document | None = None, settings: QSettings | None = None,
                 sink_factory=default_sink, render_cache=None, recovery_dir: Path | None = None,
                 proof_listening: bool = True, proof_cache=None):
        super().__init__()
        self.settings = settings or QSettings()
        self.document = document or Document(parent=self)
        self.render = RenderController(self.document, cache=render_cache, parent=self)
        self.player = Player(sink_factory, parent=self)
        self.autosave = Autosave(self.document, recovery_dir, parent=self)
        self.script = ScriptPanel(self.document)
        # Lines are proof-listened in another process as they finish rendering (ui.proof_controller).
        self.proof = ProofController(self.document, self.render, cache=proof_cache, enabled=proof_listening,
                                     parent=self)
        self.timeline = Timeline(self.document, self.render)
        self.mixer = VoiceMixer(self.document)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.script)
        # The lanes keep a readable height; on a short screen (1280x720) the stack scrolls instead of being cut off.
        self.timeline_scroll = _scrolling(self.timeline)
        self.timeline_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        split.addWidget(self.timeline_scroll)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        self.setCentralWidget(split)
        self.inspector = Inspector(self.timeline)
        self.line_panel = LinePanel(self.document)
        # The panels scroll (the mixer lists every speaker of a voice, ten and more), so that on a 720-pixel screen
        # the docks share the height and the History below them keeps its rows.
        mixer_dock = self._dock("Voice mixer", _scrolling(self.mixer), Qt.RightDockWidgetArea)
        self.tabifyDockWidget(mixer_dock, self._dock("Line", _scrolling(self.line_panel), Qt.RightDockWidgetArea))
        self._dock("Inspector", _scrolling(self.inspector), Qt.RightDockWidgetArea)
        mixer_dock.raise_()
        self.history = QUndoView(self.document.undo_stack)
        self.history.setEmptyLabel("Opened project")
        self.history.setMinimumHeight(HISTORY_MIN_ROWS * self.history.fontMetrics().height() + 8)
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
        self.find_dialog = None
        self.lexicon_dialog = None
        # The helpers behind the menus come first: the menu records call them through the window.
        self.video = VideoActions(self)
        self.script_actions = ScriptActions(self)
        self.guide_actions = GuideActions(self)
        self.markers = MarkerActions(self)
        self.proof_actions = ProofActions(self, self.proof)
        build_menus(self, menus.ALL)
        self.field_keys = WindowKeysFirst(self)
        self.proof_action.blockSignals(True)  # the controller already knows; no re-render round at start
        self.proof_action.setChecked(proof_listening)
        self.proof_action.blockSignals(False)
        self.script.paste_requested.connect(lambda: self.script_actions.paste_script())
        self.setAcceptDrops(True)
        self.script.segment_selected.connect(self._segment_selected)
        self.script.error.connect(self.show_error)
        self.mixer.error.connect(self.show_error)
        self.render.voice_failed.connect(self.show_error)
        # The mixer lists a voice's speakers only once it is loaded (loading a model on the GUI thread would
        # freeze the window), so it is rebuilt when a voice arrives.
        self.render.voice_ready.connect(lambda _voice: self.mixer.show_segment(self.mixer.segment_id))
        self.render.status_changed.connect(lambda *_: self._update_render_state())
        self.player.position_changed.connect(self.timeline.set_playhead)
        self.player.message.connect(self.show_error)
        self.player.playing_changed.connect(lambda on: self.play_action.setText("Pause" if on else "Play"))
        self.timeline.cursor_moved.connect(self.render.set_playhead)
        self.timeline.word_activated.connect(self.edit_word_pronunciation)
        self.timeline.segment_clicked.connect(self.script.select_segment)
        self.document.changed.connect(lambda _t: self._load_reference())
        self.document.reset.connect(self._on_reset)
        self.document.undo_stack.cleanChanged.connect(self._update_title)
        self.document.path_changed.connect(lambda _p: self._update_title())
        self.resize(1400, 900)
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
            self.restoreState(self.settings.value("window/state"))
        self._update_title()
        from studio.ui.preferences import apply_shortcuts, chosen_sink, voice_for_speaker

        apply_shortcuts(self, self.settings)
        self.apply_preferences()
        self.script_actions.voice_for_speaker = lambda name: voice_for_speaker(self.settings, name)
        if sink_factory is default_sink:
            self.player.sink_factory = chosen_sink(self.settings)

    def _dock(self, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _on_selection(self, what: str, delta: float = 0.0) -> None:
        lane = self.timeline.active_curve
        if lane is None or not lane.selection:
            self.show_info("Select points in the pitch or energy lane first (click, shift-click or shift-drag).")
            return
        step = delta * (self.pitch_step if lane.field == "pitch_st" else self.energy_step)
        {"shift": lambda: lane.shift_selection(step), "flatten": lane.flatten_selection,
         "reset": lane.reset_selection}[what]()

    def wheelEvent(self, event) -> None:  # Ctrl+wheel zooms the timeline from anywhere in the window
        if event.modifiers() & Qt.ControlModifier:
            self.timeline.zoom(1.25 if event.angleDelta().y() > 0 else 0.8)
            event.accept()
        else:
            super().wheelEvent(event)

    def fit_to_slots(self, mode: str = "compress") -> None:
        """Fit the segments that have a slot (subtitle cues) as one undo step, and say which lines cannot.
        "compress" speeds up only lines that run past their slot by more than a video frame, as `studio render`
        does by default; "both" also slows short lines to fill their slots."""
        from studio.core.commands import Macro
        from studio.core.fit import fit_all

        if not any(s.slot for s in self.document.project.segments):
            self.show_info("No segment has a slot; import subtitles to get cue slots.")
            return
        fits = fit_all(self.document.project, mode)
        if not fits:
            self.show_info("Every line already ends within a frame of its slot, or before it.")
            return
        commands = [f.command for f in fits if f.command is not None]
        if commands:
            self.document.push(Macro(commands, "Fit to slots" if mode == "both" else "Fit long lines to slots"))
        misses = [f for f in fits if not f.fits]
        if misses:
            worst = max(misses, key=lambda f: abs(f.miss))
            self.show_error(f"{len(misses)} of {len(fits)} lines cannot fit; \""
                            f"{self.document.project.segment(worst.segment_id).text[:40]}\" {worst.message()}.")
        else:
            self.show_info(f"All {len(fits)} lines fit their slots.")

    def show_find(self, replace: bool) -> None:
        from studio.ui.find_dialog import FindReplaceDialog

        if self.find_dialog is None:
            self.find_dialog = FindReplaceDialog(self)
        self.find_dialog.open_for(replace)

    def show_presets(self) -> None:
        from studio.ui.presets_dialog import PresetsDialog

        self.presets_dialog = PresetsDialog(self)
        self.presets_dialog.show()

    def pick_model(self) -> None:
        from studio.ui.model_picker import ModelPicker

        seg_id = self.script.selected_segment_id()
        if seg_id is None:
            self.show_info("Select a segment of the track whose voice you want to change.")
            return
        ModelPicker(self.document, self.document.project.segment(seg_id).track_id, self).exec()

    def design_voice(self) -> None:
        from studio.ui.design_dialog import DesignDialog

        seg_id = self.script.selected_segment_id()
        track_id = self.document.project.segment(seg_id).track_id if seg_id is not None else None
        DesignDialog(self, track_id).exec()

    def show_preferences(self) -> None:
        from studio.ui.preferences import PreferencesDialog

        PreferencesDialog(self, self.settings).exec()

    def apply_preferences(self) -> None:
        """Settings that live outside the dialog's own keys: the inspector's steps, the autosave delay."""
        self.inspector.set_steps(self.pitch_step, self.energy_step)
        self.autosave.timer.setInterval(int(float(self.settings.value("preferences/autosave_s", 3)) * 1000))

    @property
    def pitch_step(self) -> float:
        return float(self.settings.value("preferences/pitch_step", 1.0))

    @property
    def energy_step(self) -> float:
        return float(self.settings.value("preferences/energy_step", 2.0))

    # ---- pronunciation and reference audio ------------------------------------------------------------------
    def edit_word_pronunciation(self, seg_pos: int, word_index: int) -> None:
        from studio.core.model import PAUSE

        from studio.ui.pronunciation import edit_pronunciation

        word = self.document.project.segments[seg_pos].words[word_index]
        if word.text:
            edit_pronunciation(self, word.text, "".join(p.symbol for p in word.phonemes if p.symbol != PAUSE))

    def ask_pronunciation(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        from studio.ui.pronunciation import edit_pronunciation

        word, ok = QInputDialog.getText(self, "Pronunciation", "Which word does the voice get wrong?",
                                        text=self.selected_word())
        if ok and word.strip():
            edit_pronunciation(self, word.strip())

    def selected_word(self) -> str:
        """The word of the first phoneme selected on the timeline (click a word, or select points), or nothing."""
        lane = self.timeline.active_curve
        if lane is None or not lane.selection:
            return ""
        data, segments = self.timeline.data, self.document.project.segments
        first = min(lane.selection)
        seg = segments[int(data.seg_index[first])]
        ph = int(data.ph_index[first])
        for word in seg.words:
            if ph < len(word.phonemes):
                return word.text
            ph -= len(word.phonemes)
        return ""

    def show_lexicon(self) -> None:
        from studio.ui.lexicon_dialog import LexiconDialog

        if self.lexicon_dialog is None:
            self.lexicon_dialog = LexiconDialog(self)
        self.lexicon_dialog.show()
        self.lexicon_dialog.raise_()

    def ask_reference_audio(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Reference audio", "",
                                              "Audio (*.wav *.flac *.ogg);;All files (*)")
        if path:
            self.set_reference_audio(Path(path))

    def set_reference_audio(self, path: Path) -> bool:
        from studio.core.commands import set_reference_audio

        from studio.ui.reference_lane import stored_reference

        try:
            self.timeline.reference.load(path)
        except ValueError as exc:
            self.show_error(str(exc))
            return False
        self.document.push(set_reference_audio(stored_reference(self.document, path)))
        ref = self.timeline.reference
        self.show_info(f"Reference audio {path.name}: {len(ref.audio) / ref.rate:.1f} s.")
        return True

    def _load_reference(self) -> None:
        from studio.ui.reference_lane import reference_path

        path = reference_path(self.document)
        if path == self.timeline.reference.loaded_from:
            return
        try:
            self.timeline.reference.load(path)
        except ValueError as exc:
            self.timeline.reference.load(None)
            self.show_error(f"The reference audio is missing or unreadable: {exc}")

    def _reference_changed(self) -> None:
        self.timeline.reference.muted = self.ref_mute_action.isChecked()
        self.timeline.reference.solo = self.ref_solo_action.isChecked()

    # ---- playback --------------------------------------------------------------------------------------------
    def mixdown(self) -> tuple[np.ndarray, int]:
        results = {s.id: r for s in self.document.project.segments if (r := self.render.result(s.id)) is not None}
        rate = next(iter(results.values())).sample_rate if results else 22050
        audio = mix(stems(self.document.project, results, rate)[0])
        ref = self.timeline.reference
        under = ref.audio_at(rate, len(audio)) if not ref.muted or ref.solo else None
        if under is not None:
            voices = np.zeros(len(under), np.float32) if ref.solo else np.pad(audio, (0, len(under) - len(audio)))
            audio = voices + under
        guide = self.timeline.guide
        if guide.solo or not guide.muted:
            under = guide.audio_at(rate, len(audio))
            if under is not None:
                audio = under if guide.solo else audio + under
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
        from studio.engine.render.scheduler import State

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
        self.line_panel.show_segment(segment_id)
        self.timeline.show_segment(segment_id)

    def _update_render_state(self) -> None:
        from studio.engine.render.scheduler import State

        counts = {s: 0 for s in State}
        failed = None
        for seg in self.document.project.segments:
            status = self.render.status(seg.id)
            state = status.state if status else State.STALE
            counts[state] += 1
            if state is State.FAILED and failed is None:
                failed = status.reason
        if not self.document.project.segments:
            self.render_state.setText("no lines")
            return
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
        self._update_render_state()  # the counts of the project just left must not stay ("ready 8/8" when empty)
        self._load_reference()
        if self.document.project.segments:
            self.script.select_segment(self.document.project.segments[0].id)

    def show_error(self, message: str) -> None:
        self.message.setStyleSheet("color: #ff8080;")
        self.message.setText(message)

    def show_info(self, message: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(message)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile() and self.maybe_save("opening another file"):
                self.open_path(Path(url.toLocalFile()))
                break

    def closeEvent(self, event) -> None:
        if not self.maybe_save("closing"):
            event.ignore()
            return
        if self.export_dialog is not None and self.export_dialog.busy:
            self.export_dialog.job.cancel()
        self.autosave.clear()  # a clean exit: nothing to recover next time
        self.player.stop()
        self.render.close()
        self.proof.close()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        super().closeEvent(event)

