"""Starting the editor: the QApplication, the theme, the first project, and the screenshot mode."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


def apply_theme(app: QApplication) -> None:
    """Fusion everywhere, dark unless the system asks for light: audio tools are used in dim rooms."""
    app.setStyle("Fusion")
    if QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Light:
        return
    p = QPalette()
    base, window, text = QColor(30, 31, 36), QColor(43, 45, 51), QColor(225, 225, 230)
    for role, color in ((QPalette.Window, window), (QPalette.WindowText, text), (QPalette.Base, base),
                        (QPalette.AlternateBase, window), (QPalette.Text, text), (QPalette.Button, window),
                        (QPalette.ButtonText, text), (QPalette.ToolTipBase, base), (QPalette.ToolTipText, text),
                        (QPalette.Highlight, QColor(70, 130, 200)), (QPalette.HighlightedText, QColor(255, 255, 255)),
                        (QPalette.PlaceholderText, QColor(130, 130, 140))):
        p.setColor(role, color)
    p.setColor(QPalette.Disabled, QPalette.Text, QColor(110, 110, 120))
    p.setColor(QPalette.Disabled, QPalette.ButtonText, QColor(110, 110, 120))
    app.setPalette(p)


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Speech Studio")
    app.setOrganizationName("Speech Studio")
    apply_theme(app)
    return app


def run_editor(project: Path | None) -> int:
    from studio.ui.main_window import MainWindow

    from PySide6.QtWidgets import QMessageBox

    app = make_app()
    window = MainWindow()
    window.show()
    ask = lambda text: QMessageBox.question(window, "Recover unsaved work", text) == QMessageBox.Yes  # noqa: E731
    if not window.offer_recovery(ask) and project is not None:
        window.open_path(project)
    return app.exec()


def settle(window, timeout: float = 120.0) -> bool:
    """Let the renderer finish and the timeline draw what it rendered."""
    app = QApplication.instance()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if window.render.scheduler.wait_idle(0.05) and not window.render._loading:
            break
    for _ in range(10):
        app.processEvents()
        time.sleep(0.01)
    window.timeline.refresh()
    app.processEvents()
    return window.render.scheduler.wait_idle(0)


def screenshot(out: Path, project: Path | None) -> int:
    """Open the editor offscreen on a project, wait until rendering settles, save a PNG of the window."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from studio.ui.main_window import MainWindow

    make_app()
    scratch = tempfile.mkdtemp()
    settings = QSettings(os.path.join(scratch, "screenshot.ini"), QSettings.IniFormat)
    window = MainWindow(settings=settings, recovery_dir=Path(scratch) / "recovery")
    window.resize(1600, 1000)
    window.show()
    if project is not None and not window.open_path(project):
        print(f"studio: {window.message.text()}", file=sys.stderr)
        return 2
    settle(window)
    total = window.timeline.data.total
    window.timeline.show_range(0, min(max(total, 1.0), 60.0))  # the rendered length, now that it is known
    QApplication.instance().processEvents()
    ok = window.grab().save(str(out))
    window.close()
    if not ok:
        print(f"studio: could not write {out}.", file=sys.stderr)
        return 2
    print(f"wrote {out}")
    return 0
