"""The Script menu: add, insert, delete, split, merge, reorder and paste lines, change a line's speaker, and add,
rename or remove speakers (tracks). Anything that needs the voice's analysis runs on a worker thread and pushes
one undo step when it is done; the window stays responsive while a long paste is analysed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QApplication, QInputDialog, QLineEdit

from studio.core.errors import UserError
from studio.core.commands import AddSegment, AddTrack, Macro, MoveSegment, RemoveSegment, RemoveTrack, rename_track
from studio.core.model import SpeakerMix, Track, new_id
from studio.core.lines import Line
from studio.core.script import parse_script
from studio.core.structure import change_speaker, merge_with_next, split_segment
from studio.production.importing import insert_lines
from studio.engine.voices.embedded.voice import SPEAKERS
from studio.engine.voices.registry import EMBEDDED, narrator

from studio.ui.background import Job

NEW_LINE_TEXT = "New line."


class ScriptActions(QObject):
    busy_changed = Signal(bool)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.document, self.script = window.document, window.script
        self.jobs: list[Job] = []
        self.voice_for_speaker = lambda name: None  # preferences: (VoiceRef, SpeakerMix) for a speaker name

    # ---- helpers ------------------------------------------------------------------------------------------
    def _selected_ids(self) -> list[str]:
        return self.script.selected_segment_ids()

    def _current(self) -> str | None:
        ids = self._selected_ids()
        if not ids:
            self.window.show_info("Select a line in the script first.")
            return None
        return ids[0]

    def run(self, build, label: str, then=None) -> Job:
        """Build a command off the GUI thread (it may analyse text), push it as one step, then `then()`."""
        def work(job: Job):
            return build()

        job = Job(work, errors=(UserError, ValueError, KeyError), parent=self)
        self.jobs.append(job)
        self.window.show_info(f"{label}…")

        def finished(command):
            self.jobs.remove(job)
            self.document.push(command)
            self.window.show_info(command.text + ".")
            if then:
                then(command)

        def failed(message):
            self.jobs.remove(job)
            self.window.show_error(message)
        job.finished.connect(finished)
        job.failed.connect(failed)
        return job.start()

    @property
    def busy(self) -> bool:
        return bool(self.jobs)

    # ---- lines --------------------------------------------------------------------------------------------
    def insert_line(self, text: str = NEW_LINE_TEXT) -> None:
        """A new line after the selected one (or at the end), same speaker; its text opens for typing."""
        project = self.document.project
        ids = self._selected_ids()
        index = project.segment_index(ids[-1]) + 1 if ids else len(project.segments)
        track_id = project.segment(ids[-1]).track_id if ids else None
        if not project.tracks:
            self.document.new()
        voice = self.document.project.tracks[0].voice

        def then(command):
            seg_id = command.commands[-1].segment.id
            self.script.select_segment(seg_id)
            row = self.document.project.segment_index(seg_id)
            self.script.setCurrentCell(row, 1)
            self.script.editItem(self.script.item(row, 1))
        self.run(lambda: insert_lines(self.document.project, index, [Line(None, text)],
                                      self.document.analyzer, voice, default_track_id=track_id),
                 "Adding a line", then)

    def paste_script(self, text: str | None = None) -> None:
        """Paste paragraphs or a dialogue script after the selected line, split into sentences."""
        text = QApplication.clipboard().text() if text is None else text
        lines = parse_script(text or "")
        if not lines:
            self.window.show_info("The clipboard has no text to paste as lines.")
            return
        project = self.document.project
        if not project.tracks:
            self.document.new()
            project = self.document.project
        ids = self._selected_ids()
        index = project.segment_index(ids[-1]) + 1 if ids else len(project.segments)
        track_id = project.segment(ids[-1]).track_id if ids else None
        def work():
            from studio.production.casting import CastChooser

            voice, speakers = narrator(self.document.voices)  # loads the neural voice here, off the GUI thread
            # A new speaker gets the voice the preferences name, else its remembered or next free cast voice.
            chosen = self.voice_for_speaker
            if voice != EMBEDDED:
                chosen = CastChooser(self.document.voices, project, self.voice_for_speaker)
            return insert_lines(project, index, lines, self.document.analyzer, voice, speakers, track_id, chosen)

        def then(command):  # the pasted lines selected and in view, wherever they landed on the timeline
            pasted = [c.segment.id for c in command.commands if isinstance(c, AddSegment)]
            if pasted:
                self.script.select_segment(pasted[0])
                self.window.timeline.show_segments(pasted)
        self.run(work, f"Analysing {len(lines)} pasted lines", then)

    def delete_lines(self) -> None:
        ids = self._selected_ids()
        if not ids:
            self.window.show_info("Select the lines to delete first.")
            return
        self.document.push(Macro([RemoveSegment(i) for i in ids],
                                 f"Delete {len(ids)} line{'s' if len(ids) > 1 else ''}"))

    def split_line(self) -> None:
        seg_id = self._current()
        if seg_id is None:
            return
        seg = self.document.project.segment(seg_id)
        editor = QApplication.focusWidget()
        typed = None
        if isinstance(editor, QLineEdit) and self.script.state() == QAbstractItemView.EditingState:
            at, typed = editor.cursorPosition(), editor.text()
            # The typed text goes into the split, not into a separate text edit of the whole line.
            self.script.closeEditor(editor, QAbstractItemDelegate.RevertModelCache)
            self.script.setFocus()
        else:
            at = self._timeline_split_point(seg)
            if at is None:
                self.window.show_info("Click in the line's text where it should split, or put the timeline "
                                      "cursor on the word that should start the new line.")
                return
        self.run(lambda: split_segment(self.document.project, seg_id, at, self.document.analyzer, typed),
                 "Splitting")

    def _timeline_split_point(self, seg) -> int | None:
        """The character where the word under the timeline cursor starts."""
        tl = self.window.timeline
        si = self.document.project.segment_index(seg.id)
        pos = 0
        for start, end, text, s, wi in tl.data.words:
            if s != si:
                continue
            found = seg.text.find(text, pos)
            if found < 0:
                continue
            pos = found + len(text)
            if start <= tl.cursor < end and found > 0:
                return found
        return None

    def merge_lines(self) -> None:
        seg_id = self._current()
        if seg_id is not None:
            self.run(lambda: merge_with_next(self.document.project, seg_id, self.document.analyzer), "Merging")

    def move_line(self, step: int) -> None:
        seg_id = self._current()
        if seg_id is None:
            return
        project = self.document.project
        i = project.segment_index(seg_id)
        if 0 <= i + step < len(project.segments):
            self.document.push(MoveSegment(seg_id, i + step))
            self.script.select_segment(seg_id)

    def ask_change_speaker(self) -> None:
        seg_id = self._current()
        if seg_id is None:
            return
        project = self.document.project
        names = [t.name for t in project.tracks]
        current = names.index(project.track(project.segment(seg_id).track_id).name)
        name, ok = QInputDialog.getItem(self.window, "Speaker", "Give the line to", names, current, False)
        if ok and name != names[current]:
            track_id = project.track_named(name).id
            self.run(lambda: change_speaker(project, seg_id, track_id, self.document.analyzer), "Changing speaker")

    # ---- tracks -------------------------------------------------------------------------------------------
    def add_track(self, name: str | None = None) -> Track | None:
        if name is None:
            name, ok = QInputDialog.getText(self.window, "Add speaker", "Name of the new speaker")
            if not ok:
                return None
        name = " ".join(name.split())
        project = self.document.project
        if not name or project.track_named(name):
            self.window.show_error(f"A speaker needs a new name; '{name}' is empty or taken.")
            return None
        chosen = self.voice_for_speaker(name)
        if chosen is None:
            used = {n for t in project.tracks for n, _ in t.mix.weights}
            free = [s.id for s in SPEAKERS if s.id not in used] or [SPEAKERS[len(project.tracks) % len(SPEAKERS)].id]
            chosen = (EMBEDDED, SpeakerMix.single(free[0]))
        track = Track(new_id(), name, chosen[0], chosen[1])
        self.document.push(AddTrack(track))
        return track

    def ask_rename_track(self) -> None:
        seg_id = self._current()
        if seg_id is None:
            return
        track = self.document.project.track(self.document.project.segment(seg_id).track_id)
        name, ok = QInputDialog.getText(self.window, "Rename speaker", "New name", text=track.name)
        if ok:
            try:
                self.document.push(rename_track(track.id, name))
            except ValueError as exc:
                self.window.show_error(f"{str(exc).capitalize()}.")

    def remove_track(self) -> None:
        seg_id = self._current()
        if seg_id is None:
            return
        track_id = self.document.project.segment(seg_id).track_id
        self.document.push(RemoveTrack(track_id))
