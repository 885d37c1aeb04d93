"""The reference video panel: imported from the File menu, kept in the project, following the playhead.

Most tests drive the panel through a fake media player, because a video backend may be missing where tests run;
one test uses Qt's own player where it loads, and says why it skips where it does not.
"""

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from studio.ui import video_actions
from studio.ui.video_panel import VideoUnavailable

from .helpers import click, settle, view_to_widget

SHOTS = Path(__file__).resolve().parents[1] / "_screenshots"


class FakeMediaPlayer(QObject):
    """What VideoPanel uses of QMediaPlayer: a clock it sets, play and pause, and the error signal."""

    errorOccurred = Signal(object, str)

    def __init__(self):
        super().__init__()
        self.source, self.pos, self.state, self.calls = None, 0, "paused", []

    def setSource(self, url):
        self.source, self.pos = url, 0

    def position(self):
        return self.pos

    def duration(self):
        return 600_000 if self.source is not None and not self.source.isEmpty() else 0

    def setPosition(self, ms):
        self.pos = ms
        self.calls.append(("seek", ms))

    def play(self):
        self.state = "playing"
        self.calls.append(("play",))

    def pause(self):
        self.state = "paused"


class FakeAudio:
    muted = False

    def setMuted(self, on):
        self.muted = on


@pytest.fixture
def fake_player(monkeypatch):
    made = {}

    def backend():
        made["player"], made["audio"] = FakeMediaPlayer(), FakeAudio()
        return made["player"], made["audio"], QWidget()
    monkeypatch.setattr(video_actions.VideoActions, "backend", staticmethod(backend))
    return made


def choose_file(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))


def menu_action(window, text):
    return next(a for a in window.findChildren(type(window.play_action)) if a.text().replace("&", "") == text)


def test_the_video_follows_the_playhead_plays_and_pauses_with_the_editor(window, tmp_path, monkeypatch, fake_player):
    from tests.ui.conftest import FakeSink

    reel = tmp_path / "reel.mp4"
    reel.write_bytes(b"\0" * 64)
    choose_file(monkeypatch, reel)
    menu_action(window, "Import reference video…").trigger()
    project, panel = window.document.project, window.video.panel
    assert project.reference_video == "reel.mp4"  # beside the project: stored relative, like the reference audio
    assert window.video.dock.isVisible() and "follows the playhead" in window.message.text()
    player, audio = fake_player["player"], fake_player["audio"]
    assert player.source.toLocalFile().endswith("reel.mp4") and audio.muted and panel.mute.isChecked()

    tl = window.timeline
    click(tl, view_to_widget(tl, tl.audio, 1.25, 0.0))  # the user clicks the timeline at 1.25 s
    assert tl.cursor == pytest.approx(1.25, abs=0.05)
    assert player.pos == round(tl.cursor * 1000) and player.state == "paused"

    panel.offset.setValue(10.0)  # the reel's picture starts ten seconds before the scene
    panel.offset.setValue(10.04)
    panel.offset.editingFinished.emit()
    assert project.video_offset == pytest.approx(10.04)
    assert window.document.undo_stack.text(window.document.undo_stack.count() - 1) == "Video offset +10.040 s"
    assert player.pos == round((tl.cursor + 10.04) * 1000)

    SHOTS.mkdir(exist_ok=True)
    window.grab().save(str(SHOTS / "reference-video.png"))
    window.play_action.trigger()  # Space: the mix plays, and so does the picture
    settle(window)
    assert window.player.playing and player.state == "playing"
    seeks = len(player.calls)
    FakeSink.started[-1].usecs = 500_000  # half a second of sound has gone out, and of picture
    player.pos += 520
    window.player._tick()
    assert abs(player.pos - round((tl.playhead_at + 10.04) * 1000)) <= 80 and len(player.calls) == seeks
    player.pos += 300  # the decoder ran ahead: pulled back on the next tick
    window.player._tick()
    assert player.pos == round((tl.playhead_at + 10.04) * 1000)
    window.play_action.trigger()  # Space again stops: the picture pauses too
    assert not window.player.playing and player.state == "paused"

    panel.mute.click()
    assert not audio.muted
    window.document.undo_stack.undo()  # the offset
    assert panel.offset_s == 0.0
    window.document.undo_stack.undo()  # the import
    assert project.reference_video is None and panel.loaded_from is None and not window.video.dock.isVisible()


def test_the_video_and_offset_reopen_with_the_project(window, tmp_path, fake_player):
    reel = tmp_path / "reel.webm"
    reel.write_bytes(b"\0" * 64)
    assert window.video.set_video(reel)
    window.video.panel.offset.setValue(-2.5)
    window.save()
    window.document.undo_stack.setClean()
    assert window.open_path(window.document.path)
    panel = window.video.panel
    assert panel.loaded_from == reel and panel.offset_s == -2.5 and window.video.dock.isVisible()


def test_a_missing_or_empty_video_is_one_sentence_and_changes_nothing(window, tmp_path, fake_player):
    assert not window.video.set_video(tmp_path / "nowhere.mp4")
    assert window.message.text() == "nowhere.mp4 was not found; choose the video again."
    empty = tmp_path / "empty.mov"
    empty.write_bytes(b"")
    assert not window.video.set_video(empty)
    assert window.message.text() == "empty.mov is empty; choose the video again."
    assert window.document.project.reference_video is None and window.video.panel is None


def test_a_moved_video_says_so_when_the_project_opens(window, tmp_path, fake_player):
    reel = tmp_path / "reel.mkv"
    reel.write_bytes(b"\0" * 64)
    assert window.video.set_video(reel)
    window.save()
    reel.unlink()
    assert window.open_path(window.document.path)
    assert window.video.panel.note.text() == "reel.mkv was not found; choose the video again."


def test_without_a_video_backend_the_panel_says_so_in_one_sentence(window, tmp_path, monkeypatch):
    def no_backend():
        raise VideoUnavailable("Qt found no media backend")
    monkeypatch.setattr(video_actions.VideoActions, "backend", staticmethod(no_backend))
    reel = tmp_path / "reel.mp4"
    reel.write_bytes(b"\0" * 64)
    assert window.video.set_video(reel)
    panel = window.video.panel
    assert panel.note.text() == "This system cannot play video: Qt found no media backend."
    assert window.message.text() == panel.note.text()
    window.timeline.set_cursor(2.0)  # nothing to follow, nothing breaks
    panel.offset.setValue(1.0)
    assert window.document.project.video_offset == 1.0


def test_qt_player_reports_a_file_it_cannot_decode_in_one_sentence(window, tmp_path, qtbot):
    from studio.ui.video_panel import qt_backend

    try:
        qt_backend()[0].deleteLater()
    except VideoUnavailable as exc:
        pytest.skip(f"no QtMultimedia video backend here: {exc}")
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"this is not a video" * 100)
    assert window.video.set_video(bad)
    panel = window.video.panel
    qtbot.waitUntil(lambda: "cannot be played" in panel.note.text(), timeout=10_000)
    assert panel.note.text().startswith("bad.mp4 cannot be played (") and "\n" not in panel.note.text()
