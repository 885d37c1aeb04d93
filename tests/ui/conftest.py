import pytest
from PySide6.QtCore import QSettings

from studio.engine.render.cache import RenderCache


class FakeSink:
    """Stands in for QAudioSink: records what would be played and advances a clock on demand."""

    started = []

    def __init__(self, fmt):
        self.format, self.device, self.usecs = fmt, None, 0

    def start(self, device):
        self.device = device
        FakeSink.started.append(self)

    def stop(self):
        self.device = None

    def processedUSecs(self):
        return self.usecs


@pytest.fixture
def make_window(qtbot, tmp_path):
    from studio.ui.main_window import MainWindow

    windows = []

    def make(sink_factory=FakeSink, proof=False):
        from studio.engine.guide.proof import ProofCache

        FakeSink.started = []
        settings = QSettings(str(tmp_path / f"settings{len(windows)}.ini"), QSettings.IniFormat)
        # The proof pass (a worker process per window) is off unless a test is about it.
        w = MainWindow(settings=settings, sink_factory=sink_factory, render_cache=RenderCache(tmp_path / "cache"),
                       recovery_dir=tmp_path / "recovery", proof_listening=proof,
                       proof_cache=ProofCache(tmp_path / "proof"))
        # Not qtbot.addWidget: pytest-qt would close it before this fixture can clear unsaved changes, and the
        # "save changes?" prompt would wait for an answer forever. The teardown below closes it.
        w.resize(1500, 950)
        w.show()
        windows.append(w)
        return w
    yield make
    for w in windows:
        w.document.undo_stack.setClean()  # a test that left changes must not meet the "save changes?" prompt
        w.close()
        w.render.close()
        w.proof.close()


@pytest.fixture(autouse=True)
def user_folders(tmp_path, monkeypatch):
    """The global lexicon and other user files go to a per-test folder, never the real home."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
def window(make_window, tmp_path):
    """The editor on a copy of the demo project, rendered."""
    import shutil

    from studio.cli import DEMO_PROJECT
    from tests.ui.helpers import settle

    path = tmp_path / "demo.json"
    shutil.copy(DEMO_PROJECT, path)
    w = make_window()
    assert w.open_path(path)
    settle(w)
    return w
