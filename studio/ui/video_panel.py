"""The reference video panel: the original picture beside the timeline, following the editor's playhead, so a line
can be checked against lips and cuts.

It plays while the editor plays, seeks when the playhead moves, and pauses when playback stops; the rule lives
in core/video_sync.py. It is muted by default because the reference audio lane carries the original sound. The
offset is the video's own time at project time 0. QtMultimedia is loaded only when a video is first shown, so the
window still opens fast; where no video backend exists the panel says so in one sentence and everything else,
the offset included, keeps working.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from studio.core.model import MAX_TIMELINE_S
from studio.core.video_sync import follow

VIDEO_SUFFIXES = (".mp4", ".mov", ".mkv", ".webm")
FRAME_S = 0.04  # the offset's step: one frame at 25 fps


class VideoUnavailable(Exception):
    """No video can be played here; the message says why, in a few words."""


def qt_backend():
    """(media player, audio output, video widget) from QtMultimedia, or VideoUnavailable."""
    try:
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        from PySide6.QtMultimediaWidgets import QVideoWidget
    except ImportError as exc:
        raise VideoUnavailable(f"Qt's multimedia module could not be loaded ({exc})") from None
    player = QMediaPlayer()
    if not player.isAvailable():
        raise VideoUnavailable("Qt found no media backend")
    audio, view = QAudioOutput(), QVideoWidget()
    player.setAudioOutput(audio)
    player.setVideoOutput(view)
    return player, audio, view


def check_video_file(path: Path) -> None:
    """ValueError with one sentence when the file cannot be a video we can open."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path.name} was not found; choose the video again.")
    if not os.access(path, os.R_OK):
        raise ValueError(f"{path.name} cannot be read; check its permissions.")
    if path.stat().st_size == 0:
        raise ValueError(f"{path.name} is empty; choose the video again.")


class VideoPanel(QWidget):
    message = Signal(str)  # one sentence for the status bar
    offset_edited = Signal(float)  # the user changed the offset (seconds)
    offset_done = Signal()  # the user finished editing it: the next change is a new undo step

    def __init__(self, backend=qt_backend, parent=None):
        super().__init__(parent)
        self.setObjectName("video-panel")
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.offset = QDoubleSpinBox()
        self.offset.setRange(-MAX_TIMELINE_S, MAX_TIMELINE_S)
        self.offset.setDecimals(3)
        self.offset.setSingleStep(FRAME_S)
        self.offset.setSuffix(" s")
        self.offset.setToolTip("The video's own time at project time 0 (one step is a frame at 25 fps)")
        self.offset.valueChanged.connect(self._offset_changed)
        self.offset.editingFinished.connect(self.offset_done)
        self.mute = QCheckBox("Mute video")
        self.mute.setChecked(True)
        self.mute.setToolTip("The reference audio lane carries the original sound; unmute to hear the video's own")
        self.mute.toggled.connect(self._mute_changed)
        row = QHBoxLayout()
        row.addWidget(QLabel("Video time at project 0"))
        row.addWidget(self.offset, 1)
        row.addWidget(self.mute)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.player = self.audio = self.view = None
        try:
            self.player, self.audio, self.view = backend()
        except VideoUnavailable as exc:
            self.unavailable = f"This system cannot play video: {exc}."
            self.note.setText(self.unavailable)
        else:
            self.unavailable = ""
            self.view.setMinimumSize(240, 135)
            layout.addWidget(self.view, 1)
            self.player.errorOccurred.connect(self._on_error)
            self.audio.setMuted(True)
        layout.addWidget(self.note)
        layout.addLayout(row)
        self.loaded_from: Path | None = None
        self.playing = False  # what the panel last told the player: its own state lags behind

    @property
    def offset_s(self) -> float:
        return self.offset.value()

    def set_offset(self, seconds: float) -> None:
        """From the project (open, undo): no new undo step."""
        self.offset.blockSignals(True)
        self.offset.setValue(seconds)
        self.offset.blockSignals(False)

    def load(self, path: Path | None) -> bool:
        """Show this video (None clears it). A missing or unreadable file is one sentence, in the panel and as
        `message`; a file the decoder rejects says so when it finds out (errorOccurred)."""
        self.loaded_from = None if path is None else Path(path)
        self.playing = False
        if path is not None:
            try:
                check_video_file(Path(path))
            except ValueError as exc:
                self._say(str(exc))
                return False
        if self.player is None:
            return path is None
        from PySide6.QtCore import QUrl

        self.player.pause()
        self.player.setSource(QUrl() if path is None else QUrl.fromLocalFile(str(Path(path).resolve())))
        self.note.setText(Path(path).name if path is not None else "")
        self.note.setStyleSheet("")
        return True

    def follow(self, playhead_s: float, editor_playing: bool) -> None:
        """Bring the video to the editor's playhead: called on every playhead move and transport change."""
        if self.player is None or self.loaded_from is None:
            return
        step = follow(editor_playing, playhead_s, self.offset_s, self.playing, int(self.player.position()),
                      int(self.player.duration()))
        if step.seek_ms is not None:
            self.player.setPosition(step.seek_ms)
        if step.play is True:
            self.player.play()
        elif step.play is False:
            self.player.pause()
        if step.play is not None:
            self.playing = step.play

    def _offset_changed(self, value: float) -> None:
        self.offset_edited.emit(value)

    def _mute_changed(self, on: bool) -> None:
        if self.audio is not None:
            self.audio.setMuted(on)

    def _on_error(self, _error, text: str) -> None:
        name = self.loaded_from.name if self.loaded_from else "The video"
        self._say(f"{name} cannot be played ({text.rstrip('.') or 'unknown format'}); try an MP4 or WebM file.")

    def _say(self, sentence: str) -> None:
        self.note.setStyleSheet("color: #ff8080;")
        self.note.setText(sentence)
        self.message.emit(sentence)
