"""Starting the editor: the QApplication, the theme, and the first project."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from .main_window import MainWindow


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


def run_editor(project: Path | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Speech Studio")
    app.setOrganizationName("Speech Studio")
    apply_theme(app)
    window = MainWindow()
    window.show()
    if project is not None:
        window.open_path(project)
    return app.exec()
