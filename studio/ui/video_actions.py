"""File > Import reference video…: the video panel as a dock, kept in step with the project and the playhead.

The path and the offset live in the project (saved with it, undoable), like the reference audio. The dock is made
the first time a video is shown, so QtMultimedia's video side is never loaded for a project without one.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFileDialog

from studio.core.commands import SetVideoOffset, set_reference_video

from studio.ui.reference_lane import stored_path, stored_reference
from studio.ui.video_panel import VIDEO_SUFFIXES, VideoPanel, check_video_file, qt_backend


def video_path(document) -> Path | None:
    return stored_path(document, document.project.reference_video)


class VideoActions:
    backend = staticmethod(qt_backend)  # tests and headless checks swap in a fake

    def __init__(self, window):
        self.window = window
        self.panel: VideoPanel | None = None
        self.dock: QDockWidget | None = None
        w = window
        w.player.position_changed.connect(self.sync)  # its own seconds: the timeline may hear of them after us
        w.player.playing_changed.connect(lambda _on: self.sync())
        w.timeline.cursor_moved.connect(lambda _s: self.sync())
        w.document.changed.connect(lambda _t: self.reload())
        w.document.reset.connect(lambda: self.reload(again=True))  # reopened: the file may have moved since

    def ask(self) -> None:
        patterns = " ".join(f"*{s}" for s in VIDEO_SUFFIXES)
        path, _ = QFileDialog.getOpenFileName(self.window, "Reference video", "",
                                              f"Video ({patterns});;All files (*)")
        if path:
            self.set_video(Path(path))

    def set_video(self, path: Path) -> bool:
        """Keep `path` as the project's reference video and show it; a missing or unreadable file is one sentence."""
        try:
            check_video_file(path)
        except ValueError as exc:
            self.window.show_error(str(exc))
            return False
        self.window.document.push(set_reference_video(stored_reference(self.window.document, path)))
        panel = self.ensure_panel()
        self.window.show_info(panel.unavailable or f"Reference video {Path(path).name}: it follows the playhead; "
                              "set its offset in the panel.")
        return True

    def ensure_panel(self) -> VideoPanel:
        if self.panel is None:
            self.panel = VideoPanel(self.backend)
            self.panel.message.connect(self.window.show_error)
            self.panel.offset_edited.connect(self._offset_edited)
            self.panel.offset_done.connect(self.window.document.seal)
            self.dock = QDockWidget("Reference video", self.window)
            self.dock.setObjectName("Reference video")
            self.dock.setWidget(self.panel)
            self.window.addDockWidget(Qt.RightDockWidgetArea, self.dock)
            self.window.view_menu.addAction(self.dock.toggleViewAction())
        return self.panel

    def reload(self, again: bool = False) -> None:
        """Follow the project: a new or removed video (import, undo, open) and its offset."""
        path = video_path(self.window.document)
        if path is None and self.panel is None:
            return
        panel = self.ensure_panel()
        panel.set_offset(self.window.document.project.video_offset)
        if again or path != panel.loaded_from:
            panel.load(path)
            self.dock.setVisible(path is not None)
            if path is not None:
                self.dock.raise_()
        self.sync()

    def sync(self, seconds: float | None = None) -> None:
        if self.panel is not None:
            at = self.window.timeline.playhead_at if seconds is None else seconds
            self.panel.follow(at, self.window.player.playing)

    def _offset_edited(self, seconds: float) -> None:
        self.window.document.push(SetVideoOffset(seconds), merge=True)
