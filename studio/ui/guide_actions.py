"""Guide a line from a recording: pick a WAV or FLAC file of a person reading the selected line; it is aligned
and copied onto the line off the GUI thread (engine/guide/plan.py), pushed as one undo step, and shown in the guide
lane. Mute and solo the guide from the transport bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from studio.core.errors import UserError

from studio.ui.background import Job


class GuideActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.document = window.document
        self.lane = window.timeline.guide
        self.job: Job | None = None
        self.mute_action = self.solo_action = None  # the transport bar's, kept here by menus/builder.py

    def ask(self) -> None:
        seg_id = self.window.script.selected_segment_id()
        if seg_id is None:
            self.window.show_info("Select the line the recording reads first.")
            return
        path, _ = QFileDialog.getOpenFileName(self.window, "Recording of the line", "",
                                              "Recordings (*.wav *.flac);;All files (*)")
        if path:
            self.start(seg_id, Path(path))

    def start(self, seg_id: str, path: Path) -> Job | None:
        """Align `path` to the line and push the guide as one step when it is done; None while one is running."""
        if self.job is not None:
            self.window.show_info("A recording is being aligned already.")
            return None
        project, voices = self.document.project, self.document.voices

        def work(job: Job):
            from studio.engine.guide.alignment import read_recording
            from studio.engine.guide.plan import guide

            audio, rate = read_recording(path)
            command, plans = guide(project, [seg_id], audio, rate, voices)
            return command, audio, rate, plans[0]

        self.job = Job(work, errors=(UserError, ValueError, KeyError, OSError), parent=self)
        self.window.show_info(f"Aligning {path.name} to the line…")
        self.job.finished.connect(self._finished)
        self.job.failed.connect(self._failed)
        return self.job.start()

    def _finished(self, result) -> None:
        from studio.ui.guide_lane import make_guide

        self.job = None
        command, audio, rate, plan = result
        self.document.push(command)
        self.lane.add(make_guide(plan.segment_id, audio, rate, plan))
        self.window.show_info("Guided the line from the recording; one undo removes it.")

    def _failed(self, message: str) -> None:
        self.job = None
        self.window.show_error(message)

    def set_playback(self, muted: bool, solo: bool) -> None:
        self.lane.muted, self.lane.solo = muted, solo
